"""The demo district (四川省攀枝花市西区), loaded from demo/data/*.json.

Idempotent: every row is matched on its natural key (region code, department key, centre key,
zone kind, window number, username, item code), so a second run changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group, Permission

from onestop.catalog import actions as catalog
from onestop.org.actions import Claimed, claim_identity, record_proven
from onestop.org.models import (
    Applicant,
    Centre,
    Department,
    IdentityClaim,
    Region,
    Role,
    StaffRole,
    Window,
    Zone,
)

DATA_DIR = settings.BASE_DIR / "demo" / "data"
# Shown by `make run` and README.md; demo accounts only exist in the embedded demo.
DEMO_PASSWORD = "Xiqu@2026"  # noqa: S105
ADMIN_APPS = (
    "org",
    "catalog",
    "workdays",
    "fees",
    "apitokens",
    "hall",
    "trading",
    "intermediaries",
)


@dataclass
class Counts:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: bool, changed: bool = True) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@cache
def demo_password_hash() -> str:
    """One Argon2 hash shared by every demo account: hashing 150 passwords takes seconds."""
    return make_password(DEMO_PASSWORD)


def read(name: str, data_dir: Path = DATA_DIR) -> Any:
    return json.loads((data_dir / name).read_text(encoding="utf-8"))


def _upsert(model: Any, counts: Counts, kind: str, lookup: dict, values: dict) -> Any:
    """update_or_create that only writes (and counts) when a value really differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        counts.add(kind, created=True)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed if "parent" not in changed else None)
        counts.add(kind, created=False)
    return obj


def _floor(value: object) -> str:
    return f"{value}楼" if isinstance(value, int) else str(value or "")


def load_regions(counts: Counts, data_dir: Path = DATA_DIR) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    rows = sorted(
        read("regions.json", data_dir),
        key=lambda r: ["district", "street", "community"].index(r["level"]),
    )
    for row in rows:
        parent = regions.get(row["parent"]) if row.get("parent") else None
        regions[row["code"]] = _upsert(
            Region,
            counts,
            "区划",
            {"code": row["code"]},
            {"name": row["name"], "level": row["level"], "parent": parent},
        )
    return regions


