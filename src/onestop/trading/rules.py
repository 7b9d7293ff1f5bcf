"""The legal calendar of a trading project (招标投标法, 招标投标法实施条例, and the transfer rules
of land, state assets and rural property), as numbers the actions enforce.

Pure: no database here (a notice counted in working days is counted by the actions, which read
the centre's calendar)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from onestop.trading.models import Kind
from onestop.workdays.calendar import end_of_day, local_date


@dataclass(frozen=True)
class Notice:
    days: int
    workdays: bool
    basis: str

    def describe(self) -> str:
        unit = "个工作日" if self.workdays else "日"
        return f"不少于 {self.days} {unit}（{self.basis}）"


# From issuing the documents (or the announcement) to the bid deadline.
NOTICE = {
    Kind.CONSTRUCTION: Notice(20, False, "招标投标法第二十四条"),
    Kind.PROCUREMENT: Notice(20, False, "政府采购货物和服务招标投标管理办法第十六条"),
    Kind.LAND: Notice(20, False, "招标拍卖挂牌出让国有建设用地使用权规定第十条"),
    Kind.MINING: Notice(20, False, "矿业权出让交易规则第十五条"),
    Kind.STATE_ASSETS: Notice(20, True, "企业国有资产交易监督管理办法第十三条"),
    Kind.RURAL: Notice(10, True, "本中心农村产权交易规则"),
    Kind.CONCESSION: Notice(20, False, "基础设施和公用事业特许经营管理办法"),
}
NON_COMPULSORY = Notice(10, False, "本中心交易规则")

MIN_BIDS = 3  # 招标投标法第二十八条、实施条例第四十四条：投标人少于3个的，不得开标
CLARIFY_DAYS = 15  # 招标投标法第二十三条：截止时间至少15日前澄清或修改
PUBLISH_WITHIN_DAYS = 3  # 实施条例第五十四条：收到评标报告之日起3日内公示中标候选人
PUBLICITY_DAYS = 3  # 同条：公示期不得少于3日
# Unpublished candidates are published by the system this long before the 3-day limit ends, so
# that a sweep every few minutes still lands inside it.
AUTO_PUBLISH_AHEAD = timedelta(hours=2)
OBJECTION_ANSWER_DAYS = 3  # 同条：收到异议之日起3日内答复，答复前暂停招标投标活动
COMPLAINT_DAYS = 10  # 实施条例第六十条：知道或应当知道之日起10日内投诉
ACCEPT_WORKDAYS = 3  # 第六十一条：收到投诉之日起3个工作日内决定是否受理
DECIDE_WORKDAYS = 30  # 同条：受理之日起30个工作日内作出书面处理决定
CONTRACT_DAYS = 30  # 招标投标法第四十六条：中标通知书发出之日起30日内订立合同
CONFLICT_YEARS = 3  # 评标委员会和评标方法暂行办法第十二条等：三年内曾在投标人任职等
COMMITTEE_MIN = 5  # 招标投标法第三十七条：5人以上单数，专家不少于三分之二


def notice_for(kind: str, compulsory: bool) -> Notice:
    return NOTICE[Kind(kind)] if compulsory else NON_COMPULSORY


def conflict_cutoff(today: date) -> date:
    """The day CONFLICT_YEARS ago: a relationship that ended before it no longer excludes.
    29 February goes back to the 28th (the years before have none)."""
    try:
        return today.replace(year=today.year - CONFLICT_YEARS)
    except ValueError:
        return today.replace(year=today.year - CONFLICT_YEARS, day=28)


def latest_complaint_day(known_on_end: datetime) -> datetime:
    return end_of_day(local_date(known_on_end) + timedelta(days=COMPLAINT_DAYS))


def ceil_two_thirds(size: int) -> int:
    return math.ceil(size * 2 / 3)


def committee_problem(size: int, experts: int) -> tuple[str, str] | None:
    """(field, message) when a committee's make-up breaks 招标投标法第三十七条, else None: five
    or more members, an odd number, and experts at least two thirds of them."""
    if size < COMMITTEE_MIN or size % 2 == 0:
        return "size", "评标委员会应为 5 人以上单数（招标投标法第三十七条）"
    if experts > size or experts < ceil_two_thirds(size):
        return "experts", "技术、经济等方面的专家不得少于成员总数的三分之二"
    return None
