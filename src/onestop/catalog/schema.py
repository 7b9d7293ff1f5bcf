"""The canonical item dict: its labels, its validation, and its conversion from a ServiceItem.

The dict is the one exchange format of the catalog: the demo data, the Excel sheets and the
admin all go through it. `check_item_dict` returns the cleaned dict (defaults filled in, key lists
sorted, text stripped) and every problem found, so that an import can report all of them at once.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import translation

from onestop.catalog.models import LifeEvent, ServiceItem
from onestop.org.models import Department, Role

# Labels are fixed here rather than taken from the models' lazy translations: the canonical dict
# and the spreadsheets must not change with the active language.
CATEGORY_LABELS = {
    "licensing": "行政许可",
    "payment": "行政给付",
    "confirmation": "行政确认",
    "reward": "行政奖励",
    "ruling": "行政裁决",
    "other_power": "其他行政权力",
    "public_service": "公共服务",
}
CATEGORY_BY_LABEL = {label: value for value, label in CATEGORY_LABELS.items()}
STATUS_LABELS = {
    "incomplete": "待完善",
    "draft": "草稿",
    "published": "已发布",
    "superseded": "已被新版本取代",
}
KIND_LABELS = {"instant": "即办件", "promised": "承诺件"}
LEVEL_LABELS = {"district": "区级", "street": "街道/镇", "community": "社区/村"}
THEME_LABELS = {"person": "个人", "enterprise": "法人"}
MATERIAL_FORM_LABELS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件及复印件",
    "electronic": "电子材料",
}
FORM_FIELD_TYPES = {
    "text": "单行文本",
    "textarea": "多行文本",
    "number": "数字",
    "date": "日期",
    "select": "下拉选择",
    "radio": "单选",
    "checkbox": "勾选",
    "id_number": "身份证号码",
    "credit_code": "统一社会信用代码",
    "phone": "手机号码",
    "email": "电子邮箱",
}
# Field types whose answer is one of `options`.
CHOICE_TYPES = frozenset({"select", "radio"})


@cache
def role_labels() -> dict[str, str]:
    """Role value → Chinese label, whatever the active language."""
    with translation.override(None):
        return {value: str(label) for value, label in Role.choices}


# Field labels: used in messages and as the column headers of the spreadsheets.
ITEM_LABELS = {
    "code": "事项编码",
    "name": "事项名称",
    "aliases": "别名",
    "keywords": "俗称/关键词",
    "category": "事项类型",
    "department": "实施部门编码",
    "co_departments": "协办部门编码",
    "legal_basis": "设定依据",
    "statutory_limit": "法定办结时限（工作日）",
    "promised_limit": "承诺办结时限（工作日）",
    "certificate_years": "证照有效期（年，0为长期）",
    "kind": "办件类型",
    "fees": "收费标准",
    "levels": "受理层级",
    "online_depth": "网办深度",
    "themes": "服务对象",
    "life_events": "人生事件/经营阶段",
    "on_site_visits": "到现场次数",
    "materials": "申请材料",
    "form": "申请表",
    "steps": "办理环节",
    "status": "状态",
}
MATERIAL_LABELS = {
    "name": "材料名称",
    "required": "是否必要",
    "form": "材料形式",
    "count": "份数",
    "tolerance": "可容缺",
    "note": "备注",
}
STEP_LABELS = {"name": "环节名称", "role": "办理岗位", "days": "环节时限（工作日）"}
FORM_LABELS = {
    "name": "字段名",
    "label": "字段标签",
    "type": "字段类型",
    "required": "是否必填",
    "options": "选项",
}
_PART_LABELS = {"materials": MATERIAL_LABELS, "steps": STEP_LABELS, "form": FORM_LABELS}
_PART_NOUNS = {"materials": "申请材料", "steps": "办理环节", "form": "申请表字段"}

# A list cell in a spreadsheet joins values with this; no key or label can contain it.
LIST_SEPARATOR = "、"
_WORD_SEPARATORS = re.compile(r"[、,，;；\s]+")
MAX_WORD = 40  # one alias or keyword
MAX_LIMIT = 999  # working days; a PositiveSmallIntegerField holds more, no item needs more
MAX_TEXT = 30000  # an Excel cell holds 32,767 characters


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an item dict, at a path such as ("materials", 2, "form")."""

    path: tuple[str | int, ...]
    message: str

    @property
    def label(self) -> str:
        if not self.path:
            return "事项"
        head = self.path[0]
        if len(self.path) == 1 or not isinstance(head, str) or head not in _PART_LABELS:
            return ITEM_LABELS.get(str(head), str(head))
        index = self.path[1]
        text = f"{_PART_NOUNS[head]}第{int(index) + 1}项"
        if len(self.path) > 2:
            text += "·" + _PART_LABELS[head].get(str(self.path[2]), str(self.path[2]))
        return text

    def __str__(self) -> str:
        return f"{self.label}：{self.message}"


