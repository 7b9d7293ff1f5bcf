"""Demo trading centre for 西区: three opening officers with keys, bidders and owners, an expert
pool with conflicts, 14 intermediaries, and projects of several kinds at every stage — one
finished with a verifiable expert draw (so the OCDS export is not empty), one waiting for its
opening, some open for bids, one failed, one for the centre's review. Built through the real
actions at past times; a second load finds the projects by code and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from stdnum.cn import uscc

from onestop.demo import draws as lottery
from onestop.demo.org import demo_name
from onestop.intermediaries import actions as market
from onestop.intermediaries.models import Intermediary, Need
from onestop.org.models import Applicant, Department, Region, Role, StaffRole
from onestop.trading import actions
from onestop.trading.models import Bid, Conflict, CreditRecord, Expert, OpeningKey, Project

DATA = Path(settings.BASE_DIR) / "demo" / "data" / "trading.json"
PDF = b"%PDF-1.4\n% demo bid document\n"
PASSPHRASE = "Xiqu@2026"  # noqa: S105 - the demo officers' opening-key passphrase, shown in README


def _user(username: str, name: str, password_hash: str) -> User:
    User_ = get_user_model()
    user = User_.objects.filter(username=username).first()
    if user is None:
        user = User_(username=username, first_name=name[:150], password=password_hash)
        user.save()
    return user


def _officers(data: dict[str, Any], password_hash: str, now: datetime) -> list[User]:
    district = Region.objects.get(code="510403000000")
    dept = Department.objects.filter(key="zwfw").first()
    out = []
    for row in data["officers"]:
        user = _user(row["username"], row["name"], password_hash)
        StaffRole.objects.get_or_create(
            user=user, role=Role.TRADING_OFFICER, department=dept, region=district
        )
        if not OpeningKey.objects.filter(user=user).exists():
            actions.register_opening_key(user, passphrase=PASSPHRASE, now=now)
        out.append(user)
    return out


def _enterprises(data: dict[str, Any], password_hash: str) -> dict[str, Applicant]:
    out = {}
    for row in data["enterprises"]:
        user = _user(row["username"], row["name"], password_hash)
        applicant = Applicant.objects.filter(user=user).first() or Applicant.objects.create(
            user=user,
            kind=Applicant.Kind.ENTERPRISE,
            name=row["name"],
            credit_code=row["code"],
            legal_representative=row["person"],
            phone=row["phone"],
        )
        out[row["username"]] = applicant
    return out


def _experts(data: dict[str, Any], firms: dict[str, Applicant], today: Any) -> None:
    specs, employers = data["specialities"], data["employers"]
    for n in range(42):
        employer, code = employers[n % len(employers)]
        expert, created = Expert.objects.get_or_create(
            code=f"ZJ51{n + 1:04d}",
            defaults={
                "name": demo_name(500 + n),
                "phone": f"139{81300000 + n:08d}",
                "specialities": [specs[n % len(specs)], specs[(n + 3) % len(specs)]],
                "employer": employer,
                "employer_credit_code": code,
            },
        )
        if not created:
            continue
        if n == 0:  # worked for a bidder two years ago
            Conflict.objects.create(
                expert=expert,
                kind=Conflict.Kind.EMPLOYER,
                credit_code=firms["bidder2"].credit_code,
                ended_on=today - timedelta(days=700),
            )
        if n == 7:  # a spouse works for a bidder
            Conflict.objects.create(
                expert=expert, kind=Conflict.Kind.RELATIVE, credit_code=firms["bidder"].credit_code
            )
        if n == 14:
            CreditRecord.objects.create(
                subject=CreditRecord.Subject.EXPERT,
                name=expert.name,
                expert=expert,
                kind=CreditRecord.Kind.BLACKLIST,
                summary="评标中私下接触投标人，暂停评标资格两年",
                recorded_on=today - timedelta(days=90),
                valid_until=today + timedelta(days=640),
            )


def _credit_code(n: int) -> str:
    body = f"91510400MA6{n:05d}Q"
    return body + uscc.calc_check_digit(body)


def _intermediaries(
    data: dict[str, Any], firms: dict[str, Applicant], officer: User, now: datetime
) -> None:
    for n, row in enumerate(data["intermediaries"]):
        if Intermediary.objects.filter(name=row["name"]).exists():
            continue
        account = firms.get(row.get("account", ""))
        item = market.register(
            account=account or firms["agency"],
            name=row["name"],
            credit_code=account.credit_code if account else _credit_code(n),
            services=row["services"],
            qualifications=row["qual"],
            service_areas="攀枝花市东区、西区、仁和区",
            prices=row["prices"],
            contact="业务部",
            phone=f"0812-33{n:05d}",
            now=now - timedelta(days=200),
        )
        if account is None:
            item.account = None
            item.save(update_fields=["account"])
        market.verify(item, approve=True, reason="", actor=officer, now=now - timedelta(days=199))


def _project(row: dict[str, Any], owner: Applicant, officer: User, at: datetime) -> Project:
    return actions.create_project(
        code=row["code"],
        title=row["title"],
        kind=row["kind"],
        method=row.get("method", Project.Method.OPEN),
        compulsory=row.get("compulsory", True),
        owner=owner,
        agency=row.get("agency", "攀枝花宏达工程项目管理有限公司"),
        budget=Decimal(row["budget"]),
        qualification=row.get(
            "qualification", "具有独立法人资格，近三年无重大违法记录，未被列入失信被执行人名单"
        ),
        description=row.get("description", row["title"]),
        lots=[actions.LotInput(name, Decimal(budget)) for name, budget in row.get("lots", [])],
        speciality=row["speciality"],
        actor=officer,
        now=at,
    )


def _announce(p: Project, officers: list[User], at: datetime, days: int) -> Project:
    actions.submit_for_review(p, actor=officers[0], now=at)
    issued = at + timedelta(minutes=30)
    return actions.approve_and_announce(
        p,
        bid_deadline=issued + timedelta(days=days),
        officers=officers,
        threshold=3,
        actor=officers[0],
        now=issued,
    )


def _bids(p: Project, bids: list[tuple[Applicant, str]]) -> None:
    assert p.documents_issued_at is not None  # noqa: S101 - announced above
    for n, (firm, price) in enumerate(bids):
        actions.submit_bid(
            p,
            bidder=firm,
            price=price,
            document=PDF + price.encode(),
            document_name=f"{firm.name}投标文件.pdf",
            lot=None,
            now=p.documents_issued_at + timedelta(days=3 + n, hours=2),
        )


def _open(p: Project, officers: list[User]) -> Project:
    assert p.bid_deadline is not None  # noqa: S101
    at = p.bid_deadline + timedelta(minutes=2)
    for o in officers:
        actions.present_share(p, officer=o, passphrase=PASSPHRASE, now=at)
    return actions.open_bids(
        p,
        participants="投标人授权代表到场；区发展改革局监督员；公证员",
        actor=officers[0],
        now=at + timedelta(minutes=5),
    )


def _to_publicity(p: Project, officers: list[User], issue: str) -> Project:
    assert p.opened_at is not None  # noqa: S101
    at = p.opened_at + timedelta(minutes=20)
    actions.freeze_committee_draw(
        p,
        size=5,
        experts=4,
        draw_at=at + timedelta(hours=2),
        randomness=f"中国福利彩票3D游戏第{issue}期开奖号码及双色球同日开奖号码（红球、蓝球）",
        actor=officers[0],
        now=at,
    )
    p.refresh_from_db()
    # The same day's 福彩3D (digits in order, one number) and 双色球 (red balls, blue ball).
    sources = [lottery.welfare_3d(issue), *lottery.double_colour_ball(issue)]
    actions.draw_committee(p, sources=sources, actor=officers[0], now=at + timedelta(hours=2))
    bids = list(p.bids.filter(status=Bid.Status.OPENED).order_by("price"))
    scores = {b.pk: (Decimal("92.5") - 3 * i, "") for i, b in enumerate(bids)}
    p = actions.report_evaluation(p, scores=scores, actor=officers[0], now=at + timedelta(hours=6))
    return actions.publish_candidates(p, days=3, actor=officers[0], now=at + timedelta(days=1))


def _contested(p: Project, firms: dict[str, Applicant], officers: list[User], at: datetime) -> None:
    """XQGC-2026-011: an objection and a complaint in its publicity, then award and contract."""
    b2, b3 = firms["bidder2"], firms["bidder3"]
    assert p.publicity_starts_at is not None and p.publicity_ends_at is not None  # noqa: S101
    o = actions.raise_objection(
        p,
        bidder=b3,
        text="第一中标候选人项目经理业绩证明材料存疑",
        now=p.publicity_starts_at + timedelta(hours=5),
    )
    actions.answer_objection(
        o,
        answer="经向发证单位核实，业绩证明真实有效，异议不成立",
        actor=officers[0],
        now=o.filed_at + timedelta(days=1),
    )
    c = actions.file_complaint(
        p,
        complainant=b3,
        text="对异议答复不服，认为评分标准适用不当",
        known_on=(o.filed_at + timedelta(days=1)).date(),
        objection=o,
        now=o.filed_at + timedelta(days=2),
    )
    c = actions.accept_complaint(
        c,
        accept=True,
        suspend=False,
        reason="",
        actor=officers[1],
        now=c.filed_at + timedelta(days=1),
    )
    actions.decide_complaint(
        c,
        upheld=False,
        decision="经调查，评标委员会按招标文件规定的评分标准评审，投诉缺乏事实依据，予以驳回",
        actor=officers[1],
        now=c.filed_at + timedelta(days=9),
    )
    p = actions.award(p, actor=officers[0], now=p.publicity_ends_at + timedelta(days=9))
    assert p.winner is not None and p.awarded_at is not None  # noqa: S101
    actions.record_contract(
        p,
        amount=p.winner.price or Decimal(0),
        signed_on=(p.awarded_at + timedelta(days=12)).date(),
        actor=officers[0],
        now=p.awarded_at + timedelta(days=12),
    )
    actions.record_credit(
        subject=CreditRecord.Subject.BIDDER,
        name=b2.name,
        credit_code=b2.credit_code,
        kind=CreditRecord.Kind.GOOD,
        summary="2025 年度攀枝花市建筑业守信企业",
        actor=officers[0],
        now=at,
        valid_days=365,
    )


def _clarified(p: Project, firms: dict[str, Applicant], officers: list[User], at: datetime) -> None:
    actions.clarify(
        p,
        text="第一包一体机须支持电子营业执照和电子社保卡读取。",
        new_deadline=None,
        actor=officers[0],
        now=at + timedelta(days=1),
    )


def _in_review(p: Project, firms: dict[str, Applicant], officers: list[User], at: datetime) -> None:
    actions.submit_for_review(p, actor=officers[0], now=at + timedelta(hours=4))


# What happens to a project after its announcement, bids, opening and expert draw (trading.json).
FOLLOW_UPS: dict[str, Callable[[Project, dict[str, Applicant], list[User], datetime], None]] = {
    "XQGC-2026-011": _contested,
    "XQZC-2026-027": _clarified,
    "XQGC-2026-031": _in_review,
}


def _build(
    row: dict[str, Any], firms: dict[str, Applicant], officers: list[User], at: datetime
) -> None:
    """One project of trading.json, as far as its row says it got."""
    p = _project(row, firms[row["owner"]], officers[0], at)
    if row["open_days"]:
        p = _announce(p, officers, at, row["open_days"])
    if row.get("bids"):
        _bids(p, [(firms[key], price) for key, price in row["bids"]])
    if row.get("opened") or row.get("draw_issue"):
        p = _open(p, officers)
    if row.get("draw_issue"):
        p = _to_publicity(p, officers, row["draw_issue"])
    if row["code"] in FOLLOW_UPS:
        FOLLOW_UPS[row["code"]](p, firms, officers, at)


def load_demo_trading(*, now: datetime, password_hash: str) -> int:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    before = Project.objects.count() + Intermediary.objects.count() + Need.objects.count()
    officers = _officers(data, password_hash, now)
    firms = _enterprises(data, password_hash)
    _experts(data, firms, now.date())
    _intermediaries(data, firms, officers[0], now)
    for row in data["projects"]:
        if not Project.objects.filter(code=row["code"]).exists():
            _build(row, firms, officers, now - timedelta(hours=row["hours_ago"]))
    _needs(data["needs"], firms, officers[0], now)
    return Project.objects.count() + Intermediary.objects.count() + Need.objects.count() - before


def _post(row: dict[str, Any], owner: Applicant, at: datetime) -> Need:
    """Post the need of a trading.json row as `owner`."""
    return market.post_need(
        owner=owner,
        service=row["service"],
        title=row["title"],
        description=row["description"],
        budget=Decimal(row["budget"]),
        method=row["method"],
        quote_days=row["quote_days"],
        actor=owner.user,
        now=at,
    )


def _needs(
    needs: dict[str, dict[str, Any]], firms: dict[str, Applicant], officer: User, now: datetime
) -> None:
    owner = Applicant.objects.filter(user__username="jinsha").first() or firms["owner_zjj"]
    if Need.objects.exists():
        return
    t = now - timedelta(days=40)
    need = _post(needs["survey"], owner, t)
    chosen = Intermediary.objects.get(name="攀枝花市恒信测绘有限公司")
    market.choose_direct(need, intermediary=chosen, actor=owner.user, now=t)
    market.record_contract(
        need, amount=Decimal("5600"), actor=owner.user, now=t + timedelta(days=1)
    )
    market.record_delivery(need, actor=owner.user, now=t + timedelta(days=8))
    market.rate(
        need, score=5, comment="按期交付，成果规范", actor=owner.user, now=t + timedelta(days=9)
    )
    t = now - timedelta(days=20)
    need = _post(needs["testing"], owner, t)
    # The owner draws by itself (企业自行抽取); the centre checks the numbers afterwards.
    market.freeze_need_draw(
        need,
        draw_at=t + timedelta(days=1),
        randomness="双色球第2026132期开奖号码（6 个红球、1 个蓝球）",
        actor=owner.user,
        now=t,
    )
    need.refresh_from_db()
    market.perform_need_draw(
        need,
        sources=list(lottery.double_colour_ball("2026132")),
        actor=owner.user,
        now=t + timedelta(days=1),
    )
    market.check_need_draw(need, actor=officer, now=t + timedelta(days=1, hours=2))
    market.record_contract(
        need, amount=Decimal("3200"), actor=owner.user, now=t + timedelta(days=2)
    )
    need = _post(needs["cost"], firms["owner_zjj"], now - timedelta(days=1))
    for name, amount in (
        ("四川众信工程造价咨询有限公司攀枝花分公司", "42000"),
        ("攀枝花宏达工程项目管理有限公司", "39800"),
    ):
        market.submit_quote(
            need,
            intermediary=Intermediary.objects.get(name=name),
            amount=Decimal(amount),
            now=now - timedelta(hours=5),
        )
