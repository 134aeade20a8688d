"""Keeping `visible_enrolments` exact with database triggers, on PostgreSQL and SQLite.

Which ECF training records a provider may list, and through which induction record, depends on
induction records (their partnership, start, end and creation) and on partnerships (their
provider and challenge). Computing that for every person of a provider on every page read is
what made late pages and full syncs slow; keeping it in a table written by triggers makes the
read an index range scan and cannot drift, because every write (ORM, bulk SQL, intake, an
operator's manual fix) fires them in its own transaction.

`visible_people` (one row per provider and person) follows `visible_enrolments` through
triggers on that table, so the people pages need no DISTINCT.

The triggers are (re)installed by `cpd_api.db.upgrade` on every `db upgrade`; the tables are
rebuilt from scratch whenever they were missing, so an existing database gets exact rows."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# The visible record of a profile for a provider (ecf.md 1.4): among its induction records in
# that provider's unchallenged partnerships, open ones first, then the latest start, then the
# latest made (the id breaks exact ties, as the list queries do).
_RANKED = """
SELECT pa.lead_provider_id, ir.participant_profile_id, pp.participant_id,
       ir.id AS induction_record_id, p.created_at,
       ROW_NUMBER() OVER (
           PARTITION BY pa.lead_provider_id, ir.participant_profile_id
           ORDER BY CASE WHEN ir.end_date IS NULL THEN 0 ELSE 1 END,
                    ir.start_date DESC, ir.created_at DESC, ir.id DESC
       ) AS position
FROM induction_records ir
JOIN partnerships pa ON pa.id = ir.partnership_id
JOIN participant_profiles pp ON pp.id = ir.participant_profile_id
JOIN participants p ON p.id = pp.participant_id
WHERE pa.challenged_at IS NULL AND pa.challenge_reason IS NULL
  AND pp.profile_type IN ('ect', 'mentor')
"""

_INSERT = f"""
INSERT INTO visible_enrolments
    (lead_provider_id, participant_profile_id, participant_id, induction_record_id,
     participant_created_at)
SELECT lead_provider_id, participant_profile_id, participant_id, induction_record_id, created_at
FROM ({_RANKED} {{restriction}}) ranked
WHERE position = 1
ON CONFLICT (lead_provider_id, participant_profile_id) DO UPDATE SET
    participant_id = excluded.participant_id,
    induction_record_id = excluded.induction_record_id,
    participant_created_at = excluded.participant_created_at
