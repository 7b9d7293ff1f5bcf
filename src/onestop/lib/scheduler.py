"""A minimal in-process scheduler for the embedded run: one daemon thread running jobs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

log = logging.getLogger("onestop.scheduler")


def start(
    jobs: Sequence[tuple[str, int, Callable[[], object]]], *, tick: float = 5.0
) -> threading.Thread:
    """Run each (name, every_seconds, fn) at start and then every `every_seconds`."""
    due = {name: 0.0 for name, _, _ in jobs}

    def loop() -> None:
        while True:
            now = time.monotonic()
            for name, every, fn in jobs:
                if now >= due[name]:
                    due[name] = now + every
                    try:
                        result = fn()
                        log.info("job %s done: %s", name, result)
                    except Exception:  # a failing job must not stop the others
                        log.exception("job %s failed", name)
            time.sleep(tick)

    thread = threading.Thread(target=loop, name="onestop-scheduler", daemon=True)
    thread.start()
    return thread
