"""Backends that record what they send, for the outbox tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from onestop.notify.models import Message

NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)

# What RecordingBackend sent: message ids, in order (shared by threads, hence the lock).
sent_ids: list[int] = []
_lock = threading.Lock()


class RecordingBackend:
    def send(self, message: Message) -> str:
        with _lock:
            sent_ids.append(message.pk)
        return f"rec-{message.pk}"


class BrokenBackend:
    def send(self, message: Message) -> str:
        raise ConnectionError("gateway down")


@pytest.fixture
def recorded() -> Iterator[list[int]]:
    sent_ids.clear()
    yield sent_ids
    sent_ids.clear()


@pytest.fixture
def recording(settings, recorded: list[int]) -> list[int]:
    settings.NOTIFY_BACKENDS = {
        "sms": "tests.notify.conftest.RecordingBackend",
        "email": "tests.notify.conftest.RecordingBackend",
        "inapp": "tests.notify.conftest.RecordingBackend",
    }
    return recorded


@pytest.fixture
def broken(settings) -> None:
    settings.NOTIFY_BACKENDS = {"sms": "tests.notify.conftest.BrokenBackend"}
