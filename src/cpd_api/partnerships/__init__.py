"""partnerships resource."""
