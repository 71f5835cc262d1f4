"""Import batches and quarantined rows (ODK Central / KoboToolbox submissions)."""
