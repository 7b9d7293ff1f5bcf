"""Delivery backends, one per channel, chosen by settings.NOTIFY_BACKENDS (channel → dotted path
of a class with `send(message) -> provider id`). A backend raises to report a failed attempt."""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from onestop.notify.models import Message

log = logging.getLogger("onestop.notify")

# The embedded default: nothing leaves the machine; SMS and e-mail are written to the log.
DEFAULT_BACKENDS = {
    Message.Channel.SMS: "onestop.notify.backends.ConsoleBackend",
    Message.Channel.EMAIL: "onestop.notify.backends.ConsoleBackend",
    Message.Channel.INAPP: "onestop.notify.backends.InAppBackend",
}


class Backend(Protocol):
    def send(self, message: Message) -> str: ...


class DeliveryError(Exception):
    """A backend could not deliver; the message is retried later."""


class ConsoleBackend:
    def send(self, message: Message) -> str:
        log.info(
            "notify %s to %s: %s %s",
            message.channel,
            message.address or f"user {message.recipient_id}",
            message.subject,
            message.body,
        )
        return "console"


class InAppBackend:
    """An in-app message is shown in the recipient's inbox once it is marked sent."""

    def send(self, message: Message) -> str:
        if message.recipient_id is None:
            raise DeliveryError("站内消息没有接收人")
        return "inapp"


class EmailBackend:
    """E-mail through Django's mail API (EMAIL_BACKEND decides the transport)."""

    def send(self, message: Message) -> str:
        address = message.address or getattr(message.recipient, "email", "")
        if not address:
            raise DeliveryError("没有邮箱地址")
        send_mail(message.subject, message.body, None, [address])
        return "email"


class SmsGateway(Protocol):
    """An SMS provider: sends one text and returns the provider's message id."""

    def send(self, address: str, text: str) -> str: ...


class SmsBackend:
    """SMS through the gateway named by settings.NOTIFY_SMS_GATEWAY (a dotted class path)."""

    def __init__(self) -> None:
        gateway_path = getattr(
            settings, "NOTIFY_SMS_GATEWAY", "onestop.notify.backends.FakeSmsGateway"
        )
        self.gateway: SmsGateway = import_string(gateway_path)()

    def send(self, message: Message) -> str:
        if not message.address:
            raise DeliveryError("没有手机号")
        text = f"【{message.subject}】{message.body}" if message.subject else message.body
        return self.gateway.send(message.address, text)


# What FakeSmsGateway "sent", like django.core.mail.outbox: a test double of a real provider.
fake_sms_outbox: list[tuple[str, str]] = []
_fake_lock = threading.Lock()


class FakeSmsGateway:
    def send(self, address: str, text: str) -> str:
        with _fake_lock:
            fake_sms_outbox.append((address, text))
            return f"fake-{len(fake_sms_outbox)}"


@cache
def _load(path: str) -> type[Backend]:
    cls: type[Backend] = import_string(path)
    return cls


def get_backend(channel: str) -> Backend:
    paths = {**DEFAULT_BACKENDS, **getattr(settings, "NOTIFY_BACKENDS", {})}
    return _load(paths[channel])()
