"""schools resource."""
