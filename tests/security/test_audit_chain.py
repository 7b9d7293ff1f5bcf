"""The audit trail proves itself against someone who holds the database but not the key.

The attacker here writes to the tables directly (querysets' update/delete bypass the model's
append-only guard, as SQL would) and knows everything the code documents: the content an event
covers and the algorithms. They do not know AUDIT_CHAIN_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from onestop.cases import actions
from onestop.cases.audit import (
    GENESIS,
    HMAC_SHA256,
    LEGACY,
    UNSEALED,
    chain,
    event_content,
    key_id_of,
    mac,
    verify_case,
    verify_cases,
)
from onestop.cases.checks import check_audit_chain_key, refuse_default_audit_key
from onestop.cases.models import Case, CaseEvent, Task
from onestop.supervision.invariants import check_audit_chain
from tests.api.helpers import login, ok
from tests.case_fixtures import NOW, provide_all

KEY_A = "a" * 16 + "-audit-key-of-the-first-year-2026"
KEY_B = "b" * 16 + "-audit-key-after-the-rotation-2027"


@pytest.fixture
def key_a(settings):
    settings.AUDIT_CHAIN_KEY = KEY_A
    settings.AUDIT_CHAIN_OLD_KEYS = []
    return settings


@pytest.fixture
def moved(key_a, new_case, clerk, reviewer):
    """A case with four events: created, accepted, task_claimed, reviewed."""
    case = new_case()
    provide_all(case)
    actions.accept_case(case, actor=clerk, now=NOW)
    review = Task.objects.get(case=case, kind=Task.Kind.REVIEW)
    actions.claim_task(review, actor=reviewer, now=NOW + timedelta(hours=1))
    actions.submit_review(
        review, actor=reviewer, now=NOW + timedelta(days=1), recommend_grant=True, opinion="同意"
    )
    case.refresh_from_db()
    assert case.event_seq == 4
    assert verify_cases() == []
    return case


def reasons(case: Case | None = None) -> list[str]:
    return [b.reason for b in verify_cases() if case is None or b.case_number == case.number]


def sha256_link(alg: str, key_id: str, prev: str, content: str) -> str:
    return chain(prev, content)


def hmac_link(secret: str):  # type: ignore[no-untyped-def]
    def link(alg: str, key_id: str, prev: str, content: str) -> str:
        return mac(HMAC_SHA256, key_id, secret.encode(), prev, content)

    return link


def rechain(case: Case, link, *, alg: str, key_id: str, data_of: dict | None = None) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with the database does: rewrite events' data, recompute every hash
    with `link` from the first event on, and move the case row's head to the new last hash."""
    prev = GENESIS
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        event.data = data = (data_of or {}).get(event.seq, event.data)
        content = event_content(case.number, event)
        digest = link(alg, key_id, prev, content)
        CaseEvent.objects.filter(pk=event.pk).update(
            data=data, prev_hash=prev, alg=alg, key_id=key_id, hash=digest
        )
        prev = digest
    Case.objects.filter(pk=case.pk).update(event_hash=prev)


def test_events_record_the_algorithm_and_key_that_bound_them(moved):
    rows = set(CaseEvent.objects.filter(case=moved).values_list("alg", "key_id"))
    assert rows == {(HMAC_SHA256, key_id_of(KEY_A))}
    # The key id names the key without giving it away, and the hash is not the plain chain.
    assert KEY_A not in key_id_of(KEY_A)
    first = CaseEvent.objects.get(case=moved, seq=1)
    assert first.hash != chain(GENESIS, content_of_event(moved, first))


def content_of_event(case: Case, event: CaseEvent) -> str:
    return event_content(case.number, event)


def test_an_old_opinion_rewritten_and_rechained_with_sha256_is_found(moved):
    forged = {4: {"opinion": "不同意", "grant": False}}
    rechain(moved, sha256_link, alg=HMAC_SHA256, key_id=key_id_of(KEY_A), data_of=forged)
    assert CaseEvent.objects.get(case=moved, seq=4).data == forged[4]
    found = verify_cases()
    assert {b.seq for b in found} == {1, 2, 3, 4}  # every re-chained event fails its mac
    assert all("密钥摘要不符" in b.reason for b in found)


def test_a_trail_rechained_as_legacy_sha256_is_found(moved):
    # Relabelled as pre-key events: the plain chain holds, but nothing keyed vouches for it.
    rechain(moved, sha256_link, alg=LEGACY, key_id="", data_of={4: {"opinion": "不同意"}})
    assert reasons(moved) == [UNSEALED]


