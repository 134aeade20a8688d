"""Keeping `shared_profiles` exact with database triggers, on PostgreSQL and SQLite.

A training record is shared when the lead providers of its induction records' partnerships
and of its declarations number two or more. Only a shared record can carry declarations that
another provider sees (a provider always submits for a record it trains, ecf.md 4.5 D11), so
the declaration list restricts its "other providers" branches to these few records. Inserts
can only make a record shared, so they add; deletes and updates recompute.

Installed by `cpd_api.db.upgrade` like `cpd_api.participants.visibility`."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

_PROVIDERS = """
SELECT ir.participant_profile_id, pa.lead_provider_id
FROM induction_records ir JOIN partnerships pa ON pa.id = ir.partnership_id
WHERE ir.participant_profile_id IN ({profiles})
UNION
SELECT d.participant_profile_id, d.lead_provider_id
FROM declarations d
WHERE d.participant_profile_id IN ({profiles})
"""

_ADD = """
INSERT INTO shared_profiles (participant_profile_id)
SELECT participant_profile_id FROM (
    SELECT participant_profile_id FROM ({providers}) providers
    GROUP BY participant_profile_id HAVING count(*) >= 2
) shared
WHERE true
ON CONFLICT (participant_profile_id) DO NOTHING
"""


def add_statements(profiles: str) -> list[str]:
    return [_ADD.format(providers=_PROVIDERS.format(profiles=profiles))]


def refresh_statements(profiles: str) -> list[str]:
    return [
        f"DELETE FROM shared_profiles WHERE participant_profile_id IN ({profiles})",
        *add_statements(profiles),
    ]


REBUILD = [
    "DELETE FROM shared_profiles",
    _ADD.format(
        providers=_PROVIDERS.replace("WHERE ir.participant_profile_id IN ({profiles})", "")
        .replace("WHERE d.participant_profile_id IN ({profiles})", "")
        .format()
    ),
]

_IN_PARTNERSHIP = (
    "SELECT participant_profile_id FROM induction_records WHERE partnership_id = NEW.id"
)

# name, event, statements (SQLite triggers hold the SQL itself)
_TRIGGERS = (
    (
        "trg_shared_profiles_ir_insert",
        "AFTER INSERT ON induction_records",
        add_statements("NEW.participant_profile_id"),
    ),
    (
        "trg_shared_profiles_ir_delete",
        "AFTER DELETE ON induction_records",
        refresh_statements("OLD.participant_profile_id"),
    ),
    (
        "trg_shared_profiles_ir_update",
        "AFTER UPDATE OF participant_profile_id, partnership_id ON induction_records",
        refresh_statements("OLD.participant_profile_id, NEW.participant_profile_id"),
    ),
    (
        "trg_shared_profiles_partnership",
        "AFTER UPDATE OF lead_provider_id ON partnerships",
        refresh_statements(_IN_PARTNERSHIP),
    ),
    (
        "trg_shared_profiles_declaration_insert",
        "AFTER INSERT ON declarations",
        add_statements("NEW.participant_profile_id"),
    ),
    (
        "trg_shared_profiles_declaration_delete",
        "AFTER DELETE ON declarations",
        refresh_statements("OLD.participant_profile_id"),
    ),
    (
        "trg_shared_profiles_declaration_update",
        "AFTER UPDATE OF lead_provider_id, participant_profile_id ON declarations",
        refresh_statements("OLD.participant_profile_id, NEW.participant_profile_id"),
    ),
)


def _install_sqlite(connection: Connection) -> None:
    for name, event, statements in _TRIGGERS:
        body = ";\n".join(statements)
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text(f"CREATE TRIGGER {name} {event} FOR EACH ROW BEGIN {body}; END"))


def _install_postgres(connection: Connection) -> None:
    for name, event, statements in _TRIGGERS:
        function = f"cpd_{name.removeprefix('trg_')}"
        body = "\n".join(f"    {statement};" for statement in statements)
        connection.execute(
            text(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body}\n    RETURN NULL;\nEND $$"
            )
        )
        table = event.split(" ON ")[1]
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
        connection.execute(
            text(f"CREATE TRIGGER {name} {event} FOR EACH ROW EXECUTE FUNCTION {function}()")
        )


def _installed(connection: Connection) -> bool:
    if connection.dialect.name == "postgresql":
        query = "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'trg_shared_profiles_%'"
    else:
        query = (
            "SELECT count(*) FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'trg_shared_profiles_%'"
        )
    return connection.execute(text(query)).scalar_one() == len(_TRIGGERS)


def rebuild(connection: Connection) -> None:
    """Recompute every row (after a bulk load that bypassed the triggers)."""
    for statement in REBUILD:
        connection.execute(text(statement))


def install(connection: Connection) -> None:
    """(Re)create the triggers; rebuild the rows when they were not all there before."""
    complete = _installed(connection)
    if connection.dialect.name == "postgresql":
        _install_postgres(connection)
    else:
        _install_sqlite(connection)
    if not complete:
        rebuild(connection)
