"""The street figure a retailer sees next to its conversion (docs/privacy.md, "The street
median"): never one shop's figure, only the central shops, only under the public rules for
any figure about shops."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daks.anonymisation.policy import PUBLIC_V1
from daks.anonymisation.street import street_figure


def public_figure(others: list[float]) -> float | None:
    return street_figure(others, PUBLIC_V1)


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        ([12, 20, 31, 47, 90], 35.0),
        ([12, 20, 31, 47, 90, 33], 35.0),
        ([0, 0, 0, 40, 50], None),  # the central three: only one shop counted anything
        ([1, 2, 3, 100, 200], None),  # 3 + 2 is under 15 % of 100: the largest dominates
        ([1, 1, 2, 2, 3], None),  # together 5 entries: a small count
        ([10, 20, 30, 40], None),  # four other shops only
    ],
)
def test_street_figure_rule(others: list[float], expected: float | None) -> None:
    assert public_figure(others) == expected


def test_knowing_every_other_shop_but_one_leaves_that_one_vague() -> None:
    """Beyond the threat model (the caller alone, or with one other shop) and still: even
    someone who knew all other shops of this street but one would not learn it. The plain
    median would give it exactly (31); the published figure fits 15 values of it."""
    known = [12.0, 20.0, 47.0, 90.0]
    figure = public_figure([*known, 31.0])
    candidates = [v for v in range(500) if public_figure([*known, float(v)]) == figure]
    assert figure == 35.0
    assert candidates == list(range(31, 46))
    assert 31 in candidates


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300), min_size=3, max_size=9))
def test_the_figure_comes_from_the_central_shops_only(others: list[int]) -> None:
    """Whatever the street: no figure from fewer than 5 other shops; a figure is a multiple
    of 5; the largest shop (the one a figure would most expose) and the smallest have no
    influence on it at all."""
    figure = public_figure([float(v) for v in others])
    if len(others) < 5:
        assert figure is None
    if figure is None:
        return
    ranked = sorted(float(v) for v in others)
    assert figure % 5 == 0
    assert public_figure([*ranked[:-1], ranked[-1] + 1000]) == figure
    assert public_figure([0.0, *ranked[1:]]) == figure


def test_the_figure_follows_the_rules_it_is_given() -> None:
    """The route passes the public policy configuration chooses for shop entries; stricter
    rules there make the figure stricter too."""
    others = [12.0, 20.0, 31.0, 47.0, 90.0]
    assert street_figure(others, PUBLIC_V1) == 35.0
    stricter = dataclasses.replace(PUBLIC_V1, threshold=200, rounding=10)
    assert street_figure(others, stricter) is None
    coarser = dataclasses.replace(PUBLIC_V1, rounding=10)
    assert street_figure(others, coarser) == 30.0