def test_a_keyed_trail_continued_in_sha256_is_found(moved, clerk):
    # Only the last event forged and relabelled legacy: a keyed chain may never turn plain.
    last = CaseEvent.objects.get(case=moved, seq=4)
    last.data = {**last.data, "opinion": "不同意"}
    digest = chain(last.prev_hash, content_of_event(moved, last))
    CaseEvent.objects.filter(pk=last.pk).update(data=last.data, alg=LEGACY, key_id="", hash=digest)
    Case.objects.filter(pk=moved.pk).update(event_hash=digest)
    found = reasons(moved)
    assert any("降级" in r for r in found)


def test_a_trail_rechained_with_a_guessed_key_is_found(moved):
    guess = "the-attacker-does-not-know-the-key-0000"
    # Claiming the real key's id: the macs do not match.
    rechain(moved, hmac_link(guess), alg=HMAC_SHA256, key_id=key_id_of(KEY_A))
    assert len(reasons(moved)) == 4
    assert all("密钥摘要不符" in r for r in reasons(moved))
    # Naming the guessed key's id: that key is not configured.
    rechain(moved, hmac_link(guess), alg=HMAC_SHA256, key_id=key_id_of(guess))
    assert all("未配置" in r for r in reasons(moved))


def test_a_truncated_trail_is_found(moved):
    CaseEvent.objects.filter(case=moved, seq=4).delete()
    assert reasons(moved) == ["日志被截断：办件记录到第 4 条，日志只到第 3 条"]


def test_an_emptied_trail_is_found(moved):
    CaseEvent.objects.filter(case=moved).delete()
    assert reasons(moved) == ["日志被清空：办件记录有 4 条日志，现在一条也没有"]
    # Resetting the head too: a case beyond draft cannot be without events.
    Case.objects.filter(pk=moved.pk).update(event_seq=0, event_hash=GENESIS)
    assert reasons(moved) == ["办件状态为 under_decision，却没有任何日志（日志被清空）"]
    # Nor can a draft: creating a case records its first event.
    Case.objects.filter(pk=moved.pk).update(status=Case.Status.DRAFT)
    assert "日志被清空" in reasons(moved)[0]


def test_a_moved_case_head_is_found(moved):
    Case.objects.filter(pk=moved.pk).update(event_hash="f" * 64)
    assert reasons(moved) == ["办件记录的链头哈希与最后一条日志不符"]
    third = CaseEvent.objects.get(case=moved, seq=3)
    Case.objects.filter(pk=moved.pk).update(event_seq=3, event_hash=third.hash)
    assert reasons(moved) == ["办件记录的链头（第 3 条）落后于最后一条日志（第 4 条）"]


def test_reordered_events_are_found(moved):
    two, three = (CaseEvent.objects.get(case=moved, seq=n) for n in (2, 3))
    CaseEvent.objects.filter(pk=two.pk).update(seq=99)
    CaseEvent.objects.filter(pk=three.pk).update(seq=2)
    CaseEvent.objects.filter(pk=two.pk).update(seq=3)
    found = reasons(moved)
    assert "前序哈希不一致" in found
    assert any("密钥摘要不符" in r for r in found)


def test_a_duplicated_event_is_found(moved):
    # The unique index stops a duplicate seq; one who drops it gets a row read twice.
    events = list(CaseEvent.objects.filter(case=moved).order_by("seq"))
    doubled = [*events[:3], events[2], events[3]]
    assert "第 3 条日志重复或次序颠倒" in [b.reason for b in verify_case(moved, doubled)]


def test_events_made_with_key_a_fail_under_key_b(moved, settings):
    settings.AUDIT_CHAIN_KEY = KEY_B
    found = reasons(moved)
    assert len(found) == 4
    assert all(f"密钥 {key_id_of(KEY_A)} 未配置" in r for r in found)


def test_after_a_rotation_the_old_key_still_verifies(moved, settings, co_reviewer):
    settings.AUDIT_CHAIN_KEY = KEY_B
    settings.AUDIT_CHAIN_OLD_KEYS = [KEY_A]
    assert verify_cases() == []
    opinion = Task.objects.get(case=moved, kind=Task.Kind.OPINION)
    actions.give_opinion(
        opinion, actor=co_reviewer, now=NOW + timedelta(days=2), agree=True, opinion="同意"
    )
    ids = list(
        CaseEvent.objects.filter(case=moved).order_by("seq").values_list("key_id", flat=True)
    )
    assert ids == [key_id_of(KEY_A)] * 4 + [key_id_of(KEY_B)]
    assert verify_cases() == []
    # Retiring the old key for good leaves its events unverifiable.
    settings.AUDIT_CHAIN_OLD_KEYS = []
    assert [b.seq for b in verify_cases()] == [1, 2, 3, 4]


