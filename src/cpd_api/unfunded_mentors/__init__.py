"""Unfunded mentors: mentors of a provider's ECTs who are not its own participants."""
