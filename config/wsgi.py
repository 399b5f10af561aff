"""WSGI entry point (served by gunicorn's sync workers, see ARCHITECTURE.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A server never makes a key (issue 17): without its key files it stops here, naming the missing file.
from clearcheck.core.keys import key_files_require  # noqa: E402  (needs the settings configured above)

key_files_require()
