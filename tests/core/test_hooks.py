"""Hooks: how a lower app lets higher ones act, in registration order, each function once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from onestop.core.hooks import Hook


@given(st.lists(st.integers(min_value=0, max_value=5)))
def test_each_function_runs_once_in_registration_order(picks: list[int]) -> None:
    hook = Hook("test")
    functions = [lambda x, n=n: (n, x) for n in range(6)]
    for i in picks:
        hook.register(functions[i])
    order = list(dict.fromkeys(picks))
    assert hook("a") == [(n, "a") for n in order]
    assert len(hook) == len(order)


def test_any_and_first_stop_at_the_first_answer() -> None:
    hook = Hook("test")
    asked: list[str] = []
    hook.register(lambda: asked.append("one"))
    hook.register(lambda: asked.append("two") or "two")
    hook.register(lambda: asked.append("three") or "three")
    assert hook.first() == "two" and asked == ["one", "two"]
    asked.clear()
    assert hook.any() is True and asked == ["one", "two"]
    assert Hook("empty").first(default="none") == "none" and not Hook("empty").any()
