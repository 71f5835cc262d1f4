"""Audit trail: who created, changed or deleted which domain record, when, through which path.

The rows are written by django-simple-history (one historical table per audited model, one row per save
or delete with the full record as it was after the change). :mod:`miaf.web.audit.history` says who acted
and through which path; :mod:`miaf.web.audit.queries` reads the trail back for the pages.
"""
