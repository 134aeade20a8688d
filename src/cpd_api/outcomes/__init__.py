"""outcomes resource."""