class CatalogError(Exception):
    """A catalog rule was broken; `problems` lists every detail, in Chinese."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.message = message
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "：" + "；".join(str(p) for p in self.problems)


ITEM_KEYS = tuple(ITEM_LABELS)
MAX_CERTIFICATE_YEARS = 30  # the longest licence term the catalog accepts (0: 长期)
_DEFAULTS: dict[str, Any] = {
    "aliases": [],
    "keywords": [],
    "co_departments": [],
    "legal_basis": "",
    "statutory_limit": 0,
    "promised_limit": 0,
    "certificate_years": 0,
    "kind": "promised",
    "fees": "不收费",
    "levels": ["district"],
    "online_depth": 3,
    "themes": ["person"],
    "life_events": [],
    "on_site_visits": 1,
    "materials": [],
    "form": [],
    "steps": [],
    "status": "published",
}
# Characters XML 1.0 (and so .xlsx) can hold, less the control characters.
_BAD_CHAR = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CODE_RE = re.compile(r"^[^\s、,，;；]+$")
_FIELD_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


_CODE_PROBLEM = "不能含有空白或分隔符（、,;）"


def text_problem(
    value: str, *, max_length: int, multiline: bool = False, code: bool = False
) -> str | None:
    """What is wrong with a stripped text value, if anything."""
    if len(value) > max_length:
        return f"不能超过 {max_length} 个字（现有 {len(value)} 个）"
    bad = _BAD_CHAR.search(value) or (None if multiline else re.search("[\t\n]", value))
    if bad:
        return f"含有不允许的字符 {bad.group()!r}"
    if code and value and not _CODE_RE.match(value):
        return _CODE_PROBLEM
    return None


@dataclass
class _Checker:
    problems: list[Problem] = field(default_factory=list)
    # Top-level fields that could not be read: rules built on them would only add noise.
    broken: set[str] = field(default_factory=set)

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(path, message))
        if path:
            self.broken.add(str(path[0]))

    def ok(self, *keys: str) -> bool:
        return not self.broken.intersection(keys)

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: tuple[str | int, ...],
        *,
        max_length: int,
        default: str | None = "",
        multiline: bool = False,
    ) -> str:
        value = data.get(key, default)
        if value is None:
            self.add(path, "不能为空")
            return ""
        if not isinstance(value, str):
            self.add(path, "必须是文字")
            return ""
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if default is None and not value:
            self.add(path, "不能为空")
        problem = text_problem(value, max_length=max_length, multiline=multiline)
        if problem:
            self.add(path, problem)
        return value

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: tuple[str | int, ...],
        *,
        default: int,
        minimum: int = 0,
        maximum: int = MAX_LIMIT,
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "必须是整数")
            return default
        if not minimum <= value <= maximum:
            self.add(path, f"必须在 {minimum} 到 {maximum} 之间（现为 {value}）")
        return value

    def boolean(
        self, data: Mapping[str, Any], key: str, path: tuple[str | int, ...], *, default: bool
    ) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add(path, "必须是“是”或“否”（true/false）")
            return default
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        path: tuple[str | int, ...],
        labels: Mapping[str, str],
        *,
        default: str | None,
    ) -> str:
        """A value given as its code or its Chinese label; returns the code."""
        value = data.get(key, default)
        if value is None or value == "":
            self.add(path, "不能为空")
            return default or next(iter(labels))
        if not isinstance(value, str):
            self.add(path, "必须是文字")
            return default or next(iter(labels))
        if value in labels:
            return value
        for code, label in labels.items():
            if value == label:
                return code
        allowed = "、".join(labels.values())
        self.add(path, f"“{value}”不是可选值（可选：{allowed}）")
        return default or next(iter(labels))

    def word_list(
        self, data: Mapping[str, Any], key: str, path: tuple[str | int, ...], *, max_total: int
    ) -> list[str]:
        """Search words (aliases, keywords): stripped, in the order given, without repeats."""
        value = data.get(key, _DEFAULTS[key])
        if isinstance(value, str):
            value = split_words(value)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.add(path, "必须是文字列表")
            return []
        words = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        for word in words:
            problem = text_problem(word, max_length=MAX_WORD, code=True)
            if problem:
                self.add(path, f"“{word[:20]}”{problem}")
        total = len(join_words(words))
        if total > max_total:
            self.add(path, f"合计不能超过 {max_total} 个字（现有 {total} 个）")
        return words

    def key_list(
        self,
        data: Mapping[str, Any],
        key: str,
        path: tuple[str | int, ...],
        labels: Mapping[str, str] | None = None,
    ) -> list[str]:
        """A list of codes (or labels, when `labels` is given), de-duplicated and ordered."""
        value = data.get(key, _DEFAULTS[key])
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.add(path, "必须是文字列表")
            return list(_DEFAULTS[key])
        if labels is None:
            return sorted(set(value))
        by_label = {label: code for code, label in labels.items()}
        codes = set()
        for v in value:
            code = v if v in labels else by_label.get(v)
            if code is None:
                self.add(path, f"“{v}”不是可选值（可选：{'、'.join(labels.values())}）")
            else:
                codes.add(code)
        return [code for code in labels if code in codes]  # in the labels' order


def check_item_dict(
    data: Any,
    *,
    departments: Mapping[str, Department] | None = None,
    life_events: Mapping[str, LifeEvent] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Clean an item dict and list every problem in it.

    `departments` and `life_events` map keys to rows; when omitted they are read from the database.
    A published item must also be complete (legal basis, limits, materials).
    """
    c = _Checker()
    if not isinstance(data, Mapping):
        c.add((), "必须是一个字典（JSON 对象）")
        return {}, c.problems
    for key in data:
        if key not in ITEM_LABELS:
            c.add((), f"未知字段“{key}”")
    out = _check_header(c, data)
    out["materials"] = _check_materials(c, data.get("materials", []))
    out["form"] = _check_form(c, data.get("form", []))
    out["steps"] = _check_steps(c, data.get("steps", []))
    _check_rules(c, out)
    _check_references(c, out, departments, life_events)
    if out["status"] == "published" and c.ok("status"):
        for p in completeness_problems(out):
            key = str(p.path[0])
            if c.ok(key) and (not key.endswith("_limit") or c.ok("kind")):
                c.problems.append(p)
    return out, c.problems


