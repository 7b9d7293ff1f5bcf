"""The fee arithmetic, without the database: rules applied to forms, money, payment codes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.fees.compute import (
    FeeError,
    compute_fee,
    luhn_digit,
    make_payment_code,
    new_payment_code,
    payment_code_valid,
    rule_problems,
    to_money,
)
from onestop.fees.models import FeeRule


def rule(**fields) -> FeeRule:
    base = {
        "item_code": "X",
        "name": "工本费",
        "kind": FeeRule.Kind.FIXED,
        "amount": Decimal("120.00"),
        "legal_basis": "依据",
    }
    base.update(fields)
    return FeeRule(**base)


def test_a_fixed_rule_charges_its_amount_once():
    fee = compute_fee(rule(), {"area": "999"})
    assert fee.total == Decimal("120.00")
    assert not fee.exempt
    [line] = fee.lines
    assert (line.quantity, line.unit_price, line.amount) == (
        1,
        Decimal("120.00"),
        Decimal("120.00"),
    )
    assert line.as_json()["amount"] == "120.00"


def test_a_per_unit_rule_takes_the_quantity_from_the_form():
    r = rule(kind="per_unit", amount=Decimal("3.35"), unit_name="平方米", quantity_field="area")
    fee = compute_fee(r, {"area": "120.5"})
    # 3.35 × 120.5 = 403.675 → 403.68 (四舍五入到分)
    assert fee.total == Decimal("403.68")
    assert fee.lines[0].quantity == Decimal("120.5")
    assert compute_fee(r, {"area": 10}).total == Decimal("33.50")
    assert compute_fee(r, {"area": "0"}).total == Decimal("0.00")
    assert not compute_fee(r, {"area": "0"}).due


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "未填写"),
        ({"area": ""}, "未填写"),
        ({"area": "十"}, "数字"),
        ({"area": "-1"}, "不小于"),
    ],
)
def test_a_per_unit_rule_refuses_a_missing_or_bad_quantity(form, message):
    r = rule(kind="per_unit", amount=Decimal("2.00"), unit_name="份", quantity_field="area")
    with pytest.raises(FeeError, match=message):
        compute_fee(r, form)


def test_an_exempt_rule_owes_nothing_and_states_its_reason():
    r = rule(kind="exempt", amount=Decimal("20.00"), exempt_reason="《居住证暂行条例》第二十一条")
    fee = compute_fee(r, {})
    assert fee.total == Decimal("0.00")
    assert fee.exempt and fee.due
    assert fee.exempt_reason == "《居住证暂行条例》第二十一条"
    assert fee.lines[0].amount == Decimal("20.00")  # the amount waived, for the record


def test_a_tiered_rule_charges_by_the_forms_option():
    r = rule(
        amount=Decimal("20.00"),
        option_field="apply_type",
        option_amounts={"丢失补领": "40.00", "临时居民身份证": "10.00"},
    )
    assert compute_fee(r, {"apply_type": "首次申领"}).total == Decimal("20.00")
    lost = compute_fee(r, {"apply_type": "丢失补领"})
    assert lost.total == Decimal("40.00")
    assert lost.lines[0].name == "工本费（丢失补领）"
    assert compute_fee(r, {"apply_type": "临时居民身份证"}).total == Decimal("10.00")


def test_money_is_exact_and_never_a_float():
    assert to_money("120") == Decimal("120.00")
    assert to_money("1,200.5") == Decimal("1200.50")
    assert to_money(Decimal("0.10")) == Decimal("0.10")
    assert to_money(7) == Decimal("7.00")
    with pytest.raises(FeeError, match="浮点数"):
        to_money(0.1)  # type: ignore[arg-type]
    with pytest.raises(FeeError, match="两位小数"):
        to_money("1.005")
    with pytest.raises(FeeError, match="负数"):
        to_money("-1")
    with pytest.raises(FeeError, match="格式"):
        to_money("abc")
    with pytest.raises(FeeError, match="格式"):
        to_money("NaN")


@given(cents=st.integers(0, 10**11))
def test_money_round_trips_every_amount_in_cents(cents):
    amount = Decimal(cents) / 100
    assert to_money(str(amount)) == amount
    assert to_money(str(amount)).as_tuple().exponent == -2


@given(
    price_cents=st.integers(0, 10**6),
    quantity=st.decimals(min_value=0, max_value=10**4, places=3, allow_nan=False),
)
def test_a_per_unit_line_is_the_product_rounded_half_up_to_the_cent(price_cents, quantity):
    price = Decimal(price_cents) / 100
    r = rule(kind="per_unit", amount=price, unit_name="份", quantity_field="n")
    fee = compute_fee(r, {"n": str(quantity)})
    exact = price * quantity
    assert abs(fee.total - exact) <= Decimal("0.005")
    assert fee.total.as_tuple().exponent == -2


def test_rule_problems_are_in_chinese():
    assert rule_problems(rule(kind="exempt", exempt_reason="")) == [
        "依法免收须填写免收依据（法律法规或政策文件及条款）"
    ]
    problems = rule_problems(rule(kind="per_unit", unit_name="", quantity_field=""))
    assert "按数量计费须填写数量取自的申请表字段" in problems
    assert "按数量计费须填写计费单位" in problems
    assert "收费须填写收费依据" in rule_problems(rule(legal_basis=""))
    assert any("分档依据" in p for p in rule_problems(rule(option_amounts={"a": "1.00"})))
    assert any(
        "两位小数" in p
        for p in rule_problems(rule(option_field="t", option_amounts={"a": "1.001"}))
    )
    assert rule_problems(rule()) == []


def test_a_payment_code_is_twenty_digits_with_a_check_digit():
    code = make_payment_code("510403000000", 2026, 12345678901)
    assert code == "51040326" + "12345678901" + luhn_digit("5104032612345678901")
    assert len(code) == 20 and code.isdigit()
    assert payment_code_valid(code)
    assert payment_code_valid(" ".join(code[i : i + 4] for i in range(0, 20, 4)))
    assert not payment_code_valid(code[:-1])
    assert not payment_code_valid("x" * 20)
    assert luhn_digit("7992739871") == "3"  # the textbook example


@given(serial=st.integers(0, 10**11 - 1), pos=st.integers(0, 19), delta=st.integers(1, 9))
def test_a_mistyped_digit_is_always_caught(serial, pos, delta):
    code = make_payment_code("510403", 2026, serial)
    typo = code[:pos] + str((int(code[pos]) + delta) % 10) + code[pos + 1 :]
    assert not payment_code_valid(typo)


def test_new_codes_differ():
    codes = {new_payment_code("510403", 2026) for _ in range(200)}
    assert len(codes) == 200
    assert all(payment_code_valid(c) and c.startswith("51040326") for c in codes)
