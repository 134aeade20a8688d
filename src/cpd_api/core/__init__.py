"""Cross-cutting machinery shared by every resource: configuration, database, clock, paging,
filters, JSON:API documents, errors, rate limiting and observability.

Nothing in this package imports a resource package; resources import from here."""
