"""Backups of a miaf installation: ``miaf backup OUT`` and ``miaf restore IN`` (see docs/deploy.md)."""
