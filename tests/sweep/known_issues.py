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
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from hypothesis import event

from .model import (
    AssetImage,
    BucketModelData,
    Case,
    RegistryImage,
    RepositoryImage,
    Scaling,
    SubnetsKind,
    UriModelData,
    Vpc,
    Where,
    Wrong,
)


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


def _values(value: object) -> Iterator[object]:
    yield value
    if isinstance(value, tuple):
        for item in value:
            yield from _values(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _values(getattr(value, name))


def _has(case: Case, test: Callable[[object], bool]) -> bool:
    return any(test(value) for value in _values(case))


def _wrong_type(case: Case) -> bool:
    """A value of the wrong type anywhere but `mode` (which is refused as it should be)."""
    plain_model_data = _has(case, lambda v: isinstance(v, UriModelData) and v.plain)
    return plain_model_data or any(
        isinstance(value, Wrong) for value in _values(case) if value is not case.mode
    )


def _vpc(case: Case, *kinds: SubnetsKind) -> bool:
    vpc = case.option(Vpc)
    return vpc is not None and vpc.subnets in kinds


def _no_subnets(case: Case) -> bool:
    vpc = case.option(Vpc)
    return vpc is not None and vpc.vpc and vpc.subnet_count == 0


def _scaled_without_endpoint_name(case: Case) -> bool:
    return case.option(Scaling) is not None


def _shared_asset(case: Case) -> bool:
    """The same asset or object in two containers (repeated in the policy)."""
    containers = case.container_list()
    images = [c.image for c in containers if isinstance(c.image, AssetImage)]
    data = [
        c.model_data
        for c in containers
        if c.model_data is not None and not isinstance(c.model_data, Wrong | UriModelData)
    ]
    return len(images) > 1 or len(data) > 1


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


def _wrong_field(case: Case, where: Where) -> bool:
    value = _field_of(case, where)
    if value is None:
        options = {
            "enable_network_isolation": "Isolation",
            "kms_key": "Kms",
            "tags": "Tags",
            "endpoint_name": "EndpointName",
            "variant_name": "VariantName",
            "instance_type": "InstanceType",
            "initial_instance_count": "InstanceCount",
        }
        kind = options.get(where.fields[0])
        value = next((o for o in case.options if type(o).__name__ == kind), None)
        if where.fields[0] == "containers":
            value = case.containers
    return value is not None and (
        any(isinstance(item, Wrong) for item in _values(value))
        or (isinstance(value, UriModelData) and value.plain)
    )


def _location_rule(case: Case, where: Where) -> bool:
    """Images outside ECR or in another region, a missing asset directory; model data that is
    a bucket or in another region: the construct does not refuse them yet."""
    value = _field_of(case, where)
    return isinstance(value, RegistryImage | RepositoryImage | AssetImage | BucketModelData) or (
        isinstance(value, UriModelData) and not isinstance(value.uri, Wrong) and not value.plain
    )


def _gpu_or_nvme_refusal(line: str) -> bool:
    return (line.startswith("instance_type: ") and "accelerated" in line) or (
        line.startswith("kms_key: not allowed with")
    )


def _bytes_refusal(line: str) -> bool:
    return ".environment[" in line and "bytes (UTF-8)" in line


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        11,
        "values of the wrong type raise AttributeError/TypeError/ValueError or pass",
        "exception",
        _wrong_type,
    ),
    KnownIssue(11, "values of the wrong type are not named", "refusal", unrefused=_wrong_field),
    KnownIssue(
        11,
        "accelerated instance types (and a key with NVMe storage) are refused",
        "refusal",
        refused=_gpu_or_nvme_refusal,
    ),
    KnownIssue(
        11,
        "images outside ECR or in another region, missing asset directories, model data that "
        "is a bucket or in another region are accepted",
        "refusal",
        unrefused=_location_rule,
    ),
    KnownIssue(
        11,
        "environment values are limited to 1024 bytes, SERVICE_RULES.md says characters "
        "(found by the sweep)",
        "refusal",
        refused=_bytes_refusal,
    ),
    KnownIssue(
        11,
        "tags are not validated",
        "refusal",
        unrefused=lambda _, where: where.fields == ("tags",),
    ),
    KnownIssue(
        11,
        "autoscaling on burstable instances is accepted",
        "refusal",
        unrefused=lambda _, where: (
            "auto_scale_instance_count" in where.fields and len(where.fields) > 1
        ),
    ),
    KnownIssue(
        11,
        "from_asset with a missing directory raises CDK's error when bound",
        "exception",
        lambda c: _has(c, lambda v: isinstance(v, AssetImage) and not v.exists),
    ),
    KnownIssue(
        11,
        "list-token subnets crash (CannotAddElementsListToken) when the policy is resolved",
        "exception",
        lambda c: _vpc(c, SubnetsKind.LIST_TOKEN),
    ),
    KnownIssue(
        11,
        "list-token subnets: cdk-nag's IAM5 rule throws on the execution policy (found by the "
        "sweep)",
        "check_cdk_nag",
        lambda c: _vpc(c, SubnetsKind.LIST_TOKEN),
    ),
    KnownIssue(
        11,
        "a subnet selection that selects no subnet raises CDK's error (found by the sweep)",
        "exception",
        lambda c: _vpc(c, SubnetsKind.NO_PUBLIC) or _no_subnets(c),
    ),
    KnownIssue(11, "W3005 with autoscaling", "check_cfn_lint", _scaled_without_endpoint_name),
    KnownIssue(
        11,
        "the same asset in two containers is listed twice in a statement",
        "check_policy_scope",
        _shared_asset,
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