def make_legacy(case: Case) -> None:
    """The case as it was before the key: every event a plain sha256 link."""
    rechain(case, sha256_link, alg=LEGACY, key_id="")


def test_legacy_trails_verify_as_what_they_are_and_seal_with_the_key(moved, capsys):
    make_legacy(moved)
    assert reasons(moved) == [UNSEALED]  # intact, but only against the careless
    call_command("seal_audit")
    assert "已封存 1 个办件" in capsys.readouterr().out
    moved.refresh_from_db()
    seal = CaseEvent.objects.get(case=moved, seq=5)
    assert (seal.kind, seal.alg, seal.data) == ("audit_sealed", HMAC_SHA256, {"legacy_events": 4})
    assert verify_cases() == []
    call_command("seal_audit")  # idempotent
    assert CaseEvent.objects.filter(case=moved).count() == 5
    # Now rewriting a legacy opinion and re-chaining the legacy part (even the seal's link) shows.
    rechain(moved, sha256_link, alg=LEGACY, key_id="", data_of={4: {"opinion": "不同意"}})
    CaseEvent.objects.filter(pk=seal.pk).update(alg=HMAC_SHA256, key_id=seal.key_id, hash=seal.hash)
    assert any("密钥摘要不符" in r for r in reasons(moved))


def test_a_tampered_legacy_trail_is_not_sealed(moved, capsys):
    make_legacy(moved)
    CaseEvent.objects.filter(case=moved, seq=2).update(data={"limit_days": 99})
    with pytest.raises(CommandError, match="1 个办件的日志链不完整"):
        call_command("seal_audit")
    assert not CaseEvent.objects.filter(case=moved, kind="audit_sealed").exists()


def test_verify_audit_and_check_invariants_report_a_rechained_trail(moved, capsys):
    rechain(moved, sha256_link, alg=HMAC_SHA256, key_id=key_id_of(KEY_A))
    with pytest.raises(CommandError, match="1 个办件的日志链断裂"):
        call_command("verify_audit")
    assert moved.number in capsys.readouterr().out
    result = check_audit_chain()
    assert not result.ok
    assert {p.subject for p in result.problems} == {moved.number}


def test_the_api_reports_truncated_and_emptied_trails(moved, new_case, key_a, supervisor, clerk):
    # An accepted case: a supervisor's scope holds submitted cases, not a window's drafts.
    emptied = new_case()
    provide_all(emptied)
    actions.accept_case(emptied, actor=clerk, now=NOW)
    CaseEvent.objects.filter(case=emptied).delete()
    CaseEvent.objects.filter(case=moved, seq=4).delete()
    report = ok(login(supervisor).get("/api/v1/cases/audit/verify"))
    assert report["checked"] == 2
    found = {(b["case_number"], b["seq"]): b["reason"] for b in report["breaks"]}
    assert "日志被截断" in found[(moved.number, 4)]
    assert any(
        "日志被清空" in why for (number, _seq), why in found.items() if number == emptied.number
    )
    timeline = ok(login(clerk).get(f"/api/v1/cases/{moved.pk}/events"))
    assert timeline["intact"] is False
    assert {e["alg"] for e in timeline["events"]} == {HMAC_SHA256}


# --- the same rule over many trails and tamperings (pure, no database) -------------------------


def build_trail(n: int, secret: str) -> tuple[Case, list[CaseEvent]]:
    case = Case(number="510403-20260310-0001", status=Case.Status.UNDER_REVIEW)
    prev, events = GENESIS, []
    for seq in range(1, n + 1):
        event = CaseEvent(
            seq=seq,
            kind=f"k{seq}",
            actor_id=seq,
            at=NOW + timedelta(minutes=seq),
            status_after=case.status,
            data={"n": seq},
            key="",
            prev_hash=prev,
            alg=HMAC_SHA256,
            key_id=key_id_of(secret),
        )
        event.hash = mac(
            HMAC_SHA256, event.key_id, secret.encode(), prev, content_of_event(case, event)
        )
        events.append(event)
        prev = event.hash
    case.event_seq, case.event_hash = n, prev
    return case, events


TAMPERINGS = ("edit", "delete", "truncate", "swap", "rechain_sha256", "rechain_other_key", "head")


@hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(min_value=1, max_value=8),
    how=st.sampled_from(TAMPERINGS),
    at=st.integers(min_value=0, max_value=7),
    other=st.text(min_size=1, max_size=40),
    value=st.integers(),
)
def test_any_tampering_without_the_key_is_found(key_a, n, how, at, other, value):
    case, events = build_trail(n, KEY_A)
    assert verify_case(case, events) == []
    i = at % n
    target = events[i]
    if how == "edit":
        target.data = {"n": target.data["n"] + 1 + abs(value)}
    elif how == "delete":
        if n == 1:
            events = []
        else:
            del events[i]
    elif how == "truncate":
        events = events[:i]
    elif how == "swap":
        j = (i + 1) % n
        if i == j:
            target.kind += "x"
        else:
            events[i].seq, events[j].seq = events[j].seq, events[i].seq
            events.sort(key=lambda e: e.seq)
    elif how in ("rechain_sha256", "rechain_other_key"):
        secret = other if other != KEY_A else other + "x"
        target.data = {"forged": value}
        prev = events[i - 1].hash if i else GENESIS
        for event in events[i:]:
            event.prev_hash = prev
            content = content_of_event(case, event)
            if how == "rechain_sha256":
                event.hash = chain(prev, content)
            else:
                event.hash = hmac.new(
                    secret.encode(),
                    f"{HMAC_SHA256}:{event.key_id}:{prev}{content}".encode(),
                    hashlib.sha256,
                ).hexdigest()
            prev = event.hash
        case.event_hash = prev  # the attacker moves the head along
    else:
        case.event_hash = hashlib.sha256(case.event_hash.encode()).hexdigest()
    assert verify_case(case, events) != []


def test_production_refuses_the_key_kept_in_var(settings):
    settings.DEBUG = settings.EMBEDDED = settings.TESTING = False
    settings.AUDIT_CHAIN_KEY_FROM_ENV = False
    assert [e.id for e in check_audit_chain_key()] == ["cases.E001"]
    deploy = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
    assert "cases.E001" in [m.id for m in deploy]
    with pytest.raises(ImproperlyConfigured, match="cases.E001"):
        refuse_default_audit_key()
    settings.AUDIT_CHAIN_KEY_FROM_ENV = True
    settings.AUDIT_CHAIN_KEY = "short"
    assert [e.id for e in check_audit_chain_key()] == ["cases.E002"]
    settings.AUDIT_CHAIN_KEY = settings.SECRET_KEY = KEY_B
    assert [e.id for e in check_audit_chain_key()] == ["cases.E003"]
    settings.AUDIT_CHAIN_KEY = KEY_A
    assert check_audit_chain_key() == []
    settings.EMBEDDED = True
    settings.AUDIT_CHAIN_KEY_FROM_ENV = False
    assert check_audit_chain_key() == []


def test_a_production_web_process_refuses_to_start_without_the_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DEBUG", "AUDIT_"))}
    env.update(
        PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"),
        DJANGO_SETTINGS_MODULE="onestop.settings",
        ONESTOP_VAR_DIR=str(tmp_path),
        SECRET_KEY="k" * 50,
    )

    def start() -> subprocess.CompletedProcess[str]:
        code = "import onestop.wsgi"
        return subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )

    refused = start()
    assert refused.returncode != 0
    assert "cases.E001" in refused.stderr
    env["AUDIT_CHAIN_KEY"] = KEY_A
    assert start().returncode == 0


def test_a_rollback_shows_only_against_a_checkpoint_kept_outside(moved, tmp_path, capsys):
    path = tmp_path / "heads.json"
    call_command("verify_audit", checkpoint=str(path))
    assert "已把 1 个办件的链头写入检查点" in capsys.readouterr().out
    # The holder of the database puts the case back to its third event: tail, head and status.
    third = CaseEvent.objects.get(case=moved, seq=3)
    CaseEvent.objects.filter(case=moved, seq=4).delete()
    Case.objects.filter(pk=moved.pk).update(
        event_seq=3, event_hash=third.hash, status=third.status_after
    )
    assert verify_cases() == []  # a state the case really had: the key alone cannot tell
    with pytest.raises(CommandError, match="1 个办件的日志链断裂"):
        call_command("verify_audit", against=str(path))
    assert f"{moved.number} 第 4 条：日志被回退" in capsys.readouterr().out
    # Nor can the checkpoint be edited to match without the key.
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["heads"][moved.number] = [3, third.hash]
    path.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("verify_audit", against=str(path))
    assert "检查点文件与其密钥摘要不符" in capsys.readouterr().out


def test_a_file_that_is_no_checkpoint_is_refused_with_a_message(moved, tmp_path):
    path = tmp_path / "heads.json"
    for text, message in (("[1, 2]", "格式不对"), ("{", "无法读取")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CommandError, match=message):
            call_command("verify_audit", against=str(path))
