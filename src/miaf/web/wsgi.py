"""WSGI entry point (gunicorn ``miaf.web.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
application = get_wsgi_application()
