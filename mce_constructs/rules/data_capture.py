"""Data capture (CreateEndpointConfig `DataCaptureConfig`): destination, sampling, what is
captured and the content types, and the variants it captures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Problem
from .containers import DIRECT, MODEL_DATA_URL_PATTERN
from .location import Location
from .values import is_unknown, shown
from .variants import VariantSettings

SAMPLING_PERCENT = (0, 100)
CAPTURE_URI_MAX_LENGTH = 512
MAX_CAPTURE_CONTENT_TYPES = 10
CONTENT_TYPE_MAX_LENGTH = 256
CONTENT_TYPE_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9])*\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*")
CAPTURE_DIRECT_WARNING_ID = "mce-constructs:dataCaptureDirect"


@dataclass(frozen=True, kw_only=True)
class CaptureSettings:
    """`DataCaptureConfig`."""

    destination: str | None
    """`DestinationS3Uri`; None when it is checked where it is made (a bucket's prefix)."""
    sampling_percentage: int | None
    """`InitialSamplingPercentage`; None when known only at deploy time."""
    capture_input: bool
    capture_output: bool
    """`CaptureOptions`: `Input`, `Output`."""
    csv_content_types: Sequence[str]
    json_content_types: Sequence[str]
    """`CaptureContentTypeHeader`."""


def is_capture_destination(destination: str) -> bool:
    """`s3://<bucket>/<prefix>` (or `https://`), at most 512 characters; a token may be one."""
    return is_unknown(destination) or (
        len(destination) <= CAPTURE_URI_MAX_LENGTH
        and MODEL_DATA_URL_PATTERN.fullmatch(destination) is not None
    )


def destination_problem(where: Location, destination: object) -> Problem:
    """What is wrong with a destination that `is_capture_destination` refuses."""
    return where.problem(
        f"{shown(destination)} is not a valid capture destination: s3://<bucket>/<prefix>, "
        f"at most {CAPTURE_URI_MAX_LENGTH} characters"
    )


def sampling_problem(where: Location, sampling: object) -> Problem:
    """What is wrong with a sampling percentage out of range (or not a whole number)."""
    low, high = SAMPLING_PERCENT
    return where.problem(f"{shown(sampling)} given; a whole number from {low} to {high}")


def content_type_problem(where: Location, content_type: object) -> Problem:
    """What is wrong with a content type that is not one."""
    return where.problem(f"{shown(content_type)} is not a content type such as 'text/csv'")


def check_data_capture(capture: CaptureSettings, where: Location) -> list[Problem]:
    """Destination, sampling, what is captured and the content types."""
    at = where.field("DataCaptureConfig")
    problems = []
    destination = capture.destination
    if destination is not None and not is_capture_destination(destination):
        problems.append(destination_problem(at.field("DestinationS3Uri"), destination))
    sampling = capture.sampling_percentage
    low, high = SAMPLING_PERCENT
    if sampling is not None and not is_unknown(sampling) and not low <= sampling <= high:
        problems.append(sampling_problem(at.field("InitialSamplingPercentage"), sampling))
    if not capture.capture_input and not capture.capture_output:
        problems.append(
            at.field("CaptureOptions").problem(
                "capture_input and capture_output are both off; capture at least one of them"
            )
        )
    header = at.field("CaptureContentTypeHeader")
    for name, content_types in (
        ("CsvContentTypes", capture.csv_content_types),
        ("JsonContentTypes", capture.json_content_types),
    ):
        if len(content_types) > MAX_CAPTURE_CONTENT_TYPES:
            problems.append(
                header.field(name).problem(
                    f"{len(content_types)} content types given; at most {MAX_CAPTURE_CONTENT_TYPES}"
                )
            )
        problems.extend(
            content_type_problem(header.field(name), content_type)
            for content_type in content_types
            if not is_unknown(content_type)
            and not (
                len(content_type) <= CONTENT_TYPE_MAX_LENGTH
                and CONTENT_TYPE_PATTERN.fullmatch(content_type)
            )
        )
    return problems


def check_data_capture_in_direct_mode(
    variants: Sequence[VariantSettings | None], where: Location
) -> list[Problem]:
    """Data capture is documented for Serial pipelines only: warn for each Direct variant."""
    return [
        where.field("DataCaptureConfig").problem(
            f"variant {shown(variant.name)} invokes its containers Directly; the SageMaker "
            "Developer Guide documents data capture for Serial inference pipelines (captured "
            "for the pipeline as a whole), not for Direct mode: check what it captures before "
            "you rely on it",
            CAPTURE_DIRECT_WARNING_ID,
        )
        for variant in variants
        if variant is not None and variant.mode == DIRECT
    ]
