"""delivery partners resource."""
