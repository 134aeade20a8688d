"""seed resource."""