def load_departments(
    counts: Counts, regions: dict[str, Region], data_dir: Path = DATA_DIR
) -> dict[str, Department]:
    depts = {}
    for row in read("departments.json", data_dir):
        depts[row["key"]] = _upsert(
            Department,
            counts,
            "部门",
            {"key": row["key"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "region": regions[row["region"]],
                "credit_code": row.get("credit_code", ""),
                "phone": row.get("phone", ""),
            },
        )
    return depts


def load_centres(
    counts: Counts,
    regions: dict[str, Region],
    depts: dict[str, Department],
    data_dir: Path = DATA_DIR,
) -> dict[str, Centre]:
    centres = {}
    for row in read("centres.json", data_dir)["centres"]:
        centre = _upsert(
            Centre,
            counts,
            "服务中心",
            {"key": row["key"]},
            {
                "name": row["name"],
                "region": regions[row["region"]],
                "level": row["level"],
                "address": row.get("address", ""),
                "phone": row.get("phone", ""),
                "hours": row.get("hours", ""),
            },
        )
        centres[row["key"]] = centre
        zones = {}
        for z in row.get("zones", []):
            zones[z["kind"]] = _upsert(
                Zone,
                counts,
                "功能区",
                {"centre": centre, "kind": z["kind"]},
                {"name": z["name"], "floor": _floor(z.get("floor"))},
            )
        for w in row.get("windows", []):
            zone = zones.get(w["zone"]) or _upsert(
                Zone,
                counts,
                "功能区",
                {"centre": centre, "kind": w["zone"]},
                {"name": Zone.Kind(w["zone"]).label},
            )
            zones[w["zone"]] = zone
            window = _upsert(
                Window,
                counts,
                "窗口",
                {"zone": zone, "number": w["number"]},
                {"name": w["name"], "kind": w["kind"]},
            )
            wanted = {depts[k].pk for k in w.get("departments", [])}
            current = set(window.departments.values_list("pk", flat=True))
            if current != wanted:
                window.departments.set(wanted)
                counts.add("窗口", created=False, changed=bool(current))
    return centres


def admin_group(counts: Counts) -> Group:
    group, created = Group.objects.get_or_create(name="中心管理员")
    perms = Permission.objects.filter(
        content_type__app_label__in=ADMIN_APPS
    ) | Permission.objects.filter(content_type__app_label="auth", content_type__model="user")
    wanted = set(perms.values_list("pk", flat=True))
    if set(group.permissions.values_list("pk", flat=True)) != wanted:
        group.permissions.set(wanted)
        counts.add("权限组", created=created)
    return group


def load_staff(
    counts: Counts,
    regions: dict[str, Region],
    depts: dict[str, Department],
    centres: dict[str, Centre],
    data_dir: Path = DATA_DIR,
) -> list[dict]:
    """Staff accounts from staff.json: one or more per role."""
    User = get_user_model()
    group = admin_group(counts)
    rows = read("staff.json", data_dir)
    for row in rows:
        found = User.objects.filter(username=row["username"]).first()
        created = found is None
        user = found or User(username=row["username"])
        if created:
            user.password = demo_password_hash()
        is_admin = row["role"] == Role.CENTRE_ADMIN
        values = {"first_name": row["name"], "is_staff": is_admin}
        if created or any(getattr(user, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(user, k, v)
            user.save()
            counts.add("工作人员", created=created)
        if is_admin and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        window = None
        if row.get("window"):
            centre_key, number = row["window"].split(":")
            window = Window.objects.filter(zone__centre__key=centre_key, number=number).first()
        _upsert(
            StaffRole,
            counts,
            "岗位",
            {
                "user": user,
                "role": row["role"],
                "department": depts[row["department"]] if row.get("department") else None,
                "region": regions[row["region"]],
            },
            {"window": window},
        )
    return rows


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "建国 秀英 志强 丽华 海燕 建华 红梅 小军 玉兰 明辉 晓东 春燕 德华 俊杰 雪梅 国庆 文静 永红 "
    "家乐 思远 国华 凤英 伟 敏 静 磊 芳 勇 娟 涛 艳 超 霞 杰 琳 鹏 婷 斌 燕 浩"
).split()
# Roles every department that handles items needs, so that each step of a case has someone.
DEPARTMENT_ROLES = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)


def demo_name(n: int) -> str:
    """A plausible, deterministic Chinese name for the n-th generated person."""
    return SURNAMES[(n * 7) % len(SURNAMES)] + GIVEN[(n * 11) % len(GIVEN)]


def _department_window(dept: Department) -> Window | None:
    return (
        Window.objects.filter(departments=dept)
        .order_by("zone__centre__level", "kind", "number")
        .select_related("zone__centre")
        .first()
    )


def load_department_staff(
    counts: Counts,
    regions: dict[str, Region],
    depts: dict[str, Department],
    data_dir: Path = DATA_DIR,
) -> None:
    """A clerk, reviewer, approver and head for every department with items, unless staff.json
    names one already (username <department key>_<role>)."""
    User = get_user_model()
    with_items = {row["department"] for row in read("items.json", data_dir)} | {
        d for row in read("items.json", data_dir) for d in row.get("co_departments", [])
    }
    n = 0
    for key in sorted(with_items):
        dept = depts[key]
        for role in DEPARTMENT_ROLES:
            n += 1
            if StaffRole.objects.filter(role=role, department=dept).exists():
                continue
            username = f"{key}_{role}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=demo_name(n))
                user.password = demo_password_hash()
                user.save()
                counts.add("工作人员", created=True)
            window = _department_window(dept) if role == Role.CLERK else None
            _upsert(
                StaffRole,
                counts,
                "岗位",
                {"user": user, "role": role, "department": dept, "region": dept.region},
                {"window": window},
            )


def load_applicants(counts: Counts, regions: dict[str, Region], data_dir: Path = DATA_DIR) -> None:
    User = get_user_model()
    for row in read("applicants.json", data_dir):
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = User(username=row["username"], first_name=row["name"][:150])
            user.password = demo_password_hash()
            user.save()
        _upsert(
            Applicant,
            counts,
            "申请人",
            {"user": user},
            {
                "kind": row["kind"],
                "name": row["name"],
                "id_number": row.get("id_number", ""),
                "credit_code": row.get("credit_code", ""),
                "legal_representative": row.get("legal_representative", ""),
                "phone": row["phone"],
                "region": regions.get(row.get("region", "")),
            },
        )


def load_items(counts: Counts, *, now: datetime, data_dir: Path = DATA_DIR) -> None:
    catalog.ensure_life_events()
    for row in read("items.json", data_dir):
        _item, outcome = catalog.upsert_item(row, actor=None, now=now)
        if outcome != "unchanged":
            counts.add("事项", created=outcome == "created")


# A resident who came to the window (demo.cases) and has since registered on the portal: her
# claim waits for proof, so the demo shows both ways (an SMS code to the phone the clerk wrote
# down, or a clerk at /accounts/identity/confirm/ with her card).
PENDING_USERNAME, PENDING_NAME = "liuhaiyan", "刘海燕"


def load_pending_claim(counts: Counts, *, now: datetime) -> None:
    User = get_user_model()
    record = Applicant.objects.filter(
        name=PENDING_NAME, user__password__startswith=UNUSABLE_PASSWORD_PREFIX
    ).first()
    if record is None or User.objects.filter(username=PENDING_USERNAME).exists():
        return
    user = User(username=PENDING_USERNAME, first_name=PENDING_NAME)
    user.password = demo_password_hash()
    user.save()
    claimed = Claimed(
        kind=Applicant.Kind.PERSON,
        name=PENDING_NAME,
        phone="13980601203",
        id_number=record.id_number,
    )
    claim_identity(user, claimed, now=now)
    counts.add("实名核验申请", created=True)


def record_demo_proofs(counts: Counts) -> None:
    """Every demo account that holds a number proved it at the district centre's window: the
    demo's applicants are real-name verified, as the portal requires (org.actions)."""
    centre = Centre.objects.filter(level=Centre.Level.DISTRICT).order_by("pk").first()
    proven = IdentityClaim.objects.filter(status=IdentityClaim.Status.PROVEN).values("user_id")
    held = (
        Applicant.objects.exclude(id_number="", credit_code="")
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)  # walk-ins: no account
        .exclude(user_id__in=proven)
        .select_related("user")
    )
    for applicant in held:
        record_proven(applicant, centre=centre)
        counts.add("实名核验", created=True)


def demo_accounts(data_dir: Path = DATA_DIR) -> list[tuple[str, str, str]]:
    """(role label, username, name) for the first account of every role, in Role order."""
    rows = read("staff.json", data_dir)
    first: dict[str, dict] = {}
    for row in rows:
        first.setdefault(row["role"], row)
    accounts = [
        (str(Role(r).label), first[r]["username"], first[r]["name"])
        for r in Role.values
        if r in first
    ]
    for row in read("applicants.json", data_dir):
        label = "申请人（个人）" if row["kind"] == Applicant.Kind.PERSON else "申请人（企业）"
        if all(a[0] != label for a in accounts):
            accounts.append((label, row["username"], row["name"]))
    accounts.append(("申请人（待实名核验）", PENDING_USERNAME, PENDING_NAME))
    return accounts
