"""Settings for the test suite: the production settings with testing switched on."""

import os

os.environ.setdefault("ONESTOP_TESTING", "true")
os.environ.setdefault("AXES_ENABLED", "true")

from onestop.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; argon2 tested apart
