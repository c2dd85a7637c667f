"""Data capture: destination, sampling, what is captured and the content types, checked on what
a `DataCapture` is given (`problems`) and says of itself (`settings`); and the variants it
captures."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from mce_constructs import DataCapture
from mce_constructs.rules.data_capture import (
    CAPTURE_DIRECT_WARNING_ID,
    CAPTURE_URI_MAX_LENGTH,
    check_data_capture,
    check_data_capture_in_direct_mode,
)
from mce_constructs.rules.location import ROOT
from mce_constructs.rules.variants import VariantSettings

from ..conftest import lines, number_token, string_token

BUCKET = s3.Bucket.from_bucket_name(cdk.Stack(), "Bucket", "models")


def capture_to(**options: Any) -> DataCapture:
    return DataCapture.to_uri("s3://capture/fraud", **options)


def problems(capture: DataCapture) -> list[str]:
    """What the endpoint finds in `capture`: what it was given, then the rules."""
    return lines([*capture.problems(ROOT), *check_data_capture(capture.settings(), ROOT)])


def direct(*modes: str | None) -> list[str]:
    variants = [VariantSettings(name=f"v{index}", mode=mode) for index, mode in enumerate(modes)]
    return lines(check_data_capture_in_direct_mode(variants, ROOT))


EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: problems(DataCapture.to_uri("ftp://capture/fraud")),
        "data_capture: 'ftp://capture/fraud' is not a valid capture destination: "
        "s3://<bucket>/<prefix>, at most 512 characters",
    ),
    (
        lambda: problems(capture_to(sampling_percentage=101)),
        "data_capture.sampling_percentage: 101 given; a whole number from 0 to 100",
    ),
    (
        lambda: problems(capture_to(capture_input=False, capture_output=False)),
        "data_capture: capture_input and capture_output are both off; capture at least one of them",
    ),
    (
        lambda: problems(capture_to(json_content_types=["application json"])),
        "data_capture.json_content_types: 'application json' is not a content type such as "
        "'text/csv'",
    ),
    (
        lambda: problems(capture_to(csv_content_types=[f"text/csv{index}" for index in range(11)])),
        "data_capture.csv_content_types: 11 content types given; at most 10",
    ),
]
WARNING_EXAMPLES = [
    (
        lambda: check_data_capture_in_direct_mode(
            [VariantSettings(name="AllTraffic", mode="Direct")], ROOT
        ),
        CAPTURE_DIRECT_WARNING_ID,
        "data_capture: variant 'AllTraffic' invokes its containers Directly; the SageMaker "
        "Developer Guide documents data capture for Serial inference pipelines (captured for "
        "the pipeline as a whole), not for Direct mode: check what it captures before you rely "
        "on it",
    ),
]


@pytest.mark.parametrize(
    ("options", "accepted"),
    [
        ({}, True),
        ({"sampling_percentage": 0}, True),
        ({"sampling_percentage": 100}, True),
        ({"sampling_percentage": -1}, False),
        ({"sampling_percentage": 50.5}, False),
        ({"sampling_percentage": True}, False),
        ({"sampling_percentage": number_token()}, True),
        ({"capture_input": False}, True),
        ({"capture_output": False}, True),
        ({"csv_content_types": ["text/csv", "application/x-csv"]}, True),
        ({"json_content_types": [f"application/json{index}" for index in range(10)]}, True),
        ({"json_content_types": ["application/vnd.api+json"]}, False),
        ({"csv_content_types": [string_token()]}, True),
    ],
)
def test_capture_options(options: dict[str, Any], accepted: bool) -> None:
    assert (problems(capture_to(**options)) == []) is accepted


@pytest.mark.parametrize(
    ("destination", "accepted"),
    [
        ("s3://capture", True),
        ("s3://capture/fraud/", True),
        ("s3://capture/" + "k" * (CAPTURE_URI_MAX_LENGTH - len("s3://capture/")), True),
        ("s3://capture/" + "k" * (CAPTURE_URI_MAX_LENGTH + 1 - len("s3://capture/")), False),
        ("capture/fraud", False),
        (f"s3://{string_token()}/fraud", True),
    ],
)
def test_capture_destination(destination: str, accepted: bool) -> None:
    assert (problems(DataCapture.to_uri(destination)) == []) is accepted


@pytest.mark.parametrize(
    ("prefix", "accepted"),
    [
        ("k" * (CAPTURE_URI_MAX_LENGTH - len("s3://models/")), True),
        ("/" + "k" * (CAPTURE_URI_MAX_LENGTH - len("s3://models/")) + "/", True),
        ("k" * (CAPTURE_URI_MAX_LENGTH + 1 - len("s3://models/")), False),
        (string_token() + "k" * CAPTURE_URI_MAX_LENGTH, True),
    ],
)
def test_capture_destination_in_a_bucket(prefix: str, accepted: bool) -> None:
    """`s3://<bucket name>/<prefix>`, its slashes trimmed, at most 512 characters."""
    destination = f"s3://models/{prefix.strip('/')}"
    shown = repr(destination) if len(destination) <= 256 else f"{destination[:256]!r}"
    found = problems(DataCapture.to_bucket(BUCKET, prefix))
    assert (found == []) is accepted
    if not accepted:
        assert found[0].startswith(f"data_capture.prefix: {shown}")
        assert found[0].endswith(
            "is not a valid capture destination: s3://<bucket>/<prefix>, at most "
            f"{CAPTURE_URI_MAX_LENGTH} characters"
        )


def test_capture_destination_in_a_bucket_named_by_a_token_is_not_guessed() -> None:
    """A bucket of the app is named by CloudFormation: the length is known only then."""
    bucket = s3.Bucket(cdk.Stack(), "Capture")
    assert problems(DataCapture.to_bucket(bucket, "k" * CAPTURE_URI_MAX_LENGTH)) == []


def test_capture_is_warned_about_for_each_direct_variant_only() -> None:
    assert direct("Serial") == []
    assert [line.split(";")[0] for line in direct("Serial", "Direct", None)] == [
        "data_capture: variant 'v1' invokes its containers Directly"
    ]
