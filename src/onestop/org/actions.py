"""State changes of the organisation: accounts register and prove the identity they claim
(实名核验), full ID numbers are read.

An account holds an ID number or credit code (is the `user` of the Applicant with that number,
which is what every case, notice and certificate scope follows) only once it has proven it:
1. by an SMS code sent to the phone on record (the phone a clerk wrote down when the person
   came to a window; for a number nobody has used yet, the phone given at registration), or
2. by a clerk who saw the ID card or business licence, at the clerk's centre.
A proven claim voids every other pending claim on the number and takes the number from any
account that held it before.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac

from onestop.lib import ratelimit
from onestop.notify.actions import enqueue
from onestop.notify.models import Message
from onestop.org.errors import IdentityError
from onestop.org.models import Applicant, Centre, IdentityClaim, IdentityEvent, PersonalDataRead

# An SMS code lives CODE_TTL and dies after CODE_TRIES wrong guesses; a claim may be sent at
# most CODE_SENDS codes (and one phone at most CODE_SENDS) per CODE_SEND_WINDOW seconds, at
# least CODE_RESEND apart: at most 25 guesses an hour against a million codes.
CODE_TTL = timedelta(minutes=10)
CODE_TRIES = 5
CODE_SENDS = 5
CODE_SEND_WINDOW = 3600
CODE_RESEND = timedelta(seconds=60)

NOT_PENDING = "该实名核验申请已处理或已失效，请刷新页面"


@dataclass(frozen=True)
class Claimed:
    """Who the registrant says they are (a person's ID number or an enterprise's credit code)."""

    kind: str
    name: str
    phone: str
    id_number: str = ""
    credit_code: str = ""
    legal_representative: str = ""


def same_name(a: str, b: str) -> bool:
    """Names as a clerk or a registrant types them: spaces (half or full width) do not count."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def holds_account(applicant: Applicant) -> bool:
    """Whether a person signs in as the applicant's user (a walk-in's user has no password)."""
    return applicant.user.has_usable_password()


def window_may_link(applicant: Applicant, *, phone: str) -> bool:
    """Whether a window may file a walk-in's case under the account holding the record (the
    names being the same): only if the account proved the number by a clerk who saw the card
    (or holds it from records proven elsewhere), or by an SMS code sent to the very phone the
    clerk now records for the person at the desk. A number nobody used, proven by SMS to a
    phone the claimant chose, proves nothing about the person who later brings the card."""
    number_field = "id_number" if applicant.kind == Applicant.Kind.PERSON else "credit_code"
    claim = IdentityClaim.objects.filter(
        user=applicant.user,
        status=IdentityClaim.Status.PROVEN,
        **{number_field: getattr(applicant, number_field)},
    ).first()
    if claim is None:
        return False
    if claim.method in (IdentityClaim.Method.CLERK, IdentityClaim.Method.RECORD):
        return True
    return bool(phone) and claim.code_phone == phone.strip()


def _event(kind: str, *, now: datetime, **fields: object) -> IdentityEvent:
    return IdentityEvent.objects.create(kind=kind, at=now, **fields)  # type: ignore[arg-type]


@transaction.atomic
def register_applicant(
    *,
    kind: str,
    name: str,
    username: str,
    password: str,
    phone: str,
    id_number: str = "",
    credit_code: str = "",
    legal_representative: str = "",
) -> Applicant:
    """An account that holds its number at once, for identities already proven elsewhere (the
    demo district, test fixtures, an administrator's import). The portal's self-registration
    is `register_account`, which holds nothing until proven."""
    user = get_user_model().objects.create_user(username=username, password=password)
    user.first_name = name[:150]
    user.save(update_fields=["first_name"])
    applicant = Applicant.objects.create(
        user=user,
        kind=kind,
        name=name,
        id_number=id_number,
        credit_code=credit_code,
        legal_representative=legal_representative,
        phone=phone,
    )
    if id_number or credit_code:
        record_proven(applicant)
    return applicant


