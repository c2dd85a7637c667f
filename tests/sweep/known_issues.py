"""Failures the sweep found that wait for a fix elsewhere (issue 11, "The service's own rules").

Each entry names its issue, what fails, the check it fails and which configurations it concerns.
A check is a function of `checks.ACCEPTED_CHECKS` (by name), "refusal" (accepted where the rules
refuse, refused where they do not, or an error that does not name each problem), "exception"
(an error other than `MceValidationError`) or "names/<what changed>" (the names test).

`make test` skips exactly these checks on exactly these configurations, so that it stays green
until the fixes land. When a fix lands, delete its entries: the sweep checks those
configurations again, and `tests/test_sweep_regressions.py` keeps the shrunk examples.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import event

from .model import BucketModelData, Case, SubnetsKind, Tags, Vpc, Where, literal


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


def _upper_aws_tag(case: Case) -> bool:
    tags = case.option(Tags)
    return tags is not None and any(
        (text := literal(key)) is not None
        and text.lower().startswith("aws:")
        and not text.startswith("aws:")
        for key, _ in tags.entries
    )


def _vpc(case: Case, *kinds: SubnetsKind) -> bool:
    vpc = case.option(Vpc)
    return vpc is not None and vpc.subnets in kinds


def _no_subnets(case: Case) -> bool:
    vpc = case.option(Vpc)
    return vpc is not None and vpc.vpc and vpc.subnet_count == 0


def _field_of(case: Case, where: Where) -> object:
    """The spec of the value a problem is about (a container's image, model data, ...)."""
    items = case.container_list()
    if where.container is not None and where.container < len(items):
        container = items[where.container]
        return {
            "image": container.image,
            "model_data": container.model_data,
            "environment": container.environment,
            "container_hostname": container.hostname,
        }.get(where.fields[0])
    return None


def _bytes_refusal(line: str) -> bool:
    return ".environment[" in line and "bytes (UTF-8)" in line


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        11,
        "environment values are limited to 1024 bytes; SERVICE_RULES.md and the service model "
        "say 1024 characters (found by the sweep)",
        "refusal",
        refused=_bytes_refusal,
    ),
    KnownIssue(
        11,
        "ModelData.from_bucket(bucket, '') or (bucket, '/') is accepted: s3://bucket/ is not an "
        "artifact (found by the sweep)",
        "refusal",
        unrefused=lambda case, where: isinstance(_field_of(case, where), BucketModelData),
    ),
    KnownIssue(
        11,
        "a tag key that starts with 'AWS:' (another case than 'aws:') is accepted (found by "
        "the sweep; the lead decides whether SERVICE_RULES.md means any case)",
        "refusal",
        unrefused=lambda case, where: where.fields == ("tags",) and _upper_aws_tag(case),
    ),
    KnownIssue(
        11,
        "a subnet selection that selects no subnet raises CDK's error, not a "
        "MceValidationError naming vpc_subnets (found by the sweep)",
        "exception",
        lambda case: _vpc(case, SubnetsKind.NO_PUBLIC) or _no_subnets(case),
    ),
)


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
