"""Every kind of data `cpd-api import` (and the operator API) accepts, by name.

Each resource that takes intake exposes an `IntakeKind` in its own `intake.py`; this module
only gathers them, in the order a new deployment would load them."""

from __future__ import annotations

import importlib

from .core.intake import IntakeKind

KIND_MODULES: dict[str, str] = {
    "schools": "cpd_api.schools.intake:SCHOOLS",
    "delivery-partners": "cpd_api.delivery_partners.intake:DELIVERY_PARTNERS",
    "partnerships": "cpd_api.partnerships.intake:PARTNERSHIPS",
    "statements": "cpd_api.statements.intake:STATEMENTS",
    "ecf-participants": "cpd_api.participants.ecf.intake:ECF_PARTICIPANTS",
    "eligibility": "cpd_api.declarations.intake:ELIGIBILITY",
    "npq-applications": "cpd_api.npq_applications.intake:NPQ_APPLICATIONS",
    "schedules": "cpd_api.schedules.intake:SCHEDULES",
}


def intake_kinds() -> dict[str, IntakeKind]:
    kinds: dict[str, IntakeKind] = {}
    for name, module_path in KIND_MODULES.items():
        module_name, _, attribute = module_path.partition(":")
        kinds[name] = getattr(importlib.import_module(module_name), attribute)
    return kinds
