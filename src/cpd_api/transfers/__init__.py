"""transfers resource."""
