"""providers resource."""
