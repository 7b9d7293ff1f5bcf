"""Demo cases: a working day in the 西区 centre, every case built through the real actions.

Cases are spread over the last weeks so that the workbench shows green, yellow and red lights,
open supplements, pending opinions, decisions waiting, certificates to issue and finished
cases. Every create and move carries a request key ("demo-<n>-<step>"), so loading the demo
again changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from onestop.cases import actions
from onestop.cases.models import Case, CaseEvent, Task
from onestop.catalog.models import ServiceItem
from onestop.documents.actions import issue_certificate
from onestop.evaluation.actions import rate_case
from onestop.fees.actions import issue_fee_notice, record_payment
from onestop.fees.queries import expected_fee, latest_notice
from onestop.lib.identity import id_check_character
from onestop.org.models import Applicant, Centre, Region, Role, StaffRole
from onestop.workdays import queries as workdays
from onestop.workdays.calendar import local_date

# Residents who come to the centre in the demo: name, birth date, sex (odd sequence = male),
# community code, mobile.
RESIDENTS = [
    ("王秀兰", date(1958, 4, 12), 2, "510403001001", "13908121001"),
    ("李建华", date(1975, 9, 3), 1, "510403001005", "13908121002"),
    ("刘海燕", date(1986, 1, 27), 2, "510403002001", "13908121003"),
    ("陈志强", date(1969, 11, 8), 1, "510403003001", "13908121004"),
    ("杨春梅", date(1990, 6, 18), 2, "510403004002", "13908121005"),
    ("赵德明", date(1948, 2, 2), 1, "510403005001", "13908121006"),
    ("周丽娟", date(1982, 12, 24), 2, "510403006004", "13908121007"),
    ("吴国庆", date(1963, 10, 1), 1, "510403100200", "13908121008"),
    ("孙晓东", date(1994, 3, 15), 1, "510403100202", "13908121009"),
    ("马玉兰", date(1955, 7, 30), 2, "510403100206", "13908121010"),
]


def id_number(birth: date, seq: int, region: str) -> str:
    body = f"{region[:6]}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_character(body)


def residents() -> list[Applicant]:
    people = []
    for n, (name, birth, sex, region, phone) in enumerate(RESIDENTS):
        number = id_number(birth, 100 + n * 2 + (1 if sex == 1 else 0), "510403")
        applicant = Applicant.objects.filter(id_number=number).first()
        if applicant is None:
            applicant = actions.register_walk_in(id_number=number, name=name, phone=phone)
            applicant.region = Region.objects.get(code=region)
            applicant.save(update_fields=["region"])
        people.append(applicant)
    return people


def form_for(item: ServiceItem, applicant: Applicant) -> dict[str, Any]:
    """Plausible answers to an item's form for this applicant."""
    data: dict[str, Any] = {}
    for field in item.form_schema or []:
        kind, label = field.get("type"), field.get("label", "")
        if kind == "id_number":
            value: Any = applicant.id_number
        elif kind == "phone":
            value = applicant.phone
        elif kind == "credit_code":
            value = applicant.credit_code or "91510403MA62N8K3XK"
        elif kind == "date":
            value = "2026-11-02"
        elif kind == "number":
            value = "1"
        elif kind in ("select", "radio") and field.get("options"):
            value = field["options"][0]
        elif kind == "checkbox":
            value = "是"
        elif "地址" in label or "住所" in label or "场所" in label:
            value = f"攀枝花市西区{applicant.region.name if applicant.region else '清香坪街道'}"
        elif "名称" in label and "单位" in label:
            value = "攀枝花市西区金沙江餐饮有限公司"
        elif kind == "textarea":
            value = "申请人本人申请，所填信息真实有效。"
        else:
            value = applicant.name
        data[field["name"]] = value
    return data