def record_proven(applicant: Applicant, *, centre: Centre | None = None) -> IdentityClaim:
    """A proven claim for an account that already holds its number (demo data, imports)."""
    return IdentityClaim.objects.create(
        user=applicant.user,
        kind=applicant.kind,
        name=applicant.name,
        id_number=applicant.id_number,
        credit_code=applicant.credit_code,
        legal_representative=applicant.legal_representative,
        phone=applicant.phone,
        status=IdentityClaim.Status.PROVEN,
        method=IdentityClaim.Method.RECORD,
        created_at=applicant.created_at,
        proven_at=applicant.created_at,
        centre=centre,
    )


@transaction.atomic
def register_account(*, username: str, password: str, claimed: Claimed, now: datetime) -> User:
    """A portal account with a pending claim: the same writes whether or not the number is on
    record, so that registering reveals nothing about it."""
    user = get_user_model().objects.create_user(username=username, password=password)
    user.first_name = claimed.name[:150]
    user.save(update_fields=["first_name"])
    claim_identity(user, claimed, now=now)
    return user


@transaction.atomic
def claim_identity(user: User, claimed: Claimed, *, now: datetime) -> IdentityClaim:
    """Claim a number for an account that holds none (a new claim replaces a pending one)."""
    if Applicant.objects.filter(user=user).exists():
        raise IdentityError("您的账号已完成实名核验", code="conflict")
    for old in IdentityClaim.objects.select_for_update().filter(
        user=user, status=IdentityClaim.Status.PENDING
    ):
        _void(old, now=now, reason="replaced")
    claim = IdentityClaim.objects.create(
        user=user,
        kind=claimed.kind,
        name=claimed.name.strip(),
        id_number=claimed.id_number,
        credit_code=claimed.credit_code,
        legal_representative=claimed.legal_representative,
        phone=claimed.phone,
        created_at=now,
    )
    _event(IdentityEvent.Kind.CLAIMED, claim=claim, actor=user, now=now)
    return claim


def _void(claim: IdentityClaim, *, now: datetime, reason: str, actor: User | None = None) -> None:
    claim.status = IdentityClaim.Status.VOID
    claim.code_hash = ""
    claim.save(update_fields=["status", "code_hash"])
    _event(IdentityEvent.Kind.VOIDED, claim=claim, actor=actor, now=now, data={"reason": reason})


def pending_claim(user: User) -> IdentityClaim | None:
    return IdentityClaim.objects.filter(user=user, status=IdentityClaim.Status.PENDING).first()


def _lock_claims_on(claim: IdentityClaim) -> IdentityClaim:
    """Lock every live claim on the claim's number, in one order, and return the claim fresh.

    Proving a claim voids the others on its number; locking them all first (by pk) makes two
    proofs of one number take turns instead of deadlocking on each other's rows."""
    field, number = claim.number_field, claim.number
    live = [IdentityClaim.Status.PENDING, IdentityClaim.Status.PROVEN]
    locked = IdentityClaim.objects.select_for_update().filter(
        Q(pk=claim.pk) | Q(**{field: number}, status__in=live)
    )
    return next(c for c in locked.order_by("pk") if c.pk == claim.pk)


def _record_of(claim: IdentityClaim, *, lock: bool = False) -> Applicant | None:
    """The applicant on record with the claimed number, if any."""
    qs = Applicant.objects.filter(**{claim.number_field: claim.number})
    return (qs.select_for_update() if lock else qs).first()


def _code_hash(claim: IdentityClaim, code: str) -> str:
    return salted_hmac("onestop.org.identity-code", f"{claim.pk}:{code}").hexdigest()


