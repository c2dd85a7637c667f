"""Durations, as the service takes them: a whole number of seconds within limits (the
variants' timeouts, the deployment's waits and timeouts)."""

from __future__ import annotations

from ..errors import Problem
from .location import Location
from .values import is_unknown, number


def check_whole_seconds(
    seconds: float | None, limits: tuple[int, int], where: Location
) -> list[Problem]:
    """A whole number of seconds within `limits` (inclusive); None (absent, or known only at
    deploy time) is skipped."""
    if seconds is None or is_unknown(seconds):
        return []
    low, high = limits
    if seconds != int(seconds):
        return [
            where.problem(f"{number(seconds)} seconds given; a whole number of seconds is needed")
        ]
    if not low <= seconds <= high:
        return [where.problem(f"{number(seconds)} seconds given; {low} to {high} seconds allowed")]
    return []
