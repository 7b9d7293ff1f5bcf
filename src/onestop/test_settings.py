"""Settings for the test suite: the production settings with testing switched on."""

import os

os.environ.setdefault("ONESTOP_TESTING", "true")
os.environ.setdefault("AXES_ENABLED", "true")

from onestop.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = [  # fast first; argon2 stays available for the tests that check it
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
