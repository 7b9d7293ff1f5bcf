"""The outbox: enqueue in the caller's transaction, delivery, backoff and final failure."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction

from onestop.jobs import run_job
from onestop.notify import actions, backends
from onestop.notify.checks import check_public_base_url
from onestop.notify.models import Message
from onestop.notify.queries import inbox_for_user
from tests.notify.conftest import NOW

pytestmark = pytest.mark.django_db


def sms(body: str = "您的办件已受理", **kw: object) -> Message:
    return actions.enqueue(channel="sms", address="13800000000", body=body, now=NOW, **kw)


def test_it_sends_a_due_message_once(recording):
    message = sms(subject="西区政务服务中心")
    assert actions.deliver_due(NOW, worker="w1") == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.sent_at == NOW
    assert message.attempts == 1
    assert message.provider_id == f"rec-{message.pk}"
    assert (message.claimed_by, message.claimed_until) == ("", None)
    assert actions.deliver_due(NOW + timedelta(hours=1), worker="w1") == 0
    assert recording == [message.pk]


def test_it_does_not_send_before_the_message_is_due(recording):
    actions.enqueue(channel="sms", address="13800000000", body="x", now=NOW + timedelta(minutes=1))
    assert actions.deliver_due(NOW) == 0
    assert recording == []


def test_it_delivers_in_batches_until_none_is_due(recording):
    for i in range(7):
        sms(body=f"第{i}条")
    assert actions.deliver_due(NOW, batch=3) == 7
    assert sorted(recording) == sorted(Message.objects.values_list("pk", flat=True))


def test_enqueue_in_a_rolled_back_transaction_sends_nothing(recording):
    with pytest.raises(RuntimeError), transaction.atomic():
        sms()
        raise RuntimeError("the state change failed")
    assert Message.objects.count() == 0
    assert actions.deliver_due(NOW) == 0
    assert recording == []


def test_enqueue_checks_the_address():
    with pytest.raises(ValueError):
        actions.enqueue(channel="sms", body="x", now=NOW)
    with pytest.raises(ValueError):
        actions.enqueue(channel="inapp", body="x", now=NOW)
    with pytest.raises(ValueError):
        actions.enqueue(channel="fax", address="1", body="x", now=NOW)


def test_a_failed_attempt_is_retried_after_1_5_25_minutes(broken):
    message = sms()
    waits = []
    at = NOW
    for attempt in range(1, 4):
        assert actions.deliver_due(at) == 0
        message.refresh_from_db()
        assert message.status == Message.Status.PENDING
        assert message.attempts == attempt
        assert message.last_error == "ConnectionError: gateway down"
        waits.append(message.next_attempt_at - at)
        # Not due a second before the wait is over.
        assert actions.deliver_due(message.next_attempt_at - timedelta(seconds=1)) == 0
        message.refresh_from_db()
        assert message.attempts == attempt
        at = message.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25)]


def test_it_fails_for_good_after_the_last_attempt(broken, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    message = sms()
    at = NOW
    for _ in range(3):
        actions.deliver_due(at)
        message.refresh_from_db()
        at = message.next_attempt_at
    assert message.status == Message.Status.FAILED
    assert message.attempts == 3
    assert "gateway down" in message.last_error
    assert actions.deliver_due(NOW + timedelta(days=30)) == 0
    message.refresh_from_db()
    assert message.attempts == 3


def test_a_retry_that_succeeds_is_sent(broken, settings, recorded):
    message = sms()
    actions.deliver_due(NOW)
    settings.NOTIFY_BACKENDS = {"sms": "tests.notify.conftest.RecordingBackend"}
    assert actions.deliver_due(NOW + timedelta(minutes=1)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    assert message.last_error == "ConnectionError: gateway down"  # kept as history


def test_a_message_held_by_a_dead_worker_is_sent_once_after_its_lease(recording):
    message = sms()
    # A worker claimed it and died before recording the outcome.
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING,
        attempts=1,
        claimed_by="dead:1",
        claimed_until=NOW + timedelta(minutes=5),
        next_attempt_at=NOW + timedelta(minutes=5),
    )
    assert actions.deliver_due(NOW + timedelta(minutes=4), worker="w2") == 0  # lease still held
    assert actions.deliver_due(NOW + timedelta(minutes=5), worker="w2") == 1
    assert actions.deliver_due(NOW + timedelta(minutes=30), worker="w3") == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)
    assert recording == [message.pk]


def test_a_late_outcome_of_a_worker_whose_lease_ran_out_is_not_recorded(recording):
    message = sms()
    [claimed] = actions._claim(NOW, batch=10, worker="slow")
    # The lease runs out and another worker sends it.
    assert actions.deliver_due(claimed.claimed_until, worker="fast") == 1
    assert actions._record(claimed, "slow", status=Message.Status.FAILED) is False
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_the_embedded_default_writes_sms_and_email_to_the_log(caplog):
    message = sms(subject="西区")
    actions.enqueue(channel="email", address="a@example.com", subject="受理", body="y", now=NOW)
    with caplog.at_level(logging.INFO, logger="onestop.notify"):
        assert run_job("deliver_notifications", NOW) == 2
    assert "notify sms to 13800000000: 西区 您的办件已受理" in caplog.text
    assert "notify email to a@example.com: 受理 y" in caplog.text
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Message.Status.SENT, "console")
    assert mail.outbox == []


def test_email_goes_through_django_mail(settings):
    settings.NOTIFY_BACKENDS = {"email": "onestop.notify.backends.EmailBackend"}
    user = get_user_model().objects.create_user("zhang", email="zhang@example.com")
    actions.enqueue(channel="email", recipient=user, subject="办件受理通知", body="已受理", now=NOW)
    assert actions.deliver_due(NOW) == 1
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to) == ("办件受理通知", "已受理", ["zhang@example.com"])


def test_sms_goes_through_the_gateway(settings):
    settings.NOTIFY_BACKENDS = {"sms": "onestop.notify.backends.SmsBackend"}
    settings.NOTIFY_SMS_GATEWAY = "onestop.notify.backends.FakeSmsGateway"
    backends.fake_sms_outbox.clear()
    message = sms(subject="西区政务")
    assert actions.deliver_due(NOW) == 1
    assert backends.fake_sms_outbox == [("13800000000", "【西区政务】您的办件已受理")]
    message.refresh_from_db()
    assert message.provider_id == "fake-1"
    backends.fake_sms_outbox.clear()


def test_an_inapp_message_appears_in_the_inbox_once_sent():
    user = get_user_model().objects.create_user("li")
    other = get_user_model().objects.create_user("wang")
    message = actions.enqueue(channel="inapp", recipient=user, body="请补正材料", now=NOW)
    assert list(inbox_for_user(user)) == []
    assert actions.deliver_due(NOW) == 1
    assert list(inbox_for_user(user)) == [message]
    assert list(inbox_for_user(other)) == []


def test_a_deployment_without_a_public_address_is_warned(settings):
    settings.PUBLIC_BASE_URL = ""
    assert [w.id for w in check_public_base_url()] == ["notify.W001"]
    settings.PUBLIC_BASE_URL = "https://zwfw.example.cn"
    assert check_public_base_url() == []
