"""Pure fee arithmetic: money parsing, a rule applied to an application form, payment codes.

No database here: the actions call these with a rule and a case's form data, and the tests
drive them with hypothesis.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from onestop.core.errors import DomainError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds
MAX_QUANTITY = Decimal("1000000000")


class FeeError(DomainError):
    """Input or a move the fee rules refuse; `message` is Chinese and shown to the user."""


class FeeRule(Protocol):
    """What the arithmetic reads of a fee rule (`models.FeeRule`; no ORM here)."""

    name: str
    kind: str
    amount: Decimal
    unit_name: str
    quantity_field: str
    option_field: str
    option_amounts: Any
    legal_basis: str
    exempt_reason: str


def to_money(value: Decimal | str | int, *, field: str = "amount") -> Decimal:
    """Yuan with at most two places, as an exact Decimal. Floats are refused: they are not money."""
    if isinstance(value, bool | float):
        raise FeeError("金额须以字符串或 Decimal 给出，不接受浮点数", field=field)
    text = str(value).strip().replace(",", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FeeError("金额格式不正确，应为数字，如 120.00", field=field) from None
    if not amount.is_finite():
        raise FeeError("金额格式不正确，应为数字，如 120.00", field=field)
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise FeeError("金额最多保留两位小数（精确到分）", field=field)
    if amount < 0:
        raise FeeError("金额不能为负数", field=field)
    if amount > MAX_AMOUNT:
        raise FeeError("金额过大", field=field)
    return amount.quantize(CENT)


def to_quantity(value: Any, *, label: str) -> Decimal:
    """A quantity from an application form (copies, square metres): a non-negative number."""
    if isinstance(value, bool):
        raise FeeError(f"计费数量“{label}”应为数字", field="form_data")
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        raise FeeError(f"申请表未填写计费数量“{label}”", field="form_data")
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        raise FeeError(f"计费数量“{label}”应为数字", field="form_data") from None
    if not quantity.is_finite() or quantity < 0 or quantity > MAX_QUANTITY:
        raise FeeError(f"计费数量“{label}”应为不小于 0 的数字", field="form_data")
    return quantity


@dataclass(frozen=True)
class FeeLine:
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    basis: str

    def as_json(self) -> dict[str, str]:
        """Strings for the amounts: what is stored is what was computed, to the cent."""
        return {
            "name": self.name,
            "unit": self.unit,
            "quantity": str(self.quantity),
            "unit_price": str(self.unit_price),
            "amount": str(self.amount),
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Fee:
    lines: tuple[FeeLine, ...]
    total: Decimal
    exempt_reason: str = ""

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_reason)

    @property
    def due(self) -> bool:
        """Whether a notice is called for: an amount to pay, or an exemption to record."""
        return self.exempt or self.total > 0


def _price(rule: FeeRule, form_data: Mapping[str, Any]) -> tuple[Decimal, str]:
    """The rule's amount, or the amount of the form's option where the rule is tiered."""
    if rule.option_field:
        option = str(form_data.get(rule.option_field, "") or "").strip()
        tiers = rule.option_amounts or {}
        if option in tiers:
            return to_money(tiers[option]), option
    return rule.amount, ""


def compute_fee(rule: FeeRule, form_data: Mapping[str, Any]) -> Fee:
    """What a case owes under `rule`, given its application form."""
    price, option = _price(rule, form_data)
    name = f"{rule.name}（{option}）" if option else rule.name
    unit = rule.unit_name or "件"
    basis = rule.legal_basis
    if rule.kind == "exempt":
        line = FeeLine(name, unit, Decimal(1), price, price, basis)
        return Fee((line,), ZERO, exempt_reason=rule.exempt_reason.strip() or "依法免收")
    if rule.kind == "per_unit":
        quantity = to_quantity(form_data.get(rule.quantity_field), label=rule.quantity_field)
    else:
        quantity = Decimal(1)
    # Round half up to the cent (四舍五入到分), once, on the line.
    amount = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount > MAX_AMOUNT:
        raise FeeError("计费金额过大，请核对计费数量", field="form_data")
    return Fee((FeeLine(name, unit, quantity, price, amount, basis),), amount)


def rule_problems(rule: FeeRule) -> list[str]:
    """What is wrong with a rule as entered (the admin form shows these)."""
    problems = []
    if rule.kind == "exempt" and not rule.exempt_reason.strip():
        problems.append("依法免收须填写免收依据（法律法规或政策文件及条款）")
    if rule.kind == "per_unit":
        if not rule.quantity_field.strip():
            problems.append("按数量计费须填写数量取自的申请表字段")
        if not rule.unit_name.strip():
            problems.append("按数量计费须填写计费单位")
    if rule.kind in ("fixed", "per_unit") and not rule.legal_basis.strip():
        problems.append("收费须填写收费依据")
    tiers = rule.option_amounts or {}
    if not isinstance(tiers, dict):
        problems.append("分档金额应为“选项 → 金额”的对应表")
        return problems
    if tiers and not rule.option_field.strip():
        problems.append("填写了分档金额，须同时填写分档依据字段")
    for option, value in tiers.items():
        try:
            to_money(value)
        except FeeError as exc:
            problems.append(f"分档“{option}”：{exc.message}")
    return problems


# --- payment codes ---------------------------------------------------------------------------
# 20 digits like a 非税缴款码: 6-digit region code, 2-digit year, 11 random digits and a Luhn
# check digit. Readable aloud in groups of four, a typo is caught by the check digit, and
# 10^11 random values per region and year make a code hard to guess.

CODE_LENGTH = 20
RANDOM_DIGITS = 11


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to `digits`."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, starting next to the check digit
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_payment_code(region_code: str, year: int, serial: int) -> str:
    body = f"{region_code[:6]:0<6}{year % 100:02d}{serial:0{RANDOM_DIGITS}d}"
    if len(body) != CODE_LENGTH - 1 or not body.isdigit():
        raise ValueError(f"bad payment code body {body!r}")
    return body + luhn_digit(body)


def new_payment_code(region_code: str, year: int) -> str:
    return make_payment_code(region_code, year, secrets.randbelow(10**RANDOM_DIGITS))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in str(text) if not ch.isspace() and ch != "-")


def payment_code_valid(text: str) -> bool:
    code = normalise_code(text)
    return (
        len(code) == CODE_LENGTH
        and code.isascii()
        and code.isdigit()
        and luhn_digit(code[:-1]) == code[-1]
    )
