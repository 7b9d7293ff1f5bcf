"""Every write to the catalog: item versions, publication, life events and imported lists.

A published or superseded version is never edited (a case may have been accepted under it): a
change makes version N+1, and publishing it marks the previous one superseded. Each action is
one transaction that locks the versions of the code it touches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from onestop.catalog.models import ItemChange, LifeEvent, Material, ServiceItem, Step
from onestop.catalog.queries import with_parts
from onestop.catalog.schema import (
    CATEGORY_BY_LABEL,
    CATEGORY_LABELS,
    STATUS_LABELS,
    CatalogError,
    Problem,
    check_item_dict,
    clean_item_dict,
    content_of,
    item_to_dict,
    join_words,
)
from onestop.org.models import Department, Region

__all__ = [
    "CatalogError",
    "ListImportResult",
    "ListedItem",
    "Problem",
    "check_item_dict",
    "clean_item_dict",
    "ensure_life_events",
    "import_listed_items",
    "item_to_dict",
    "note_draft_edited",
    "publish_item",
    "reindex_items",
    "start_new_version",
    "update_draft",
    "upsert_item",
]

Actor = User | None  # None: a command or the demo loader
Status = ServiceItem.Status

# The standard life events and business stages the guide is browsed by: (key, name, theme).
STANDARD_LIFE_EVENTS = [
    ("birth", "生育收养", "person"),
    ("school", "教育入学", "person"),
    ("work", "就业创业", "person"),
    ("marriage", "婚姻登记", "person"),
    ("housing", "住房保障", "person"),
    ("social_security", "社会保障", "person"),
    ("medical", "医疗卫生", "person"),
    ("elderly", "养老服务", "person"),
    ("disability", "残疾人服务", "person"),
    ("veterans", "退役军人", "person"),
    ("farming", "农业农村", "person"),
    ("death", "身后事", "person"),
    ("transport", "交通出行", "person"),
    ("culture", "文化旅游", "person"),
    ("business_start", "企业开办", "enterprise"),
    ("construction", "工程建设", "enterprise"),
    ("operation", "经营许可", "enterprise"),
    ("tax", "纳税缴费", "enterprise"),
]


# The words residents use for each standard event: a search for any of them finds its items.
STANDARD_EVENT_KEYWORDS = {
    "birth": "出生、生孩子、生小孩、新生儿、宝宝、生育、收养、上户口",
    "school": "上学、入学、读书、幼儿园、小学、初中、转学",
    "work": "就业、找工作、上班、打工、失业、创业",
    "marriage": "结婚、领证、离婚、婚姻",
    "housing": "住房、租房、房子、公租房、廉租房",
    "social_security": "社保、低保、救助、生活困难",
    "medical": "看病、医保、医疗、报销、住院",
    "elderly": "退休、养老、老人、老年人、养老金、退休金",
    "disability": "残疾、残疾人、残联",
    "veterans": "退伍、复员、转业、当兵、退役",
    "farming": "农村、种地、农民、宅基地、承包地",
    "death": "去世、死亡、过世、丧葬、殡葬、后事、销户",
    "transport": "出行、开车、车辆",
    "culture": "旅游、文化、演出",
    "business_start": "开办企业、开公司、办公司、注册公司、开店、创业、营业执照",
    "construction": "盖房、建房、施工、工程、建设项目、工地",
    "operation": "经营、开店、许可证、做生意",
    "tax": "纳税、交税、报税、发票、税务、缴费",
}


@transaction.atomic
def ensure_life_events() -> int:
    """Create the standard life events that are missing, and give standard events without
    keywords their standard ones; returns how many were created."""
    existing = set(LifeEvent.objects.values_list("key", flat=True))
    missing = [
        LifeEvent(key=key, name=name, theme=theme, order=i, keywords=STANDARD_EVENT_KEYWORDS[key])
        for i, (key, name, theme) in enumerate(STANDARD_LIFE_EVENTS)
        if key not in existing
    ]
    LifeEvent.objects.bulk_create(missing, ignore_conflicts=True)
    for key, words in STANDARD_EVENT_KEYWORDS.items():
        LifeEvent.objects.filter(key=key, keywords="").update(keywords=words)
    return len(missing)


@dataclass
class Lookups:
    """Departments and life events by key: small tables, read once per action or import."""

    departments: dict[str, Department]
    life_events: dict[str, LifeEvent]

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            departments={d.key: d for d in Department.objects.all()},
            life_events={e.key: e for e in LifeEvent.objects.all()},
        )

    def clean(self, data: Any) -> dict[str, Any]:
        return clean_item_dict(data, departments=self.departments, life_events=self.life_events)


@transaction.atomic
def upsert_item(data: dict[str, Any], *, actor: Actor, now: datetime) -> tuple[ServiceItem, str]:
    """Create or change an item from its canonical dict.

    Returns the version written (or found) and "created", "new_version", "updated_draft" or
    "unchanged". A changed published item gets a new published version; the old one is only
    marked superseded.
    """
    lookups = Lookups.load()
    return upsert_clean(lookups.clean(data), lookups, actor=actor, now=now)


def upsert_clean(
    clean: dict[str, Any],
    lookups: Lookups,
    *,
    actor: Actor,
    now: datetime,
    versions: list[ServiceItem] | None = None,
) -> tuple[ServiceItem, str]:
    """upsert_item for a dict already cleaned with `lookups` (the Excel import's path).

    1. No version of the code: create version 1 with the dict's status.
    2. Target published: unchanged if equal to the published version; else a new published
       version N+1 (or, when only a draft exists, that draft updated and published).
    3. Target draft/incomplete: the open draft is updated, or a draft N+1 is created.
    `versions`: the code's versions, already locked (see lock_versions_of), when the caller
    handles many codes.
    """
    with transaction.atomic():
        if versions is None:
            versions = _lock_versions(clean["code"])
        if not versions:
            item = _create_version(clean, lookups, version=1, actor=actor, now=now)
            return item, "created"
        published = next((v for v in versions if v.status == Status.PUBLISHED), None)
        draft = next((v for v in versions if v.status in (Status.DRAFT, Status.INCOMPLETE)), None)
        next_version = versions[-1].version + 1
        if clean["status"] == Status.PUBLISHED:
            if published and content_of(item_to_dict(published)) == content_of(clean):
                return published, "unchanged"
            if draft is None:
                item = _create_version(clean, lookups, version=next_version, actor=actor, now=now)
                return item, "new_version"
            if published is not None:
                raise CatalogError(
                    f"事项 {clean['code']} 已有未发布的{STATUS_LABELS[draft.status]}"
                    f"（第{draft.version}版），请先在后台发布或删除该版本后再更新"
                )
            _write_content(draft, clean, lookups, actor=actor, now=now)
            _publish(draft, None, actor=actor, now=now)
            return draft, "updated_draft"
        if draft is not None:
            if item_to_dict(draft) == clean:
                return draft, "unchanged"
            _write_content(draft, clean, lookups, actor=actor, now=now)
            return draft, "updated_draft"
        if published and content_of(item_to_dict(published)) == content_of(clean):
            return published, "unchanged"
        item = _create_version(clean, lookups, version=next_version, actor=actor, now=now)
        return item, "new_version"


@transaction.atomic
def start_new_version(item: ServiceItem, *, actor: Actor, now: datetime) -> ServiceItem:
    """Copy a published version (materials, steps, co-departments, life events) into draft N+1."""
    versions = _lock_versions(item.code)
    current = _find(versions, item)
    if current.status != Status.PUBLISHED:
        raise CatalogError(
            f"只有已发布的版本可以新建版本（第{current.version}版当前为"
            f"“{STATUS_LABELS[current.status]}”）"
        )
    draft = next((v for v in versions if v.status in (Status.DRAFT, Status.INCOMPLETE)), None)
    if draft is not None:
        raise CatalogError(
            f"事项 {item.code} 已有未发布的{STATUS_LABELS[draft.status]}（第{draft.version}版），"
            "请直接修改该版本"
        )
    data = item_to_dict(current) | {"status": Status.DRAFT.value}
    return _create_version(
        data, Lookups.load(), version=versions[-1].version + 1, actor=actor, now=now
    )


@transaction.atomic
def publish_item(draft: ServiceItem, *, actor: Actor, now: datetime) -> ServiceItem:
    """Publish a draft or incomplete version; the previous published version is superseded."""
    versions = _lock_versions(draft.code)
    current = _find(versions, draft)
    if current.status not in (Status.DRAFT, Status.INCOMPLETE):
        raise CatalogError(
            f"只有草稿或待完善的版本可以发布（第{current.version}版当前为"
            f"“{STATUS_LABELS[current.status]}”）"
        )
    _, problems = check_item_dict(item_to_dict(current) | {"status": Status.PUBLISHED.value})
    if problems:
        raise CatalogError(f"事项“{current.name}”还不能发布", problems)
    previous = next((v for v in versions if v.status == Status.PUBLISHED), None)
    _publish(current, previous, actor=actor, now=now)
    return current


@transaction.atomic
def update_draft(
    draft: ServiceItem, data: dict[str, Any], *, actor: Actor, now: datetime
) -> ServiceItem:
    """Replace the content of a draft or incomplete version with `data` (a canonical dict)."""
    current = _find(_lock_versions(draft.code), draft)
    if current.status not in (Status.DRAFT, Status.INCOMPLETE):
        raise CatalogError("已发布或已被取代的版本不能修改，请新建版本")
    data = {"status": current.status} | dict(data)
    if data["status"] == Status.PUBLISHED:
        raise CatalogError("修改草稿时不能直接改为已发布，请使用“发布”")
    lookups = Lookups.load()
    clean = lookups.clean(data)
    if clean["code"] != current.code:
        raise CatalogError(f"事项编码不能修改（{current.code} → {clean['code']}）")
    _write_content(current, clean, lookups, actor=actor, now=now)
    return current


@transaction.atomic
def note_draft_edited(
    draft: ServiceItem, *, actor: Actor, now: datetime, created: bool = False
) -> None:
    """After the admin saved a draft's form: refresh its search text and record the change."""
    if draft.is_frozen:
        raise CatalogError("已发布或已被取代的版本不能修改，请新建版本")
    draft.search_text = search_text_of(draft)
    draft.save(update_fields=["search_text"])
    action = ItemChange.Action.CREATED if created else ItemChange.Action.UPDATED
    _record(draft, action, actor, now)


@transaction.atomic
def reindex_items(items: Iterable[ServiceItem] | None = None) -> int:
    """Recompute search_text (e.g. after a department was renamed); returns rows changed."""
    if items is None:
        items = ServiceItem.objects.select_related("department").prefetch_related(
            "co_departments", "materials"
        )
    changed = []
    for item in items:
        text = search_text_of(item)
        if text != item.search_text:
            item.search_text = text
            changed.append(item)
    ServiceItem.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


def search_text_of(item: ServiceItem) -> str:
    departments = [item.department, *item.co_departments.all()]
    return _search_text(
        _names(item),
        CATEGORY_LABELS[item.category],
        departments,
        item.legal_basis,
        [m.name for m in item.materials.all()],
    )


def _search_text(
    name: str,
    category_label: str,
    departments: Sequence[Department],
    legal_basis: str,
    material_names: Sequence[str],
) -> str:
    # What the guide search matches with icontains; lower-cased so Latin letters match either way.
    dept_names = [n for d in departments for n in (d.name, d.short_name) if n]
    parts = [name, *dept_names, *material_names, legal_basis, category_label]
    return "\n".join(p for p in parts if p).lower()


def _lock_versions(code: str) -> list[ServiceItem]:
    return lock_versions_of([code]).get(code, [])


def lock_versions_of(codes: Sequence[str]) -> dict[str, list[ServiceItem]]:
    """Lock the versions of these codes; by code, oldest first, with their parts prefetched."""
    out: dict[str, list[ServiceItem]] = {}
    for start in range(0, len(codes), 500):
        qs = with_parts(
            ServiceItem.objects.select_for_update(of=("self",)).filter(
                code__in=codes[start : start + 500]
            )
        ).order_by("code", "version")
        for item in qs:
            out.setdefault(item.code, []).append(item)
    return out


def _find(versions: list[ServiceItem], item: ServiceItem) -> ServiceItem:
    for v in versions:
        if v.pk == item.pk:
            return v
    raise CatalogError(f"事项 {item.code} 第{item.version}版不存在")


def _record(item: ServiceItem, action: str, actor: Actor, now: datetime, note: str = "") -> None:
    ItemChange.objects.create(item=item, action=action, actor=actor, at=now, note=note)


def _create_version(
    clean: dict[str, Any], lookups: Lookups, *, version: int, actor: Actor, now: datetime
) -> ServiceItem:
    status = clean["status"]
    previous = None
    if status == Status.PUBLISHED:
        # Supersede first: at most one published version per code, checked per statement.
        previous = ServiceItem.objects.filter(code=clean["code"], status=Status.PUBLISHED).first()
        if previous is not None:
            ServiceItem.objects.filter(pk=previous.pk).update(status=Status.SUPERSEDED)
            _record(previous, ItemChange.Action.SUPERSEDED, actor, now, f"由第{version}版取代")
    item = ServiceItem(code=clean["code"], version=version, status=status)
    if status == Status.PUBLISHED:
        item.published_at = now
    _assign(item, clean, lookups)
    item.save()
    _replace_parts(item, clean, lookups, fresh=True)
    action = ItemChange.Action.CREATED if version == 1 else ItemChange.Action.NEW_VERSION
    _record(item, action, actor, now)
    if status == Status.PUBLISHED:
        _record(item, ItemChange.Action.PUBLISHED, actor, now)
    return item


def _write_content(
    item: ServiceItem, clean: dict[str, Any], lookups: Lookups, *, actor: Actor, now: datetime
) -> None:
    """Overwrite a draft's content (never a frozen version's)."""
    if item.is_frozen:
        raise CatalogError("已发布或已被取代的版本不能修改，请新建版本")
    item.status = Status.DRAFT if clean["status"] == Status.PUBLISHED else clean["status"]
    _assign(item, clean, lookups)
    item.save()
    _replace_parts(item, clean, lookups, fresh=False)
    _record(item, ItemChange.Action.UPDATED, actor, now)


def _publish(
    item: ServiceItem, previous: ServiceItem | None, *, actor: Actor, now: datetime
) -> None:
    if previous is not None:
        ServiceItem.objects.filter(pk=previous.pk).update(status=Status.SUPERSEDED)
        previous.status = Status.SUPERSEDED
        _record(previous, ItemChange.Action.SUPERSEDED, actor, now, f"由第{item.version}版取代")
    item.status = Status.PUBLISHED
    item.published_at = now
    item.save(update_fields=["status", "published_at"])
    _record(item, ItemChange.Action.PUBLISHED, actor, now)


def _assign(item: ServiceItem, clean: dict[str, Any], lookups: Lookups) -> None:
    department = lookups.departments[clean["department"]]
    item.name = clean["name"]
    item.category = CATEGORY_BY_LABEL[clean["category"]]
    item.department = department
    item.legal_basis = clean["legal_basis"]
    item.statutory_limit = clean["statutory_limit"]
    item.promised_limit = clean["promised_limit"]
    item.certificate_years = clean["certificate_years"]
    item.kind = clean["kind"]
    item.fees = clean["fees"]
    item.at_district = "district" in clean["levels"]
    item.at_street = "street" in clean["levels"]
    item.at_community = "community" in clean["levels"]
    item.online_depth = clean["online_depth"]
    item.for_person = "person" in clean["themes"]
    item.for_enterprise = "enterprise" in clean["themes"]
    item.on_site_visits = clean["on_site_visits"]
    item.form_schema = [dict(f) for f in clean["form"]]
    item.aliases = join_words(clean["aliases"])
    item.keywords = join_words(clean["keywords"])
    item.search_text = _search_text(
        _names(item),
        clean["category"],
        [department, *(lookups.departments[k] for k in clean["co_departments"])],
        clean["legal_basis"],
        [m["name"] for m in clean["materials"]],
    )


def _replace_parts(
    item: ServiceItem, clean: dict[str, Any], lookups: Lookups, *, fresh: bool
) -> None:
    if not fresh:
        Material.objects.filter(item=item).delete()
        Step.objects.filter(item=item).delete()
        # The caller may hold prefetched parts of this row: they are stale now.
        getattr(item, "_prefetched_objects_cache", {}).clear()
    Material.objects.bulk_create(
        Material(item=item, order=i, **m) for i, m in enumerate(clean["materials"])
    )
    Step.objects.bulk_create(Step(item=item, order=i, **s) for i, s in enumerate(clean["steps"]))
    item.co_departments.set([lookups.departments[k] for k in clean["co_departments"]])
    item.life_events.set([lookups.life_events[k] for k in clean["life_events"]])


# -- Short lists published by governments (部门, 事项名称, 事项编码) ---------------------------


@dataclass(frozen=True)
class ListedItem:
    """One row of a short list: the department is given by its published name."""

    code: str
    name: str
    department: str
    category: str | None = None  # a ServiceItem.Category value, when the list gives one


@dataclass
class ListImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    departments_created: list[str] = field(default_factory=list)


@transaction.atomic
def import_listed_items(
    rows: Sequence[ListedItem], *, actor: Actor, now: datetime
) -> ListImportResult:
    """Create departments and incomplete items from a short list, for an administrator to finish.

    Existing codes: an incomplete version takes the list's name, department and category;
    any other version is left as it is.
    """
    result = ListImportResult()
    departments = _departments_for(rows, result)
    codes = [r.code for r in rows]
    live: dict[str, list[ServiceItem]] = {}
    last_version: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        qs = ServiceItem.objects.select_for_update(of=("self",)).filter(code__in=chunk)
        for item in qs.select_related("department"):
            last_version[item.code] = max(item.version, last_version.get(item.code, 0))
            if item.status != Status.SUPERSEDED:
                live.setdefault(item.code, []).append(item)
    new_items: list[ServiceItem] = []
    changed: list[ServiceItem] = []
    for row in rows:
        department = departments[row.department]
        category = row.category or ServiceItem.Category.LICENSING
        versions = live.get(row.code)
        if versions is None:
            item = ServiceItem(
                code=row.code,
                version=last_version.get(row.code, 0) + 1,
                status=Status.INCOMPLETE,
                name=row.name,
                category=category,
                department=department,
                statutory_limit=0,
                promised_limit=0,
            )
            item.search_text = _search_text(
                row.name, CATEGORY_LABELS[category], [department], "", []
            )
            new_items.append(item)
            continue
        incomplete = next((v for v in versions if v.status == Status.INCOMPLETE), None)
        if incomplete is not None and (
            (incomplete.name, incomplete.department_id, incomplete.category)
            != (row.name, department.pk, row.category or incomplete.category)
        ):
            incomplete.name = row.name
            incomplete.department = department
            incomplete.category = row.category or incomplete.category
            incomplete.search_text = search_text_of(incomplete)
            changed.append(incomplete)
        else:
            result.unchanged += 1
    ServiceItem.objects.bulk_create(new_items, batch_size=500)
    ServiceItem.objects.bulk_update(
        changed, ["name", "department", "category", "search_text"], batch_size=500
    )
    ItemChange.objects.bulk_create(
        [
            ItemChange(item=i, action=ItemChange.Action.LISTED, actor=actor, at=now)
            for i in new_items
        ]
        + [
            ItemChange(item=i, action=ItemChange.Action.UPDATED, actor=actor, at=now)
            for i in changed
        ],
        batch_size=500,
    )
    result.created, result.updated = len(new_items), len(changed)
    return result


def _departments_for(rows: Sequence[ListedItem], result: ListImportResult) -> dict[str, Department]:
    """Departments by the names a list uses: full name, else a unique short name, else created."""
    by_name = {d.name: d for d in Department.objects.all()}
    by_short: dict[str, list[Department]] = {}
    for d in by_name.values():
        by_short.setdefault(d.short_name, []).append(d)
    taken = {d.key for d in by_name.values()}
    found: dict[str, Department] = {}
    root: Region | None = None
    for name in dict.fromkeys(r.department for r in rows):
        if name in by_name:
            found[name] = by_name[name]
        elif len(by_short.get(name, [])) == 1:
            found[name] = by_short[name][0]
        else:
            root = root or district_root()
            key = _department_key(name, taken)
            taken.add(key)
            found[name] = Department.objects.create(
                key=key,
                name=name,
                short_name=name[:40],
                kind=Department.Kind.DISTRICT,
                region=root,
            )
            result.departments_created.append(name)
    return found


def district_root() -> Region:
    """The district the catalog belongs to: the one Region of level district without a parent."""
    roots = list(Region.objects.filter(level=Region.Level.DISTRICT, parent__isnull=True)[:2])
    if not roots:
        raise CatalogError(
            "无法新建部门：系统中还没有区级行政区划（层级为“区县”且无上级），请先创建"
        )
    if len(roots) > 1:
        raise CatalogError("无法新建部门：系统中有多个无上级的区级行政区划，无法确定新部门所属区划")
    return roots[0]


def _department_key(name: str, taken: set[str]) -> str:
    # Names are Chinese and slugify() would empty them: derive a stable key from the name instead.
    base = "dept-" + hashlib.blake2s(name.encode(), digest_size=4).hexdigest()
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _names(item: ServiceItem) -> str:
    """The name, aliases and keywords of an item: the head of its search text."""
    return "\n".join(p for p in (item.name, item.aliases, item.keywords) if p)
