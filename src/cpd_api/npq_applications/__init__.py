"""npq applications resource."""
