"""The callback script the operator reads out: whatever the title and answer, its punctuation
is right (no 。。 or ，。, one end mark after the answer, a date without leading zeros)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from onestop.hotline.models import Kind, Ticket
from onestop.hotline.queries import callback_script
from tests.hotline.conftest import NOW

# Two marks in a row that no Chinese sentence has (…… and ？！ as such are fine).
DOUBLED = re.compile(r"[，。、；：,.;:][，。、；：？！,.;:?!]|[？！…][，。、；：,.;:]|…。")
PIECES = st.sampled_from(
    [
        "已处理",
        "经核查",
        "商户已整改",
        "。",
        "，",
        "！",
        "？",
        "?",
        "；",
        "：",
        "…",
        " ",
        "\n",
        "“",
        "”",
    ]
)
TEXT = st.lists(PIECES, max_size=40).map("".join)
# Answers may quote (“一次性告知”); the title's quotes are the script's own.
ANSWER = st.lists(PIECES.filter(lambda p: p not in "“”"), max_size=40).map("".join)


def script(kind: str, title: str, answer: str) -> str:
    return callback_script(
        Ticket(kind=kind, title=title, answer=answer, registered_at=NOW, lead_department=None)
    )


def test_an_answer_ending_in_a_full_stop_is_not_doubled():
    text = script(Kind.CONSULT, "低保怎么申请？", "已告知申请条件和办理流程。")
    assert "已告知申请条件和办理流程。请问" in text
    assert "“低保怎么申请”" in text and "3月10日" in text and "。。" not in text


def test_a_long_answer_is_cut_with_an_ellipsis_not_a_full_stop():
    text = script(Kind.COMPLAINT, "油烟直排", "经现场核查" * 40)
    assert "……请问" in text and "……。" not in text


@given(kind=st.sampled_from(list(Kind)), title=TEXT, answer=ANSWER)
def test_the_script_never_doubles_punctuation(kind, title, answer):
    text = script(kind, title, answer)
    assert not DOUBLED.search(text), text
    assert text.endswith("？") and "\n" not in text
    assert text.count("“") == text.count("”") == 1
