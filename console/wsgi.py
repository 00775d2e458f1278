import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
application = get_wsgi_application()

# Fail closed at start-up if the keys cannot read the stored secrets.
from connections.crypto import verify_canary  # noqa: E402

verify_canary()
