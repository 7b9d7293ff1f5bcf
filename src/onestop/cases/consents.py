"""Consent to reuse a file on record through an agent (org.permissions.TABLE: material × reuse).

A file on record is reused by its owner, or by a community agent whom the owner allowed to use
that material: the owner gives (and revokes) the consent on the portal, or a clerk records a
signed paper consent (授权书). Knowing someone's ID number is never enough.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet

from onestop.cases.errors import CaseError
from onestop.cases.models import ReuseConsent, StoredFile
from onestop.core.errors import NotAllowed
from onestop.org.models import Applicant, Centre, Role
from onestop.org.queries import applicants_for_user, has_role, staff_roles_of


def agent_points(user: User) -> list[Centre]:
    """The 代办点 (community-level centres) where the user works as a community agent."""
    regions = [r.region_id for r in staff_roles_of(user) if r.role == Role.COMMUNITY_AGENT]
    if not regions:
        return []
    return list(Centre.objects.filter(level=Centre.Level.COMMUNITY, region_id__in=regions))


def active_consents(owner: Applicant) -> QuerySet[ReuseConsent]:
    return ReuseConsent.objects.filter(owner=owner, revoked_at__isnull=True)


def consented_materials(owner: Applicant, agent: User) -> set[str]:
    """Names of the owner's materials the agent may reuse now."""
    if not has_role(agent, Role.COMMUNITY_AGENT):
        return set()
    points = [c.pk for c in agent_points(agent)]
    rows = active_consents(owner).filter(Q(agent=agent) | Q(point_id__in=points))
    return set(rows.values_list("material_name", flat=True))


def may_reuse(actor: User, stored: StoredFile) -> bool:
    """The owner, or an agent with the owner's recorded consent for this material."""
    if stored.applicant.user_id == actor.pk:
        return True
    return stored.material_name in consented_materials(stored.applicant, actor)


def _check_giver(owner: Applicant, channel: str, actor: User) -> None:
    if channel == ReuseConsent.Channel.PORTAL:
        if owner.user_id != actor.pk:
            raise NotAllowed("网上授权只能由材料所有人本人办理")
    elif channel == ReuseConsent.Channel.PAPER:
        if (
            not has_role(actor, Role.CLERK)
            or not applicants_for_user(actor).filter(pk=owner.pk).exists()
        ):
            raise NotAllowed("纸质授权书须由窗口受理员核验后登记")
    else:
        raise CaseError("无效的授权方式", field="channel")


@transaction.atomic
def give_consent(
    owner: Applicant,
    *,
    material_name: str,
    channel: str,
    actor: User,
    now: datetime,
    agent: User | None = None,
    point: Centre | None = None,
    paper_ref: str = "",
) -> ReuseConsent:
    """Record that `agent` (or every agent of `point`) may reuse the owner's `material_name`."""
    _check_giver(owner, channel, actor)
    Applicant.objects.select_for_update().filter(pk=owner.pk).first()  # one consent at a time
    if (agent is None) == (point is None):
        raise CaseError("请选择被授权的代办员或代办点", field="point")
    if agent is not None and not has_role(agent, Role.COMMUNITY_AGENT):
        raise CaseError("被授权人不是代办员", field="agent")
    if point is not None and point.level != Centre.Level.COMMUNITY:
        raise CaseError("只能授权给社区/村代办点", field="point")
    if not StoredFile.objects.filter(applicant=owner, material_name=material_name).exists():
        raise CaseError("没有该名称的存档材料", field="material_name")
    if channel == ReuseConsent.Channel.PAPER and not paper_ref.strip():
        raise CaseError("请填写纸质授权书编号", field="paper_ref")
    same = active_consents(owner).filter(material_name=material_name, agent=agent, point=point)
    existing = same.first()
    if existing is not None:  # a repeated request: already given
        return existing
    return ReuseConsent.objects.create(
        owner=owner,
        agent=agent,
        point=point,
        material_name=material_name,
        channel=channel,
        given_at=now,
        recorded_by=actor,
        paper_ref=paper_ref.strip()[:60],
    )


@transaction.atomic
def revoke_consent(consent: ReuseConsent, *, actor: User, now: datetime) -> ReuseConsent:
    """The owner withdraws a consent (or a clerk records a signed withdrawal)."""
    consent = ReuseConsent.objects.select_for_update().select_related("owner").get(pk=consent.pk)
    channel = (
        ReuseConsent.Channel.PORTAL
        if consent.owner.user_id == actor.pk
        else ReuseConsent.Channel.PAPER
    )
    _check_giver(consent.owner, channel, actor)
    if consent.revoked_at is not None:  # a repeated request: already revoked
        return consent
    consent.revoked_at = now
    consent.save(update_fields=["revoked_at"])
    return consent
