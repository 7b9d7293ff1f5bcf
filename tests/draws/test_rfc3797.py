"""The RFC 3797 algorithm against the RFC's own worked example, and its fairness."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chisquare

from onestop.draws import rfc3797

RFC_SOURCES = [["9319"], ["2", "5", "12", "8", "10"], ["9", "18", "26", "34", "41", "45"]]


def test_it_builds_the_rfc_key_string() -> None:
    assert rfc3797.key_string(RFC_SOURCES) == "9319./2.5.8.10.12./9.18.26.34.41.45./"


def test_it_reproduces_the_rfc_example() -> None:
    key = rfc3797.key_string(RFC_SOURCES)
    assert rfc3797.sequence(25, 11, key) == [17, 7, 2, 16, 25, 23, 8, 24, 19, 13, 22]


def test_replacements_continue_the_same_sequence() -> None:
    key = rfc3797.key_string(RFC_SOURCES)
    first = rfc3797.sequence(25, 5, key)
    assert rfc3797.sequence(25, 7, key)[:5] == first


def test_numbers_are_sorted_numerically_and_leading_zeros_dropped() -> None:
    assert rfc3797.canonical_source(["10", "02", "9"]) == "2.9.10./"
    assert rfc3797.parse_source("02，10、9 ") == ["02", "10", "9"]


def test_text_values_are_upper_cased_and_must_be_ascii() -> None:
    assert rfc3797.canonical_source(["ab12", "0F"]) == "0F.AB12./"
    with pytest.raises(ValueError):
        rfc3797.canonical_source(["双色球"])
    with pytest.raises(ValueError):
        rfc3797.key_string([])


def test_it_refuses_more_picks_than_entries() -> None:
    with pytest.raises(ValueError):
        rfc3797.sequence(3, 4, "1./")


@given(
    pool=st.integers(min_value=1, max_value=60),
    data=st.data(),
    numbers=st.lists(st.integers(0, 99999), min_size=1, max_size=7),
)
def test_a_draw_is_a_set_of_distinct_positions_in_range(pool: int, data, numbers) -> None:  # type: ignore[no-untyped-def]
    count = data.draw(st.integers(min_value=1, max_value=pool))
    picks = rfc3797.sequence(pool, count, rfc3797.key_string([[str(n) for n in numbers]]))
    assert len(set(picks)) == count
    assert all(1 <= p <= pool for p in picks)


def test_first_picks_are_uniform_over_many_draws() -> None:
    """Chi-square over 20,000 draws of one from 20: a biased selector fails at p < 0.001."""
    rng = random.Random(3797)
    pool, draws = 20, 20_000
    counts = [0] * pool
    for _ in range(draws):
        sources = [[str(rng.randrange(100000))], [str(rng.randrange(50)) for _ in range(6)]]
        counts[rfc3797.sequence(pool, 1, rfc3797.key_string(sources))[0] - 1] += 1
    assert chisquare(counts).pvalue > 0.001


def test_every_seat_of_a_committee_is_uniform() -> None:
    """Each of 5 seats from 11 candidates: candidate frequencies per seat are uniform."""
    rng = random.Random(2026)
    pool, seats, draws = 11, 5, 11_000
    per_seat = [[0] * pool for _ in range(seats)]
    for _ in range(draws):
        key = rfc3797.key_string([[str(rng.randrange(10**8))]])
        for seat, p in enumerate(rfc3797.sequence(pool, seats, key)):
            per_seat[seat][p - 1] += 1
    for counts in per_seat:
        assert chisquare(counts).pvalue > 0.001


def test_the_fairness_test_can_fail() -> None:
    """A modulo-biased selector (digest's low byte) is caught by the same test."""
    rng = random.Random(7)
    pool = 20
    counts = [0] * pool
    for _ in range(20_000):
        counts[min(rng.randrange(256), 255) % 24 % pool] += 1
    assert chisquare(counts).pvalue < 0.001