"""


def refresh_statements(profiles: str) -> list[str]:
    """SQL recomputing the rows of the profiles that `profiles` (a subquery or a single value
    expression such as `NEW.participant_profile_id`) selects."""
    return [
        f"DELETE FROM visible_enrolments WHERE participant_profile_id IN ({profiles})",
        _INSERT.format(restriction=f"AND ir.participant_profile_id IN ({profiles})"),
    ]


# `visible_people` follows `visible_enrolments` (one row per provider and person, counting the
# person's visible enrolments) through triggers on that table.
_PERSON_LEAVES = [
    "UPDATE visible_people SET enrolments = enrolments - 1 "
    "WHERE lead_provider_id = OLD.lead_provider_id AND participant_id = OLD.participant_id",
    "DELETE FROM visible_people WHERE lead_provider_id = OLD.lead_provider_id "
    "AND participant_id = OLD.participant_id AND enrolments <= 0",
]
_PERSON_JOINS = [
    "INSERT INTO visible_people "
    "(lead_provider_id, participant_id, participant_created_at, enrolments) "
    "VALUES (NEW.lead_provider_id, NEW.participant_id, NEW.participant_created_at, 1) "
    "ON CONFLICT (lead_provider_id, participant_id) DO UPDATE SET "
    "enrolments = visible_people.enrolments + 1, "
    "participant_created_at = excluded.participant_created_at"
]
_PERSON_MOVED = (
    "OLD.lead_provider_id <> NEW.lead_provider_id OR OLD.participant_id <> NEW.participant_id "
    "OR OLD.participant_created_at <> NEW.participant_created_at"
)

REBUILD = [
    "DELETE FROM visible_enrolments",
    _INSERT.format(restriction=""),
    "DELETE FROM visible_people",
    "INSERT INTO visible_people "
    "(lead_provider_id, participant_id, participant_created_at, enrolments) "
    "SELECT lead_provider_id, participant_id, MAX(participant_created_at), COUNT(*) "
    "FROM visible_enrolments GROUP BY lead_provider_id, participant_id",
]

_PARTNERSHIP_PROFILES = (
    "SELECT participant_profile_id FROM induction_records WHERE partnership_id = NEW.id"
)
_RECORD_COLUMNS = "participant_profile_id, partnership_id, start_date, end_date, created_at"
_PARTNERSHIP_COLUMNS = "lead_provider_id, challenged_at, challenge_reason"
_PROFILE_COLUMNS = "participant_id, profile_type"
_CREATED = (
    "UPDATE visible_enrolments SET participant_created_at = NEW.created_at "
    "WHERE participant_id = NEW.id"
)

# name, table, event, row whose profiles to refresh (None: the participants copy)
_SQLITE_TRIGGERS = (
    ("trg_visible_enrolments_ir_insert", "AFTER INSERT ON induction_records", "NEW"),
    ("trg_visible_enrolments_ir_delete", "AFTER DELETE ON induction_records", "OLD"),
    (
        "trg_visible_enrolments_ir_update",
        f"AFTER UPDATE OF {_RECORD_COLUMNS} ON induction_records",
        "OLD+NEW",
    ),
    (
        "trg_visible_enrolments_partnership",
        f"AFTER UPDATE OF {_PARTNERSHIP_COLUMNS} ON partnerships",
        "PARTNERSHIP",
    ),
    (
        "trg_visible_enrolments_profile",
        f"AFTER UPDATE OF {_PROFILE_COLUMNS} ON participant_profiles",
        "PROFILE",
    ),
    ("trg_visible_enrolments_person", "AFTER UPDATE OF created_at ON participants", "PERSON"),
    ("trg_visible_people_insert", "AFTER INSERT ON visible_enrolments", "JOINS"),
    ("trg_visible_people_delete", "AFTER DELETE ON visible_enrolments", "LEAVES"),
    (
        "trg_visible_people_update",
        f"AFTER UPDATE ON visible_enrolments WHEN {_PERSON_MOVED}",
        "MOVES",
    ),
)


def _for_each_row(event: str) -> str:
    """`AFTER ... ON table [WHEN cond]` as a row trigger (both databases want FOR EACH ROW
    before the WHEN)."""
    head, when, condition = event.partition(" WHEN ")
    return f"{head} FOR EACH ROW{when}{condition}"


def _sqlite_body(rows: str) -> list[str]:
    if rows == "NEW":
        return refresh_statements("NEW.participant_profile_id")
    if rows == "OLD":
        return refresh_statements("OLD.participant_profile_id")
    if rows == "OLD+NEW":
        return refresh_statements("OLD.participant_profile_id, NEW.participant_profile_id")
    if rows == "PARTNERSHIP":
        return refresh_statements(_PARTNERSHIP_PROFILES)
    if rows == "PROFILE":
        return refresh_statements("NEW.id")
    if rows == "JOINS":
        return _PERSON_JOINS
    if rows == "LEAVES":
        return _PERSON_LEAVES
    if rows == "MOVES":
        return [*_PERSON_LEAVES, *_PERSON_JOINS]
    return [_CREATED]


def _install_sqlite(connection: Connection) -> None:
    for name, event, rows in _SQLITE_TRIGGERS:
        body = ";\n".join(_sqlite_body(rows))
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text(f"CREATE TRIGGER {name} {_for_each_row(event)} BEGIN {body}; END"))


def _plpgsql(statements: list[str]) -> str:
    return "\n".join(f"    {statement};" for statement in statements)


_POSTGRES_FUNCTIONS = {
    "cpd_visible_enrolments_from_records": f"""
    IF TG_OP <> 'INSERT' THEN
{_plpgsql(refresh_statements("OLD.participant_profile_id"))}
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
            AND NEW.participant_profile_id <> OLD.participant_profile_id) THEN
{_plpgsql(refresh_statements("NEW.participant_profile_id"))}
    END IF;
    RETURN NULL;""",
    "cpd_visible_enrolments_from_partnerships": f"""
{_plpgsql(refresh_statements(_PARTNERSHIP_PROFILES))}
    RETURN NULL;""",
    "cpd_visible_enrolments_from_profiles": f"""
{_plpgsql(refresh_statements("NEW.id"))}
    RETURN NULL;""",
    "cpd_visible_enrolments_from_participants": f"""
    {_CREATED};
    RETURN NULL;""",
    "cpd_visible_people_from_enrolments": f"""
    IF TG_OP <> 'INSERT' THEN
{_plpgsql(_PERSON_LEAVES)}
    END IF;
    IF TG_OP <> 'DELETE' THEN
{_plpgsql(_PERSON_JOINS)}
    END IF;
    RETURN NULL;""",
}

_POSTGRES_TRIGGERS = (
    (
        "trg_visible_enrolments_records",
        f"AFTER INSERT OR DELETE OR UPDATE OF {_RECORD_COLUMNS} ON induction_records",
        "cpd_visible_enrolments_from_records",
    ),
    (
        "trg_visible_enrolments_partnerships",
        f"AFTER UPDATE OF {_PARTNERSHIP_COLUMNS} ON partnerships",
        "cpd_visible_enrolments_from_partnerships",
    ),
    (
        "trg_visible_enrolments_profiles",
        f"AFTER UPDATE OF {_PROFILE_COLUMNS} ON participant_profiles",
        "cpd_visible_enrolments_from_profiles",
    ),
    (
        "trg_visible_enrolments_participants",
        "AFTER UPDATE OF created_at ON participants",
        "cpd_visible_enrolments_from_participants",
    ),
    (
        "trg_visible_people_enrolments",
        "AFTER INSERT OR DELETE ON visible_enrolments",
        "cpd_visible_people_from_enrolments",
    ),
    (
        "trg_visible_people_moves",
        f"AFTER UPDATE ON visible_enrolments WHEN ({_PERSON_MOVED})",
        "cpd_visible_people_from_enrolments",
    ),
)


def _install_postgres(connection: Connection) -> None:
    for name, body in _POSTGRES_FUNCTIONS.items():
        connection.execute(
            text(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN{body}\nEND $$"
            )
        )
    for name, event, function in _POSTGRES_TRIGGERS:
        table = event.split(" ON ")[1].split(" ")[0]
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
        connection.execute(
            text(f"CREATE TRIGGER {name} {_for_each_row(event)} EXECUTE FUNCTION {function}()")
        )


def _installed(connection: Connection) -> bool:
    names = "(tgname LIKE 'trg_visible_enrolments_%' OR tgname LIKE 'trg_visible_people_%')"
    if connection.dialect.name == "postgresql":
        query = f"SELECT count(*) FROM pg_trigger WHERE {names}"
        expected = len(_POSTGRES_TRIGGERS)
    else:
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND " + names.replace(
            "tgname", "name"
        )
        expected = len(_SQLITE_TRIGGERS)
    return connection.execute(text(query)).scalar_one() == expected


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
