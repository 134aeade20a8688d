"""statements resource."""
