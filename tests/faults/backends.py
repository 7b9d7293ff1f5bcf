"""A delivery backend that writes down every message it sends, for processes other than the
test's own (Celery workers): one line "<message id> <pid>" per send, appended to the file named
by NOTIFY_RECORD_FILE. With NOTIFY_HOLD_FILE set and that file present, a send first announces
the message it holds (in "<hold file>.holding") and waits until the hold file is removed: a
delivery that hangs in the provider, so that a test can kill the worker while it holds it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from onestop.notify.models import Message


class RecordingFileBackend:
    def send(self, message: Message) -> str:
        hold = os.environ.get("NOTIFY_HOLD_FILE", "")
        if hold and Path(hold).exists():
            Path(hold + ".holding").write_text(str(message.pk))
            while Path(hold).exists():
                time.sleep(0.05)
        line = f"{message.pk} {os.getpid()}\n".encode()
        fd = os.open(os.environ["NOTIFY_RECORD_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)  # one short O_APPEND write: lines of two workers never mix
        finally:
            os.close(fd)
        return f"rec-{message.pk}"


def recorded(path: Path) -> list[int]:
    """The message ids the backend sent, once per send."""
    if not path.exists():
        return []
    return [int(line.split()[0]) for line in path.read_text().splitlines() if line.strip()]
