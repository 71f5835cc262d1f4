"""Household economy of member families: the income and expense calendar (:mod:`.calendar`). No Django."""
