"""participants resource."""