@transaction.atomic
def send_proof_code(claim: IdentityClaim, *, now: datetime) -> None:
    """Send a fresh code by SMS (through the outbox) to the phone on record for the number,
    or, for a number nobody has used, to the phone given with the claim."""
    claim = IdentityClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != IdentityClaim.Status.PENDING:
        raise IdentityError(NOT_PENDING, code="conflict")
    if claim.code_expires_at and now < claim.code_expires_at - CODE_TTL + CODE_RESEND:
        wait = int((claim.code_expires_at - CODE_TTL + CODE_RESEND - now).total_seconds()) + 1
        raise ratelimit.RateLimited(wait, ratelimit.too_frequent(wait, "发送验证码"))
    record = _record_of(claim)
    phone = record.phone if record is not None else claim.phone
    # Per claim and per phone: many accounts claiming one number cannot flood its owner's phone.
    for name, key in (("identity-code", str(claim.pk)), ("identity-code-phone", phone)):
        ratelimit.hit(name, key, limit=CODE_SENDS, window=CODE_SEND_WINDOW, what="发送验证码")
    code = f"{secrets.randbelow(10**6):06d}"
    claim.code_hash = _code_hash(claim, code)
    claim.code_phone = phone
    claim.code_expires_at = now + CODE_TTL
    claim.code_tries = 0
    claim.save(update_fields=["code_hash", "code_phone", "code_expires_at", "code_tries"])
    enqueue(
        channel=Message.Channel.SMS,
        address=phone,
        subject="政务服务实名核验",
        body=f"您的实名核验验证码为 {code}，{CODE_TTL.seconds // 60} 分钟内有效。"
        f"账号 {claim.user.get_username()} 正在申请关联您的证件号码；如非本人操作，请勿告知他人。",
        now=now,
        template="identity_code",
    )
    _event(IdentityEvent.Kind.CODE_SENT, claim=claim, actor=claim.user, now=now)


def prove_by_code(claim: IdentityClaim, code: str, *, now: datetime) -> Applicant:
    """Prove a claim with the SMS code; a wrong guess is counted even though it fails."""
    outcome = _check_code(claim, code.strip(), now=now)
    if isinstance(outcome, Applicant):
        return outcome
    raise outcome


@transaction.atomic
def _check_code(claim: IdentityClaim, code: str, *, now: datetime) -> Applicant | IdentityError:
    # Returns (not raises) the refusal, so that the counted guess commits.
    claim = _lock_claims_on(claim)
    if claim.status != IdentityClaim.Status.PENDING:
        return IdentityError(NOT_PENDING, code="conflict")
    if not claim.code_hash or claim.code_expires_at is None or now >= claim.code_expires_at:
        return IdentityError("验证码已失效，请重新获取", field="code")
    if claim.code_tries >= CODE_TRIES:
        return IdentityError("验证码错误次数过多，请重新获取", field="code")
    if not hmac.compare_digest(claim.code_hash, _code_hash(claim, code)):
        claim.code_tries += 1
        claim.save(update_fields=["code_tries"])
        _event(IdentityEvent.Kind.CODE_WRONG, claim=claim, actor=claim.user, now=now)
        left = CODE_TRIES - claim.code_tries
        return IdentityError(
            f"验证码不正确，还可尝试 {left} 次" if left else "验证码错误次数过多，请重新获取",
            field="code",
        )
    record = _record_of(claim, lock=True)
    if record is not None and record.phone != claim.code_phone:
        return IdentityError("登记的手机号码已变更，请重新获取验证码", field="code")
    if record is not None and not same_name(record.name, claim.name):
        return IdentityError(
            "您填写的姓名/名称与登记资料不一致，无法通过短信核验，请携带证件原件到政务服务窗口核验",
            field="name",
        )
    return _bind(claim, record, method=IdentityClaim.Method.SMS, actor=claim.user, now=now)


def find_pending_claim(number: str, username: str) -> IdentityClaim | None:
    """The pending claim of `username` on `number` (both as the person at the window says)."""
    number = number.strip().upper()
    return (
        IdentityClaim.objects.select_related("user")
        .filter(status=IdentityClaim.Status.PENDING, user__username__iexact=username.strip())
        .filter(Q(id_number=number) | Q(credit_code=number))
        .first()
    )


@transaction.atomic
def confirm_at_window(
    claim: IdentityClaim, *, actor: User, centre: Centre, now: datetime
) -> Applicant:
    """A clerk who saw the card confirms the claim at the clerk's centre."""
    claim = _lock_claims_on(claim)
    if claim.status != IdentityClaim.Status.PENDING:
        raise IdentityError(NOT_PENDING, code="conflict")
    record = _record_of(claim, lock=True)
    return _bind(
        claim, record, method=IdentityClaim.Method.CLERK, actor=actor, now=now, centre=centre
    )


