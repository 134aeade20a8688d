"""cpd-api: the lead provider API for teacher CPD (ECF and NPQ), versions v1, v2 and v3."""

__version__ = "0.1.0"
