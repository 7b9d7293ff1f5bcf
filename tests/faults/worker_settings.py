"""Settings of the Celery workers the fault tests and bench/multinode.py start: the test
settings with every channel going to the recording backend, and a lease from the environment."""

import os

from onestop.test_settings import *  # noqa: F403

NOTIFY_BACKENDS = dict.fromkeys(
    ("sms", "email", "inapp"), "tests.faults.backends.RecordingFileBackend"
)
NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS", "300"))