def clean_item_dict(data: Any, **lookups: Any) -> dict[str, Any]:
    """The cleaned item dict; raises CatalogError listing every problem."""
    clean, problems = check_item_dict(data, **lookups)
    if problems:
        code = data.get("code") if isinstance(data, Mapping) else None
        raise CatalogError(f"事项 {code or ''} 数据有误".replace("  ", " "), problems)
    return clean


def _check_header(c: _Checker, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["code"] = c.text(data, "code", ("code",), max_length=80, default=None)
    if out["code"] and not _CODE_RE.match(out["code"]):
        c.add(("code",), _CODE_PROBLEM)
    out["name"] = c.text(data, "name", ("name",), max_length=200, default=None)
    out["aliases"] = c.word_list(data, "aliases", ("aliases",), max_total=300)
    out["keywords"] = c.word_list(data, "keywords", ("keywords",), max_total=500)
    out["category"] = CATEGORY_LABELS[
        c.choice(data, "category", ("category",), CATEGORY_LABELS, default=None)
    ]
    out["department"] = c.text(data, "department", ("department",), max_length=60, default=None)
    out["co_departments"] = c.key_list(data, "co_departments", ("co_departments",))
    out["legal_basis"] = c.text(
        data, "legal_basis", ("legal_basis",), max_length=MAX_TEXT, multiline=True
    )
    for key in ("statutory_limit", "promised_limit"):
        out[key] = c.integer(data, key, (key,), default=0)
    out["certificate_years"] = c.integer(
        data, "certificate_years", ("certificate_years",), default=0, maximum=MAX_CERTIFICATE_YEARS
    )
    out["kind"] = c.choice(data, "kind", ("kind",), KIND_LABELS, default="promised")
    out["fees"] = c.text(data, "fees", ("fees",), max_length=300, default="不收费")
    out["levels"] = c.key_list(data, "levels", ("levels",), LEVEL_LABELS)
    out["online_depth"] = c.integer(
        data, "online_depth", ("online_depth",), default=3, minimum=1, maximum=4
    )
    out["themes"] = c.key_list(data, "themes", ("themes",), THEME_LABELS)
    out["life_events"] = c.key_list(data, "life_events", ("life_events",))
    out["on_site_visits"] = c.integer(
        data, "on_site_visits", ("on_site_visits",), default=1, maximum=99
    )
    editable = {k: v for k, v in STATUS_LABELS.items() if k != "superseded"}
    out["status"] = c.choice(data, "status", ("status",), editable, default="published")
    return out


def _rows(c: _Checker, value: Any, key: str) -> list[tuple[int, Mapping[str, Any]]]:
    if not isinstance(value, list | tuple):
        c.add((key,), "必须是列表")
        return []
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, Mapping):
            c.add((key, i), "必须是字典（JSON 对象）")
            continue
        for k in row:
            if k not in _PART_LABELS[key]:
                c.add((key, i), f"未知字段“{k}”")
        rows.append((i, row))
    return rows