def _bind(
    claim: IdentityClaim,
    record: Applicant | None,
    *,
    method: str,
    actor: User,
    now: datetime,
    centre: Centre | None = None,
) -> Applicant:
    """Give the number to the claim's account (steps in the caller's transaction).

    1. The account must hold no other number (one applicant per account).
    2. The record with the number (a walk-in's, or another account's) passes to the account;
       a new record is made for a number nobody used. A clerk who saw the card also writes the
       name and phone given with the claim onto the record.
    3. The claim is proven; every other pending claim on the number is void, and so is the
       proven claim of an account that held the number before.
    """
    held = Applicant.objects.filter(user=claim.user).first()
    if held is not None and held != record:
        raise IdentityError("该账号已关联其他证件号码", code="conflict")
    before = record.user if record is not None else None
    if record is None:
        try:
            # Two claims on a new number proven at once: the unique number lets one in.
            with transaction.atomic():
                record = Applicant.objects.create(
                    user=claim.user,
                    kind=claim.kind,
                    name=claim.name,
                    id_number=claim.id_number,
                    credit_code=claim.credit_code,
                    legal_representative=claim.legal_representative,
                    phone=claim.phone,
                )
        except IntegrityError:
            raise IdentityError(
                "该证件号码刚刚由另一账号完成核验，请刷新页面", code="conflict"
            ) from None
    else:
        record.user = claim.user
        fields = ["user"]
        if method == IdentityClaim.Method.CLERK:
            record.name, record.phone = claim.name, claim.phone
            fields += ["name", "phone"]
        record.save(update_fields=fields)
    claim.status = IdentityClaim.Status.PROVEN
    claim.method = method
    claim.proven_at = now
    claim.proven_by = actor if method == IdentityClaim.Method.CLERK else None
    claim.centre = centre
    claim.code_hash = ""
    claim.save(update_fields=["status", "method", "proven_at", "proven_by", "centre", "code_hash"])
    others = IdentityClaim.objects.select_for_update().filter(
        **{claim.number_field: claim.number},
        status__in=[IdentityClaim.Status.PENDING, IdentityClaim.Status.PROVEN],
    )
    for other in others.exclude(pk=claim.pk):
        _void(other, now=now, reason="proven_by_another", actor=actor)
    _event(
        IdentityEvent.Kind.PROVEN,
        claim=claim,
        applicant=record,
        actor=actor,
        centre=centre,
        now=now,
        data={"method": method, "previous_user": before.pk if before else None},
    )
    return record


def walk_in_user(name: str) -> User:
    """The user of a record made at a window: no password, so nobody signs in as it."""
    return get_user_model().objects.create_user(
        username=f"walkin-{secrets.token_hex(6)}", password=None, first_name=name.strip()[:150]
    )


@transaction.atomic
def detach_from_account(
    applicant: Applicant,
    *,
    name: str,
    phone: str,
    actor: User,
    centre: Centre,
    now: datetime,
    reason: str = "name_differs_at_window",
) -> Applicant:
    """A clerk holding a card whose name differs from the account's (or whose account's proof
    does not cover the phone given at the window: `window_may_link`) takes the record away from
    that account: the record goes back to a walk-in with the card's name and the phone given at
    the window, and the account must prove the number again (steps in the caller's
    transaction when there is one, e.g. window acceptance)."""
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    account = applicant.user
    applicant.user, applicant.name, applicant.phone = walk_in_user(name), name.strip(), phone
    applicant.save(update_fields=["user", "name", "phone"])
    number_field = "id_number" if applicant.kind == Applicant.Kind.PERSON else "credit_code"
    for claim in IdentityClaim.objects.select_for_update().filter(
        user=account,
        status=IdentityClaim.Status.PROVEN,
        **{number_field: getattr(applicant, number_field)},
    ):
        _void(claim, now=now, reason=reason, actor=actor)
    _event(
        IdentityEvent.Kind.DETACHED,
        applicant=applicant,
        actor=actor,
        centre=centre,
        now=now,
        data={"account": account.pk, "reason": reason},
    )
    return applicant


@transaction.atomic
def read_full_identity(applicant: Applicant, *, actor: User, purpose: str = "") -> str:
    """Return the applicant's full ID number or credit code and record who read it."""
    field = "id_number" if applicant.kind == Applicant.Kind.PERSON else "credit_code"
    PersonalDataRead.objects.create(
        actor=actor, applicant=applicant, field=field, purpose=purpose[:200]
    )
    return str(getattr(applicant, field))
