"""Who may file a case through which channel, and where (the rules the pages apply, kept here
so that the API applies the same ones).

- online (网上申请): the applicant themself, for an item whose online depth allows it
  (三级 网上预审 or more) and that the district accepts, at the district centre of the item's
  department;
- window (窗口受理): a clerk of that centre (their window's centre, else their region's);
- agent (代办): a community agent at their own community point, for an item a community
  point may take.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from onestop.cases.errors import CaseError
from onestop.cases.models import Case
from onestop.catalog.models import ServiceItem
from onestop.core.errors import NotAllowed
from onestop.org.models import Applicant, Centre, Role
from onestop.org.queries import staff_roles_of


def online_centre(item: ServiceItem) -> Centre | None:
    """Online applications are received by the district centre of the item's department."""
    district_centres = Centre.objects.filter(level=Centre.Level.DISTRICT).order_by("pk")
    return (
        district_centres.filter(region=item.department.region).first() or district_centres.first()
    )


def online_refusal(item: ServiceItem) -> str:
    """Why the item cannot be applied for online, or ''."""
    if item.online_depth < ServiceItem.OnlineDepth.ONLINE_APPLY:
        return "该事项暂不支持网上申请，请到窗口办理"
    if not item.at_district:
        return "该事项在街道/镇便民服务中心或社区代办点办理，暂不支持网上申请"
    return ""


def clerk_of(user: User, centre: Centre) -> bool:
    """The user is a window clerk of `centre` (seated at one of its windows, or, with no
    window, posted to its region)."""
    for role in staff_roles_of(user):
        if role.role != Role.CLERK:
            continue
        if role.window is not None:
            if role.window.zone.centre_id == centre.pk:
                return True
        elif role.region_id == centre.region_id:
            return True
    return False


def agent_of(user: User, centre: Centre) -> bool:
    """The user is the community agent of the community point `centre`."""
    return centre.level == Centre.Level.COMMUNITY and any(
        r.role == Role.COMMUNITY_AGENT and r.region_id == centre.region_id
        for r in staff_roles_of(user)
    )


def filing_centre(
    item: ServiceItem, applicant: Applicant, channel: str, centre: Centre | None, actor: User
) -> Centre:
    """The centre a case of `channel` is filed at, after checking that `actor` may file it
    there; raises NotAllowed (who) or CaseError (what, where)."""
    if channel == Case.Channel.ONLINE:
        if applicant.user_id != actor.pk:
            raise NotAllowed("网上申请只能由申请人本人提交")
        refusal = online_refusal(item)
        if refusal:
            raise CaseError(refusal, field="item")
        allowed = online_centre(item)
        if allowed is None:
            raise CaseError("尚未设置受理网上申请的政务服务中心", field="centre")
        if centre is not None and centre.pk != allowed.pk:
            raise CaseError(f"网上申请由{allowed.name}受理，不能选择其他网点", field="centre")
        return allowed
    if centre is None:
        raise CaseError("请指定受理网点", field="centre")
    if channel == Case.Channel.WINDOW:
        if not clerk_of(actor, centre):
            raise NotAllowed(f"窗口受理须由{centre.name}的窗口受理员办理")
        return centre
    if channel == Case.Channel.AGENT:
        if not agent_of(actor, centre):
            raise NotAllowed(f"代办申请须由{centre.name}的代办员提交")
        if not item.at_community:
            raise CaseError("该事项不能在社区/村代办点代办", field="item")
        return centre
    raise CaseError("无效的申请渠道", field="channel")
