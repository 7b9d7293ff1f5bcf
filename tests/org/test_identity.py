"""GB 11643 ID numbers and GB 32100 credit codes: check characters and reasons."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from onestop.lib.identity import (
    check_credit_code,
    check_id_number,
    check_mobile,
    check_postcode,
    mask_id_number,
    mask_phone,
)

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def id_check_char(body: str) -> str:
    # Written from the standard's weights (RECIPES.md), independently of the code under test.
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def uscc_check_char(body: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def test_it_accepts_the_standard_examples():
    assert check_id_number("11010519491231002X").valid
    assert check_credit_code("914403001922038216").valid
    assert check_credit_code("91110000802100433B").valid


def test_it_names_the_expected_check_character():
    result = check_id_number("110105194912310021")
    assert not result.valid
    assert "X" in result.reason


@given(
    area=st.sampled_from(["510403", "110105", "440305", "650102"]),
    birth=st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_id_numbers_with_the_right_check_character_are_valid(area, birth, seq):
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    good = body + id_check_char(body)
    assert check_id_number(good).valid
    for wrong in set("0123456789X") - {good[-1]}:
        result = check_id_number(body + wrong)
        assert not result.valid
        assert "校验码" in result.reason


@given(
    seq=st.text(alphabet=USCC_CHARS, min_size=9, max_size=9),
    head=st.sampled_from(["91", "11", "12", "52", "93"]),
    area=st.sampled_from(["510403", "110000", "440300"]),
)
def test_credit_codes_with_the_right_check_character_are_valid(seq, head, area):
    body = f"{head}{area}{seq}"
    good = body + uscc_check_char(body)
    assert check_credit_code(good).valid, good
    wrong = USCC_CHARS[(USCC_CHARS.index(good[-1]) + 1) % 31]
    assert not check_credit_code(body + wrong).valid


def test_it_refuses_impossible_birth_dates_and_unknown_provinces():
    assert "出生日期" in check_id_number("510403202302300011").reason
    assert "地址码" in check_id_number("990403199001010011").reason
    assert "18位" in check_id_number("51040319900101").reason


def test_it_refuses_letters_the_credit_code_charset_lacks():
    assert not check_credit_code("91440300192203821I").valid
    assert not check_credit_code("9144030019220382").valid


def test_mobiles_and_postcodes():
    assert check_mobile("13881234567").valid
    assert not check_mobile("12881234567").valid
    assert not check_mobile("1388123456").valid
    assert check_postcode("617000").valid
    assert not check_postcode("61700").valid


def test_masking_keeps_four_characters_at_each_end():
    assert mask_id_number("510403199001011234") == "5104**********1234"
    assert mask_phone("13881234567") == "138****4567"
