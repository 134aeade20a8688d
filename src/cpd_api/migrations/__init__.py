"""Alembic migrations for the cpd-api schema."""
