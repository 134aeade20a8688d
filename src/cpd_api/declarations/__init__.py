"""declarations resource."""