def _check_materials(c: _Checker, value: Any) -> list[dict[str, Any]]:
    out = []
    seen: dict[str, int] = {}
    for i, row in _rows(c, value, "materials"):
        name = c.text(row, "name", ("materials", i, "name"), max_length=200, default=None)
        m = {
            "name": name,
            "required": c.boolean(row, "required", ("materials", i, "required"), default=True),
            "form": c.choice(
                row, "form", ("materials", i, "form"), MATERIAL_FORM_LABELS, default="original"
            ),
            "count": c.integer(row, "count", ("materials", i, "count"), default=1, minimum=1),
            "tolerance": c.boolean(row, "tolerance", ("materials", i, "tolerance"), default=False),
            "note": c.text(row, "note", ("materials", i, "note"), max_length=300, multiline=True),
        }
        if name in seen:
            c.add(("materials", i, "name"), f"与第{seen[name] + 1}项材料同名")
        seen.setdefault(name, i)
        out.append(m)
    return out


def _check_steps(c: _Checker, value: Any) -> list[dict[str, Any]]:
    out = []
    for i, row in _rows(c, value, "steps"):
        out.append(
            {
                "name": c.text(row, "name", ("steps", i, "name"), max_length=40, default=None),
                "role": c.choice(row, "role", ("steps", i, "role"), role_labels(), default=None),
                "days": c.integer(row, "days", ("steps", i, "days"), default=0),
            }
        )
    return out


def _check_form(c: _Checker, value: Any) -> list[dict[str, Any]]:
    out = []
    seen: dict[str, int] = {}
    for i, row in _rows(c, value, "form"):
        f: dict[str, Any] = {
            "name": c.text(row, "name", ("form", i, "name"), max_length=60, default=None),
            "label": c.text(row, "label", ("form", i, "label"), max_length=100, default=None),
            "type": c.choice(row, "type", ("form", i, "type"), FORM_FIELD_TYPES, default="text"),
            "required": c.boolean(row, "required", ("form", i, "required"), default=False),
        }
        if f["name"] and not _FIELD_NAME_RE.match(f["name"]):
            c.add(("form", i, "name"), "只能由英文字母、数字和下划线组成，且不以数字开头")
        if f["name"] in seen:
            c.add(("form", i, "name"), f"与第{seen[f['name']] + 1}个字段重名")
        seen.setdefault(f["name"], i)
        options = row.get("options")
        if f["type"] in CHOICE_TYPES:
            f["options"] = _check_options(c, options, ("form", i, "options"))
        elif options is not None:
            c.add(("form", i, "options"), "只有下拉选择或单选字段可以有选项")
        out.append(f)
    return out


def _check_options(c: _Checker, options: Any, path: tuple[str | int, ...]) -> list[str]:
    if not isinstance(options, list) or not options:
        c.add(path, "选择类字段必须有至少一个选项")
        return []
    if not all(isinstance(o, str) and o.strip() for o in options):
        c.add(path, "选项必须是非空文字")
        return []
    cleaned = [o.strip() for o in options]
    if len(set(cleaned)) != len(cleaned):
        c.add(path, "选项不能重复")
    for o in cleaned:
        if _BAD_CHAR.search(o) or len(o) > 100:
            c.add(path, f"选项“{o[:20]}”过长或含有不允许的字符")
    return cleaned


def _check_rules(c: _Checker, out: dict[str, Any]) -> None:
    """Rules across fields of one item."""
    statutory, promised = out["statutory_limit"], out["promised_limit"]
    limits_ok = c.ok("statutory_limit", "promised_limit")
    if limits_ok and promised > statutory:
        c.add(("promised_limit",), f"承诺时限（{promised}）不得超过法定时限（{statutory}）")
    if limits_ok and c.ok("kind") and out["kind"] == "instant" and (statutory or promised):
        c.add(("kind",), "即办件的法定时限和承诺时限必须为 0")
    if c.ok("levels") and not out["levels"]:
        c.add(("levels",), "至少选择一个受理层级")
    if c.ok("themes") and not out["themes"]:
        c.add(("themes",), "至少选择一个服务对象")
    visits_ok = c.ok("online_depth", "on_site_visits")
    if visits_ok and out["online_depth"] == 4 and out["on_site_visits"] != 0:
        c.add(("on_site_visits",), "全程网办（四级）的事项到现场次数必须为 0")
    total = sum(s["days"] for s in out["steps"])
    if limits_ok and c.ok("steps") and total > promised:
        c.add(("steps",), f"各环节时限合计（{total}）超过承诺时限（{promised}）")


