"""Numbered counters: each prefix counts from 1, without gaps, apart from the others."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from onestop.cases.models import CaseSequence
from onestop.core.sequences import next_in_sequence


class TestSequences(TestCase):
    @settings(max_examples=30)
    @given(st.lists(st.sampled_from(["A-20261208", "B-20261208", "A-20261209"]), max_size=20))
    def test_each_prefix_counts_on_its_own(self, prefixes: list[str]) -> None:
        seen: dict[str, list[int]] = {}
        for prefix in prefixes:
            seen.setdefault(prefix, []).append(next_in_sequence(CaseSequence, prefix))
        for numbers in seen.values():
            assert numbers == list(range(1, len(numbers) + 1))
