"""Failures the sweep found that wait for a fix elsewhere: none today (the eight of issue 13,
production options, are fixed; `test_regressions.py` keeps their shrunk examples).

Each entry names its issue, what fails, the check it fails and which configurations it concerns.
A check is a function of `checks.ACCEPTED_CHECKS` (by name), "refusal" (accepted where the rules
refuse, refused where they do not, or an error that does not name each problem), "exception"
(an error other than `MceValidationError`) or "update/<what changed>" (the update test).

`make test` skips exactly these checks on exactly these configurations, so that it stays green
until the fixes land; the shrunk example goes to `test_regressions.py` as a strict `xfail`.
When a fix lands, delete its entries and the marker: the sweep checks those configurations
again, and the example stays as a plain regression test.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import event

from .model import Case, Where


@dataclass(frozen=True)
class KnownIssue:
    """A filed failure. `applies` says which configurations fail `check`. For "refusal",
    `unrefused` says which expected problems may go unnamed (the construct does not check them
    yet), and `refused` which problem lines may appear though the rules allow the value."""

    issue: int
    what: str
    check: str
    applies: Callable[[Case], bool] = lambda _: True
    unrefused: Callable[[Case, Where], bool] | None = None
    refused: Callable[[str], bool] | None = None


KNOWN_ISSUES: tuple[KnownIssue, ...] = ()


if os.environ.get("MCE_SWEEP_KNOWN_ISSUES") == "off":
    # See every failure, the known ones too (`MCE_SWEEP_KNOWN_ISSUES=off make test-deep`).
    KNOWN_ISSUES = ()


def known_issue(case: Case, check: str) -> KnownIssue | None:
    """The known issue that makes `check` fail on `case`, if any (counted in Hypothesis's
    statistics: `pytest --hypothesis-show-statistics`)."""
    for issue in KNOWN_ISSUES:
        plain = issue.unrefused is None and issue.refused is None
        if issue.check == check and plain and issue.applies(case):
            event(f"skipped {check}: issue {issue.issue}, {issue.what}")
            return issue
    return None


def unrefused(case: Case, where: Where) -> bool:
    """Whether a known issue lets `where` go unnamed."""
    for issue in KNOWN_ISSUES:
        if issue.unrefused is not None and issue.unrefused(case, where):
            event(f"not required: issue {issue.issue}, {issue.what}")
            return True
    return False


def refused(line: str) -> bool:
    """Whether a known issue explains a problem line the rules do not give."""
    for issue in KNOWN_ISSUES:
        if issue.refused is not None and issue.refused(line):
            event(f"tolerated: issue {issue.issue}, {issue.what}")
            return True
    return False
