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
    Capture,
    Case,
    Container,
    PrivateRegistryImage,
    Tok,
    UriModelData,
    Variant,
    Where,
    Wrong,
    literal,
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


def _capture(test: Callable[[Capture], bool]) -> Callable[[Case], bool]:
    """Whether the case's data capture passes `test`."""

    def applies(case: Case) -> bool:
        capture = case.option(Capture)
        return capture is not None and test(capture)

    return applies


def _containers(case: Case) -> Iterator[Container]:
    """Every container of the case, in either form."""
    yield from case.container_list()
    for variant in case.variant_list():
        if not isinstance(variant.containers, Wrong):
            yield from variant.containers


def _any_container(test: Callable[[Container], bool]) -> Callable[[Case], bool]:
    return lambda case: any(test(container) for container in _containers(case))


def _prefix_of_wrong_type(container: Container) -> bool:
    data = container.model_data
    return isinstance(data, UriModelData) and data.prefix and isinstance(data.uri, Wrong)


def _provider_of_wrong_type(container: Container) -> bool:
    image = container.image
    return isinstance(image, PrivateRegistryImage) and isinstance(image.provider, Wrong)


def _prefix_outside_s3(case: Case, where: Where) -> bool:
    """A `from_s3_prefix` URL outside S3 (no bucket to parse) without its final '/'."""
    containers = case.containers_of(where.variant)
    if where.fields != ("model_data",) or where.container is None:
        return False
    if where.container >= len(containers):
        return False
    data = containers[where.container].model_data
    text = literal(data.uri) if isinstance(data, UriModelData) and data.prefix else None
    return text is not None and not text.startswith("s3://") and ".s3." not in text


def _token_name_and_its_index(case: Case) -> bool:
    """A variant named by a token at index i, and another named 'i' (both ids end '-i')."""
    given = case.variants if isinstance(case.variants, tuple) else ()
    indexes = {
        str(index)
        for index, variant in enumerate(given)
        if isinstance(variant, Variant) and isinstance(variant.name, Tok)
    }
    return any(literal(variant.name) in indexes for variant in case.variant_list())


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        13,
        "RuntimeError There is already a Construct with name 'Model-0' (a variant named by a "
        "token at index 0 and another named '0': variants.id_suffix gives both '-0')",
        "exception",
        _token_name_and_its_index,
    ),
    KnownIssue(
        13,
        "AttributeError 'str' object has no attribute 'key_arn' (DataCapture's kms_key of the "
        "wrong type, in DataCapture._bind)",
        "exception",
        _capture(lambda capture: isinstance(capture.kms_key, Wrong)),
    ),
    KnownIssue(
        13,
        "TypeError 'NoneType' object is not iterable (DataCapture.to_uri/to_bucket with "
        "csv_content_types=None)",
        "exception",
        _capture(lambda capture: isinstance(capture.csv_content_types, Wrong)),
    ),
    KnownIssue(
        13,
        "TypeError expected string or bytes-like object (ModelData.from_s3_prefix of the wrong "
        "type, in container.s3_location)",
        "exception",
        _any_container(_prefix_of_wrong_type),
    ),
    KnownIssue(
        13,
        "AttributeError 'str' object has no attribute 'function_arn' (from_private_registry's "
        "credentials_provider of the wrong type, when the image is bound)",
        "exception",
        _any_container(_provider_of_wrong_type),
    ),
    KnownIssue(
        13,
        "DataCapture's kms_key of the wrong type is not named when another problem is",
        "refusal",
        unrefused=lambda _, where: where.fields[0] == "data_capture.kms_key",
    ),
    KnownIssue(
        13,
        "from_private_registry's credentials_provider of the wrong type is not named when "
        "another problem is",
        "refusal",
        unrefused=lambda _, where: where.fields[0] == "credentials_provider",
    ),
    KnownIssue(
        13,
        "DataCapture's capture_input of the wrong type ('no') is accepted (and captures)",
        "refusal",
        unrefused=lambda _, where: where.fields[0] == "data_capture.capture_input",
    ),
    KnownIssue(
        13,
        "DataCapture.to_bucket: a destination over 512 characters (DestinationS3Uri) is accepted",
        "refusal",
        unrefused=lambda _, where: where.fields[0] == "data_capture.prefix",
    ),
    KnownIssue(
        13,
        "ModelData.from_s3_prefix: a URL outside S3 that does not end with '/' is accepted",
        "refusal",
        unrefused=_prefix_outside_s3,
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
