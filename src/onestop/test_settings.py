"""Settings for the test suite: the production settings with testing switched on."""

import os

os.environ.setdefault("ONESTOP_TESTING", "true")
os.environ.setdefault("AXES_ENABLED", "true")
# One audit key for the suite and every process it starts (web nodes and workers of the fault
# tests keep their own var/): events one writes, another verifies. Not a secret of any deployment.
os.environ.setdefault("AUDIT_CHAIN_KEY", "onestop-test-suite-audit-chain-key-2026-not-a-secret")

from onestop.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = [  # fast first; argon2 stays available for the tests that check it
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    # A file, not :memory:, so that threads in the concurrency tests each get a connection to
    # the same database and wait on its write lock as production does.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"onestop_test_{os.getpid()}.sqlite3")
    }
