"""Lottery results for the demo's draws: each issue its own real-looking numbers."""

from __future__ import annotations

import random


def welfare_3d(issue: str) -> str:
    """福彩3D: three digits drawn in order, entered as one number so that the order counts."""
    digits = random.Random(f"3d-{issue}").choices("0123456789", k=3)  # noqa: S311 - demo data
    return "".join(digits)


def double_colour_ball(issue: str) -> tuple[str, str]:
    """双色球: six red balls of 01–33 and one blue ball of 01–16."""
    rng = random.Random(f"ssq-{issue}")  # noqa: S311 - demo data
    reds = sorted(rng.sample(range(1, 34), 6))
    return " ".join(f"{n:02d}" for n in reds), f"{rng.randint(1, 16):02d}"
