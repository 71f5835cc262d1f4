"""Evidence: programme indicators computed from the records (domain extraction, CLI)."""
