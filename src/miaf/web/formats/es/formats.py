"""es-MX formats for the ``es`` language of the site (see the package docstring)."""

from django.conf.locale.es_MX.formats import *  # noqa: F403
