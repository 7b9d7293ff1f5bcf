"""The one redaction of public texts: generated identifiers of every kind, written the ways
people write them and embedded in random Chinese text, never survive; dates, amounts, times
and ticket or case numbers around them are kept."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from onestop.lib.identity import check_credit_code, check_id_number, id_check_character
from onestop.lib.redact import MASK, redact

DIGITS = "0123456789"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
ROADS = ["新宏路", "苏铁中路", "清香坪街", "巴关河巷", "玉泉道", "河门口胡同"]
AREAS = ["510403", "510402", "110105", "440305", "320106", "500103", "650102"]
TO_FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
FROM_FULL_WIDTH = str.maketrans({chr(c + 0xFEE0): chr(c) for c in range(0x21, 0x7F)})

# Random Chinese text: any CJK ideograph and Chinese punctuation (no ASCII letters or digits,
# so that whatever ASCII survives came from the identifier).
chinese = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), st.sampled_from("，。、：；！？")
    ),
    max_size=30,
)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=n, max_size=n)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(AREAS))
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)))
    body = f"{area}{born:%Y%m%d}{draw(digits(3))}"
    number = body + id_check_character(body)
    assert check_id_number(number, today=date(2026, 3, 10)).valid
    if number.endswith("X") and draw(st.booleans()):
        number = number[:-1] + "x"
    if draw(st.booleans()):
        number = f"{number[:6]} {number[6:14]} {number[14:]}"
    return number


@st.composite
def old_id_numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(1999, 12, 31)))
    return f"{draw(st.sampled_from(AREAS))}{born:%y%m%d}{draw(digits(3))}"


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["11", "12", "13", "19", "51", "52", "91", "92", "93"]))
    org = draw(st.text(alphabet=USCC_CHARS, min_size=9, max_size=9))
    body = f"{kind}{draw(st.sampled_from(AREAS))}{org}"
    code = body + uscc.calc_check_digit(body)
    assert check_credit_code(code).valid
    return code


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    n = f"1{draw(st.sampled_from('3456789'))}{draw(digits(9))}"
    sep = draw(st.sampled_from(["", " ", "-"]))
    body = f"{n[:3]}{sep}{n[3:7]}{sep}{n[7:]}"
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "+86", "0086 ", "86-", "(+86)", "（+86）"]))
    return prefix + body


@st.composite
def landlines(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["010", "020", "021", "028", "0812", "0813", "0755", "0851"]))
    local = draw(st.sampled_from("2345678")) + draw(digits(draw(st.sampled_from([6, 7]))))
    if draw(st.booleans()) and len(local) == 8:
        local = f"{local[:4]} {local[4:]}"
    form = draw(st.sampled_from(["{a}-{n}", "{a}{n}", "{a} {n}", "({a}){n}", "（{a}）{n}"]))
    text = form.format(a=area, n=local)
    ext = draw(st.sampled_from(["", "-8001", "转8001", " ext. 12", "分机 305", "转 6"]))
    return text + ext


@st.composite
def service_numbers(draw: st.DrawFn) -> str:
    n = draw(st.sampled_from(["400", "800"])) + draw(digits(7))
    sep = draw(st.sampled_from(["", " ", "-"]))
    return f"{n[:3]}{sep}{n[3:6]}{sep}{n[6:]}"


@st.composite
def bank_cards(draw: st.DrawFn) -> str:
    n = draw(st.sampled_from(["62", "4", "5"]))
    n += draw(digits(draw(st.integers(16, 19)) - len(n)))
    if draw(st.booleans()):
        sep = draw(st.sampled_from([" ", "-"]))
        return sep.join(n[i : i + 4] for i in range(0, len(n), 4))
    return n


@st.composite
def plates(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(PROVINCES)) + draw(st.sampled_from("ABCDEFGHJKLMNPQRS"))
    kind = draw(st.sampled_from(["normal", "small_ev", "big_ev", "trailer"]))
    if kind == "normal":
        tail = draw(st.text(alphabet=PLATE_CHARS, min_size=5, max_size=5))
    elif kind == "small_ev":  # 川DA1234F, 川AD12345
        tail = draw(st.sampled_from("DF")) + draw(
            st.text(alphabet=PLATE_CHARS, min_size=5, max_size=5)
        )
    elif kind == "big_ev":
        tail = draw(digits(5)) + draw(st.sampled_from("DF"))
    else:
        tail = draw(st.text(alphabet=PLATE_CHARS, min_size=4, max_size=4)) + "挂"
    return head + draw(st.sampled_from(["", "·", " "])) + tail


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"[a-z0-9][a-z0-9._]{0,12}[a-z0-9]", fullmatch=True))
    domain = draw(st.sampled_from(["qq.com", "163.com", "126.com", "xiqu.gov.cn", "pzh.edu.cn"]))
    return f"{local}@{domain}"


@st.composite
def house_addresses(draw: st.DrawFn) -> str:
    road = draw(
        st.sampled_from(["新宏路", "苏铁中路", "清香坪街", "巴关河巷", "玉泉道", "河门口胡同"])
    )
    n = draw(st.integers(1, 999))
    parts = [f"{road}{n}号"]
    if draw(st.booleans()):
        parts.append(f"{draw(st.integers(1, 40))}{draw(st.sampled_from(['栋', '幢', '号楼']))}")
    if draw(st.booleans()):
        parts.append(f"{draw(st.integers(1, 8))}单元")
    if draw(st.booleans()):
        parts.append(f"{draw(st.integers(1, 33))}{draw(st.sampled_from(['01', '02', '03']))}室")
    return "".join(parts)


@st.composite
def village_groups(draw: st.DrawFn) -> str:
    village = draw(st.sampled_from(["金沙村", "格里坪村", "陶家渡社区"]))
    return f"{village}{draw(st.integers(1, 12))}组"


IDENTIFIERS = st.one_of(
    id_numbers(),
    old_id_numbers(),
    credit_codes(),
    mobiles(),
    landlines(),
    service_numbers(),
    bank_cards(),
    plates(),
    emails(),
    house_addresses(),
    village_groups(),
)


@settings(max_examples=400, deadline=None)
@given(IDENTIFIERS, chinese, chinese, st.booleans())
def test_no_identifier_survives_in_chinese_text(ident, before, after, full_width):
    if full_width:
        ident = ident.translate(TO_FULL_WIDTH)
    out = redact(before + ident + after)
    assert ident not in out
    # Not even a part of it: the text around it has no ASCII letters or digits of its own.
    assert not re.search(r"[0-9A-Za-z@]", out.translate(FROM_FULL_WIDTH)), out
    assert MASK in out


ORDINARY = st.one_of(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [
                f"{d:%Y-%m-%d}",
                f"{d.year}年{d.month}月{d.day}日",
                f"{d.month}月{d.day}号",
                f"{d:%Y%m%d}",
                f"{d:%Y/%m/%d}",
            ]
        )
    ),
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}"),
    st.decimals(min_value=0, max_value=10_000_000, places=2).map(lambda a: f"{a}元"),
    st.integers(1, 9_999_999).map(lambda a: f"¥{a:,}"),
    st.integers(1, 9999).map(lambda a: f"{a / 10}万元"),
    st.tuples(st.dates(min_value=date(2024, 1, 1)), st.integers(1, 9999)).map(
        lambda t: f"RX{t[0]:%Y%m%d}-{t[1]:04d}"
    ),
    st.tuples(
        st.sampled_from(AREAS), st.dates(min_value=date(2024, 1, 1)), st.integers(1, 9999)
    ).map(lambda t: f"{t[0]}-{t[1]:%Y%m%d}-{t[2]:04d}"),
    st.sampled_from(["12345", "12345热线", "110", "120", "第3期", "3个工作日", "5号窗口"]),
)


@settings(max_examples=300, deadline=None)
@given(ORDINARY, chinese, chinese, st.sampled_from("，。；：、"))
def test_dates_amounts_and_ticket_numbers_are_kept(token, before, after, sep):
    text = before + sep + token + sep + after
    assert token in redact(text)


@settings(max_examples=100, deadline=None)
@given(IDENTIFIERS, ORDINARY, chinese)
def test_an_identifier_beside_ordinary_text_goes_and_the_rest_stays(ident, token, filler):
    out = redact(f"{filler}，{token}，联系{ident}。")
    assert ident not in out and token in out


def test_the_testers_examples():
    text = (
        "举报邻居王某某（身份证510403199001011234）在家中开设赌场，电话0812-3334444，"
        "手机139 1234 5678，住新宏路12号3栋2单元501室，车牌川D·12345。"
        "低保申请人住金沙村5组，邮箱wang.ming@163.com，银行卡6222 0212 3456 7890 123。"
    )
    out = redact(text)
    for gone in (
        "510403199001011234",
        "0812-3334444",
        "139 1234 5678",
        "12号",
        "501室",
        "川D·12345",
        "5组",
        "wang.ming@163.com",
        "6222 0212 3456 7890 123",
    ):
        assert gone not in out
    assert out.startswith("举报邻居王某某（身份证***）在家中开设赌场") and "新宏路" in out


def test_known_names_and_honorifics_go():
    out = redact("来电人李芳反映：楼下张先生家的狗每晚叫，李芳已多次沟通。", names=["李芳"])
    assert "李芳" not in out and "张先生" not in out and "先生家的狗每晚叫" in out
    assert redact("") == "" and redact("一切正常") == "一切正常"