def staff_member(dept_key: str, role: str) -> User:
    row = (
        StaffRole.objects.filter(department__key=dept_key, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if row is None:
        raise LookupError(f"demo has no {role} in {dept_key}")
    return row.user


@dataclass
class Plan:
    """One demo case: which item, who applies, how far it has got and how long ago."""

    item: str
    resident: int
    stage: str  # submitted | supplement | accepted | claimed | opinion | decision | suspended |
    #             granted | completed | delivered | refused | not_accepted | instant
    days_ago: int
    channel: str = Case.Channel.WINDOW
    pace: float = 1.0  # stretches the hours between moves (a slow case ends late)


PLANS = [
    Plan("食品经营许可", 1, "submitted", 0, Case.Channel.ONLINE),
    Plan("公共场所卫生许可", 4, "submitted", 1, Case.Channel.ONLINE),
    Plan("药品零售企业许可", 3, "supplement", 3, Case.Channel.ONLINE),
    Plan("最低生活保障", 5, "accepted", 2),
    Plan("临时救助", 0, "claimed", 6),
    Plan("特困人员救助供养", 9, "claimed", 22),  # overdue: red
    Plan("药品零售企业许可", 6, "claimed", 12),  # most of its time used: yellow
    Plan("困难残疾人生活补贴", 2, "opinion", 4),
    Plan("食品经营许可", 7, "decision", 5),
    Plan("医疗机构执业审批（新办）", 3, "suspended", 9),
    Plan("公司注销登记", 8, "granted", 2),
    Plan("食品经营许可", 4, "completed", 12),
    Plan("80周岁以上老年人高龄津贴发放", 5, "delivered", 20),
    Plan("公共场所卫生许可", 1, "delivered", 16),
    Plan("药品零售企业许可", 2, "refused", 25),
    Plan("最低生活保障", 6, "not_accepted", 8),
    Plan("个体工商户设立登记", 8, "instant", 1),
    Plan("生育登记", 2, "instant", 0),
    Plan("就业登记", 9, "instant", 3),
]


def _at(now: datetime, days_ago: int, hour: int) -> datetime:
    """A moment `days_ago` calendar days back, during office hours (Beijing time)."""
    moment = now - timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=(days_ago * 7) % 50, second=0, microsecond=0)


def _district_centre() -> Centre:
    return (
        Centre.objects.filter(level=Centre.Level.DISTRICT).order_by("pk").first()
        or Centre.objects.order_by("pk")[0]
    )


class Builder:
    """Moves one demo case along, each move with the next request key and a later moment."""

    def __init__(self, n: int, plan: Plan, applicant: Applicant, now: datetime) -> None:
        self.n, self.plan, self.applicant, self.now = n, plan, applicant, now
        self.item = ServiceItem.objects.get(name=plan.item, status="published")
        self.dept = self.item.department.key
        self.clerk = staff_member(self.dept, Role.CLERK)
        self.start = _at(now, plan.days_ago, 1)  # 09:xx Beijing
        self.step = 0

    def key(self) -> str:
        self.step += 1
        return f"demo-{self.n}-{self.step}"

    def at(self, hours: int) -> datetime:
        return min(self.start + timedelta(hours=hours * self.plan.pace), self.now)

    def intake(self) -> Case | None:
        """Create (and for online cases submit); None when the plan stops here."""
        plan, clerk = self.plan, self.clerk
        online = plan.channel == Case.Channel.ONLINE
        case = actions.create_case(
            actions.NewCase(
                item=self.item,
                applicant=self.applicant,
                channel=plan.channel,
                centre=_district_centre(),
                form_data=form_for(self.item, self.applicant),
            ),
            actor=self.applicant.user if online else clerk,
            now=self.start,
            key=self.key(),
        )
        required = [m.name for m in case.materials.all() if m.required]
        if plan.stage == "instant":
            actions.record_materials_checked(
                case,
                [m.name for m in case.materials.all()],
                actor=clerk,
                now=self.start,
                key=self.key(),
            )
            actions.handle_instant(case, actor=clerk, now=self.at(0), key=self.key())
            return None
        if online:
            actions.submit_case(case, actor=self.applicant.user, now=self.start, key=self.key())
        if plan.stage == "submitted":
            return None
        if plan.stage == "supplement":
            actions.request_supplement(
                case,
                actor=clerk,
                now=self.at(20),
                missing=required[-1:],
                note="请提供加盖公章的清晰扫描件",
                key=self.key(),
            )
            return None
        if plan.stage == "not_accepted":
            actions.not_accept(
                case,
                actor=clerk,
                now=self.at(1),
                key=self.key(),
                reasons="申请人家庭人均收入高于当地最低生活保障标准，不符合受理条件",
            )
            return None
        actions.record_materials_checked(
            case, required, actor=clerk, now=self.at(0), key=self.key()
        )
        actions.accept_case(case, actor=clerk, now=self.at(0), key=self.key())
        return None if plan.stage == "accepted" else case

    def review(self, case: Case) -> bool:
        """Claim, opinions, suspension or review; whether the plan goes on to a decision."""
        stage, refuse = self.plan.stage, self.plan.stage == "refused"
        review = Task.objects.get(case=case, kind=Task.Kind.REVIEW)
        reviewer = staff_member(self.dept, Role.REVIEWER)
        actions.claim_task(review, actor=reviewer, now=self.at(3), key=self.key())
        if stage == "claimed":
            return False
        for opinion in Task.objects.filter(case=case, kind=Task.Kind.OPINION):
            actions.give_opinion(
                opinion,
                actor=staff_member(opinion.department.key, Role.REVIEWER),
                now=self.at(20),
                agree=True,
                key=self.key(),
                opinion="经核查，申请材料与实际情况相符，同意办理。",
            )
        if stage == "suspended":
            actions.suspend_case(
                case,
                actor=reviewer,
                now=self.at(26),
                reason="expert_review",
                note="组织卫生专家对执业场所布局和设备配置进行评审",
                key=self.key(),
            )
            return False
        actions.submit_review(
            review,
            actor=reviewer,
            now=self.at(26),
            key=self.key(),
            recommend_grant=not refuse,
            opinion="经营场所与药品储存条件不符合要求"
            if refuse
            else "材料齐全，符合法定条件，建议准予。",
        )
        return stage not in ("opinion", "decision")

    def finish(self, case: Case) -> None:
        """Decide; for a grant pay any fee and issue the certificate; complete and deliver."""
        refuse = self.plan.stage == "refused"
        decide = Task.objects.get(case=case, kind=Task.Kind.DECIDE)
        actions.decide_case(
            decide,
            actor=staff_member(self.dept, Role.APPROVER),
            now=self.at(45),
            grant=not refuse,
            key=self.key(),
            reasons="经营场所面积和药品储存设施不符合药品零售企业开办条件" if refuse else "",
        )
        if self.plan.stage == "granted":
            return
        if not refuse:
            notice = latest_notice(case)
            if notice is None and expected_fee(case) is not None:
                notice = issue_fee_notice(case, actor=self.clerk, now=self.at(48), key=self.key())
            if notice is not None and notice.status == "issued":
                record_payment(
                    notice,
                    actor=self.clerk,
                    now=self.at(49),
                    method="window_card",
                    amount=notice.amount,
                    key=self.key(),
                )
            issue_certificate(case, actor=self.clerk, now=self.at(50), key=self.key())
        actions.complete_case(case, actor=self.clerk, now=self.at(50), key=self.key())
        if self.plan.stage == "delivered":
            actions.deliver_case(
                case, actor=self.clerk, now=self.at(70), method="窗口领取", key=self.key()
            )


def _run(n: int, plan: Plan, people: list[Applicant], now: datetime) -> bool:
    """Build one case up to its stage; returns whether it was new."""
    existed = CaseEvent.objects.filter(key=f"demo-{n}-1", kind="created").exists()
    builder = Builder(n, plan, people[plan.resident], now)
    case = builder.intake()
    if case is not None and builder.review(case):
        builder.finish(case)
    return not existed


def _agent_cases(now: datetime, people: list[Applicant]) -> int:
    """The 新庄村 agent files a pension registration for villager 罗秀英."""
    agent = User.objects.filter(username="agent").first()
    villager = Applicant.objects.filter(user__username="luoxiuying").first()
    item = ServiceItem.objects.filter(
        name="城乡居民基本养老保险待遇申领", status="published"
    ).first()
    point = Centre.objects.filter(level=Centre.Level.COMMUNITY, region__code="510403100200").first()
    if not (agent and villager and item and point):
        return 0
    existed = CaseEvent.objects.filter(key="demo-agent-1", kind="created").exists()
    start = _at(now, 2, 2)
    case = actions.create_case(
        actions.NewCase(
            item=item,
            applicant=villager,
            channel=Case.Channel.AGENT,
            centre=point,
            form_data=form_for(item, villager),
        ),
        actor=agent,
        now=start,
        key="demo-agent-1",
    )
    actions.submit_case(case, actor=agent, now=start, key="demo-agent-2")
    return 0 if existed else 1


# The past year, for the supervision dashboard's trends and rankings: finished cases of these
# items, most on time, some slow; most rated by the applicant.
HISTORY_ITEMS = [
    "食品经营许可",
    "公共场所卫生许可",
    "药品零售企业许可",
    "最低生活保障",
    "临时救助",
    "困难残疾人生活补贴",
    "公司注销登记",
    "80周岁以上老年人高龄津贴发放",
    "个体工商户设立登记",
    "生育登记",
    "就业登记",
]
INSTANT = {"个体工商户设立登记", "生育登记", "就业登记"}
COMMENTS = {
    5: ["窗口工作人员态度热情，一次就办好了", "流程清楚，比预想的快", "全程网办很方便", ""],
    4: ["办理顺利，就是排队时间稍长", "", "材料清单很清楚"],
    3: ["等待时间有点长", "希望能短信通知办理进度"],
}
TAGS = {5: ["一次办好", "服务态度好"], 4: ["办事效率高"], 3: ["材料要求不清"]}


def history_plans(now: datetime) -> list[Plan]:
    """About a dozen finished cases a month over the last eleven months.

    What each case is depends only on its number (a seeded generator), so a later load finds
    the same cases; its day is moved back to the nearest working day.
    """
    cal = workdays.calendar()
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    plans = []
    for _ in range(140):
        days_ago = rng.randrange(15, 335)
        while not cal.is_workday(local_date(_at(now, days_ago, 1))):
            days_ago += 1
        item = rng.choice(HISTORY_ITEMS)
        stage = "instant" if item in INSTANT else rng.choice(["delivered"] * 6 + ["refused"])
        if stage == "refused":
            item = "药品零售企业许可"  # the builder's refusal reasons are this item's
        pace = rng.choice([0.5, 1.0, 1.0, 2.0, 4.0, 9.0])  # 9: decided ~17 days later: late
        online = stage != "instant" and rng.random() < 0.3
        channel = Case.Channel.ONLINE if online else Case.Channel.WINDOW
        plans.append(Plan(item, rng.randrange(len(RESIDENTS)), stage, days_ago, channel, pace))
    return plans


def _rates(n: int) -> bool:
    """Whether the applicant of history case `n` rates it (three in four do)."""
    return random.Random(n).random() >= 0.25  # noqa: S311 - demo data, not security


def _rate(n: int, case: Case, now: datetime) -> None:
    rng = random.Random(n * 7919)  # noqa: S311 - demo data, not security
    score = rng.choice([5, 5, 5, 5, 4, 4, 3])
    done = case.completed_at or case.decided_at or now
    rate_case(
        case,
        actor=case.applicant.user,
        now=min(done + timedelta(hours=2), now),
        score=score,
        comment=rng.choice(COMMENTS[score]),
        tags=TAGS[score],
        channel="portal",
        key=f"demo-history-{n}-rated",
    )


def _history(now: datetime, people: list[Applicant]) -> int:
    finished = (Case.Status.COMPLETED, Case.Status.DELIVERED)
    built = set(
        CaseEvent.objects.filter(
            key__startswith="demo-", kind="created", case__status__in=finished
        ).values_list("key", flat=True)
    )
    rated = set(
        CaseEvent.objects.filter(key__startswith="demo-history-", kind="rated").values_list(
            "key", flat=True
        )
    )
    created = 0
    for n, plan in enumerate(history_plans(now), start=1000):
        if f"demo-{n}-1" in built and (not _rates(n) or f"demo-history-{n}-rated" in rated):
            continue  # loaded before
        created += _run(n, plan, people, now)
        event = CaseEvent.objects.filter(key=f"demo-{n}-1", kind="created").first()
        if event is not None and event.case.status in finished and _rates(n):
            _rate(n, event.case, now)
    return created


@transaction.atomic
def load_demo_cases(*, now: datetime, history: bool = True) -> int:
    """Create the demo cases that do not exist yet; returns how many were created."""
    people = residents()
    created = sum(_run(n, plan, people, now) for n, plan in enumerate(PLANS, start=1))
    if history:
        created += _history(now, people)
    return created + _agent_cases(now, people)
