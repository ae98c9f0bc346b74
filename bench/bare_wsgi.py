"""WSGI entry point for the bench's bare view: the app's settings and middleware, the bench's URLconf.

    gunicorn bench.bare_wsgi:application   (started by bench/load_test.py; never used in production)

ROOT_URLCONF is switched before Django sets up, in this process only: the app's csp.urls is neither
changed nor imported by requests, and csp/settings.py is not changed.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings")

from django.conf import settings  # noqa: E402 (after the settings module is chosen)

settings.ROOT_URLCONF = "bench.bare_urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
