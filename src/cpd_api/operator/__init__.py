"""The operator HTTP API (`/operator/...`): what `cpd-api import` and the finance reads do,
for systems that feed the service. Authenticated only by `CPD_API_OPERATOR_TOKEN`."""
