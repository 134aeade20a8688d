# cpd-api container: the same install and commands as .ci/run and the README, nothing more.
# Configuration comes from the environment (see the README's "Configuration" table).
FROM python:3.11-slim-bookworm

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src

# The install of .ci/run and the README.
RUN python3 -m venv --clear .venv && .venv/bin/python -m pip install -q --upgrade pip \
    && .venv/bin/python -m pip install -q -e '.[test]'

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1

EXPOSE 8000

# Migrations on start (idempotent), then the API with two workers.
CMD ["sh", "-c", "cpd-api db upgrade && exec cpd-api serve --host 0.0.0.0 --port 8000 --workers 2"]
