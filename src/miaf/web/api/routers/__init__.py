"""One router per area of the API; each builds its operations from :mod:`miaf.web.api.crud` resources."""
