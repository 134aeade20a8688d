"""Pairing leaving and joining induction records into transfers (ecf.md 8.2)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from cpd_api.transfers.rules import InductionPeriod, profile_transfers, transfers_updated_at

PROFILE = uuid.uuid4()
OLD_SCHOOL, NEW_SCHOOL = uuid.uuid4(), uuid.uuid4()
ALPHA, BETA, GAMMA = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def period(
    minutes: int,
    *,
    school=OLD_SCHOOL,
    provider=ALPHA,
    status="active",
    transfer=False,
    start=None,
    end=None,
):
    return InductionPeriod(
        id=uuid.uuid4(),
        profile_id=PROFILE,
        school_id=school,
        school_urn="100001" if school == OLD_SCHOOL else "100002",
        provider_id=provider,
        provider_name={ALPHA: "Alpha", BETA: "Beta", None: None}.get(provider, "Gamma"),
        induction_status=status,
        school_transfer=transfer,
        start_date=start,
        end_date=end,
        created_at=T0 + timedelta(minutes=minutes),
        updated_at=T0 + timedelta(minutes=minutes),
    )


LEAVING = period(0, status="leaving", end=datetime(2025, 4, 1, tzinfo=UTC))
JOINING = period(
    1, school=NEW_SCHOOL, provider=BETA, transfer=True, start=datetime(2025, 4, 2, tzinfo=UTC)
)


def test_new_provider_transfer_seen_by_both_sides():
    for provider in (ALPHA, BETA):
        (transfer,) = profile_transfers([JOINING, LEAVING], provider, date(2025, 3, 15))
        assert transfer.transfer_type == "new_provider"
        assert transfer.status == "incomplete"
        assert transfer.leaving is LEAVING and transfer.joining is JOINING
        assert transfer.created_at == LEAVING.created_at
    assert profile_transfers([LEAVING, JOINING], GAMMA, date(2025, 3, 15)) == []


def test_status_completes_when_both_dates_have_passed():
    (transfer,) = profile_transfers([LEAVING, JOINING], ALPHA, date(2025, 4, 2))
    assert transfer.status == "complete"
    (transfer,) = profile_transfers([LEAVING, JOINING], ALPHA, date(2025, 4, 1))
    assert transfer.status == "incomplete"


def test_leaving_without_joining_is_unknown_and_only_for_the_leaving_provider():
    (transfer,) = profile_transfers([LEAVING], ALPHA, date(2025, 3, 1))
    assert (transfer.transfer_type, transfer.joining) == ("unknown", None)
    assert profile_transfers([LEAVING], BETA, date(2025, 3, 1)) == []


def test_same_provider_or_school_led_side_is_new_school():
    same = period(1, school=NEW_SCHOOL, provider=ALPHA, transfer=True, start=JOINING.start_date)
    assert profile_transfers([LEAVING, same], ALPHA, date(2025, 1, 1))[0].transfer_type == (
        "new_school"
    )
    school_led = period(
        1, school=NEW_SCHOOL, provider=None, transfer=True, start=JOINING.start_date
    )
    assert profile_transfers([LEAVING, school_led], ALPHA, date(2025, 1, 1))[0].transfer_type == (
        "new_school"
    )


def test_joining_record_must_be_a_transfer_at_another_school_and_is_used_once():
    same_school = period(1, transfer=True, start=JOINING.start_date)
    not_transfer = period(2, school=NEW_SCHOOL, provider=BETA, start=JOINING.start_date)
    (transfer,) = profile_transfers([LEAVING, same_school, not_transfer], ALPHA, date(2025, 1, 1))
    assert transfer.joining is None
    second_leaving = period(3, school=NEW_SCHOOL, provider=BETA, status="leaving")
    transfers = profile_transfers([LEAVING, JOINING, second_leaving], BETA, date(2025, 1, 1))
    assert [t.joining for t in transfers] == [JOINING, None]


def test_updated_at_is_the_latest_record_or_the_person():
    transfers = profile_transfers([LEAVING, JOINING], ALPHA, date(2025, 1, 1))
    assert transfers_updated_at(transfers, T0 - timedelta(days=1)) == JOINING.updated_at
    assert transfers_updated_at([], T0) == T0


def test_no_dates_known_is_incomplete():
    leaving = period(0, status="leaving")
    assert profile_transfers([leaving], ALPHA, date(2030, 1, 1))[0].status == "incomplete"