def _check_references(
    c: _Checker,
    out: dict[str, Any],
    departments: Mapping[str, Department] | None,
    life_events: Mapping[str, LifeEvent] | None,
) -> None:
    keys = {out["department"], *out["co_departments"]} - {""}
    if departments is None:
        departments = Department.objects.in_bulk(keys, field_name="key")
    if out["department"] and out["department"] not in departments:
        c.add(("department",), f"未知的部门“{out['department']}”")
    unknown = [k for k in out["co_departments"] if k not in departments]
    if unknown:
        c.add(("co_departments",), f"未知的部门“{'、'.join(unknown)}”")
    if out["department"] in out["co_departments"]:
        c.add(("co_departments",), "协办部门不能包含实施部门")
    if life_events is None:
        life_events = LifeEvent.objects.in_bulk(out["life_events"], field_name="key")
    unknown = [k for k in out["life_events"] if k not in life_events]
    if unknown:
        c.add(("life_events",), f"未知的人生事件/经营阶段“{'、'.join(unknown)}”")
    wrong = [
        k
        for k in out["life_events"]
        if k in life_events and life_events[k].theme not in out["themes"]
    ]
    if wrong:
        c.add(("life_events",), f"“{'、'.join(wrong)}”不属于所选服务对象")


def completeness_problems(out: Mapping[str, Any]) -> list[Problem]:
    """What a cleaned item dict lacks to be published."""
    problems = []
    if not out["legal_basis"]:
        problems.append(Problem(("legal_basis",), "发布前必须填写设定依据"))
    if out["kind"] == "promised":
        if out["statutory_limit"] < 1:
            problems.append(Problem(("statutory_limit",), "承诺件发布前必须填写法定办结时限"))
        if out["promised_limit"] < 1:
            problems.append(Problem(("promised_limit",), "承诺件发布前必须填写承诺办结时限"))
    if not out["materials"]:
        problems.append(Problem(("materials",), "发布前必须至少有一项申请材料"))
    return problems


def split_words(text: str) -> list[str]:
    """ "低保、最低生活保障" → ["低保", "最低生活保障"] (any of 、,，;； or spaces separates)."""
    return [w for w in _WORD_SEPARATORS.split(text) if w]


def join_words(words: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(words)


def item_to_dict(item: ServiceItem) -> dict[str, Any]:
    """The canonical dict of one version (the inverse of upsert_item; prefetch for many)."""
    levels = [
        level
        for level, on in (
            ("district", item.at_district),
            ("street", item.at_street),
            ("community", item.at_community),
        )
        if on
    ]
    themes = [
        t for t, on in (("person", item.for_person), ("enterprise", item.for_enterprise)) if on
    ]
    materials = sorted(item.materials.all(), key=lambda m: (m.order, m.pk))
    steps = sorted(item.steps.all(), key=lambda s: (s.order, s.pk))
    return {
        "code": item.code,
        "name": item.name,
        "aliases": split_words(item.aliases),
        "keywords": split_words(item.keywords),
        "category": CATEGORY_LABELS[item.category],
        "department": item.department.key,
        "co_departments": sorted(d.key for d in item.co_departments.all()),
        "legal_basis": item.legal_basis,
        "statutory_limit": item.statutory_limit,
        "promised_limit": item.promised_limit,
        "certificate_years": item.certificate_years,
        "kind": item.kind,
        "fees": item.fees,
        "levels": levels,
        "online_depth": item.online_depth,
        "themes": themes,
        "life_events": sorted(e.key for e in item.life_events.all()),
        "on_site_visits": item.on_site_visits,
        "materials": [
            {
                "name": m.name,
                "required": m.required,
                "form": m.form,
                "count": m.count,
                "tolerance": m.tolerance,
                "note": m.note,
            }
            for m in materials
        ],
        "form": copy.deepcopy(item.form_schema),
        "steps": [{"name": s.name, "role": s.role, "days": s.days} for s in steps],
        "status": item.status,
    }


def content_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """An item dict without its status: what versions are compared on."""
    return {k: v for k, v in data.items() if k != "status"}
