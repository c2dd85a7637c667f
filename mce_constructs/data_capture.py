"""Data capture: the endpoint writes a sample of its requests and responses to S3
(`DataCaptureConfig`), e.g. for SageMaker Model Monitor.

A Serial pipeline is captured as a whole: the request to the first container and the response
of the last. The execution role writes the files, so it may put objects under exactly the
destination prefix (and encrypt them with the key, through S3 only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from aws_cdk import aws_sagemaker as sagemaker

from ._locations import s3_location
from ._permissions import CaptureAccess, Environment, s3_object_arn
from ._sources import SourceResource
from .errors import Problem
from .model_data import bucket_key
from .rules.arguments import (
    BUCKET,
    FLAG,
    KMS_KEY,
    TEXT,
    TEXT_LIST,
    check_optional,
    check_type,
    is_list,
)
from .rules.data_capture import (
    CaptureSettings,
    content_type_problem,
    destination_problem,
    is_capture_destination,
    sampling_problem,
)
from .rules.location import Location
from .rules.values import UNKNOWN, is_unknown, is_whole_number

if TYPE_CHECKING:
    # Imported where used, so that an app that does not use them does not pay for them.
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_s3 as s3


@dataclass(frozen=True)
class BoundCapture:
    """Data capture bound to an endpoint: the endpoint config's `DataCaptureConfig`, what the
    role needs to write the files (None for a destination that is a token or outside S3:
    nothing is granted), and the bucket of the app whose policy must allow it when it is in
    another account."""

    config: sagemaker.CfnEndpointConfig.DataCaptureConfigProperty
    access: CaptureAccess | None
    sources: tuple[SourceResource, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DataCapture:
    """Where and what the endpoint captures. Make one with `DataCapture.to_uri(...)` or
    `DataCapture.to_bucket(...)`."""

    destination_uri: str | None
    """The `s3://` destination given to `to_uri` (None for `to_bucket`)."""
    bucket: s3.IBucket | None
    """The bucket given to `to_bucket` (None for `to_uri`)."""
    prefix: str
    """The key prefix in `bucket` (`to_bucket`)."""
    sampling_percentage: int
    capture_input: bool
    capture_output: bool
    kms_key: kms.IKey | None
    csv_content_types: tuple[str, ...]
    json_content_types: tuple[str, ...]

    @staticmethod
    def to_uri(
        uri: str,
        *,
        sampling_percentage: int = 100,
        capture_input: bool = True,
        capture_output: bool = True,
        kms_key: kms.IKey | None = None,
        csv_content_types: Sequence[str] = (),
        json_content_types: Sequence[str] = (),
    ) -> DataCapture:
        """Capture to `s3://bucket/prefix` (at most 512 characters); the role may write
        under that prefix. Use `to_bucket` for a bucket encrypted with a key of its own.

        :param sampling_percentage: the share of requests captured, 0 to 100. @default 100
        :param capture_input: capture the requests. @default True
        :param capture_output: capture the responses (not both off). @default True
        :param kms_key: the key S3 encrypts the captured files with; the role may use it
            through S3 only. @default the bucket's default encryption
        :param csv_content_types: 1 to 10 content types captured as CSV text.
            @default none (the payload is captured base64-encoded)
        :param json_content_types: 1 to 10 content types captured as JSON text.
            @default none (the payload is captured base64-encoded)
        """
        return DataCapture(
            destination_uri=uri,
            bucket=None,
            prefix="",
            sampling_percentage=sampling_percentage,
            capture_input=capture_input,
            capture_output=capture_output,
            kms_key=kms_key,
            csv_content_types=_as_tuple(csv_content_types),
            json_content_types=_as_tuple(json_content_types),
        )

    @staticmethod
    def to_bucket(
        bucket: s3.IBucket,
        prefix: str = "",
        *,
        sampling_percentage: int = 100,
        capture_input: bool = True,
        capture_output: bool = True,
        kms_key: kms.IKey | None = None,
        csv_content_types: Sequence[str] = (),
        json_content_types: Sequence[str] = (),
    ) -> DataCapture:
        """Capture to `prefix` in `bucket` (of this app, or imported); the role may write
        under that prefix, and encrypt with the bucket's `encryption_key` through S3 when it
        has one. The options are those of `to_uri`.

        :param prefix: the key prefix. @default the whole bucket
        """
        return DataCapture(
            destination_uri=None,
            bucket=bucket,
            prefix=prefix,
            sampling_percentage=sampling_percentage,
            capture_input=capture_input,
            capture_output=capture_output,
            kms_key=kms_key,
            csv_content_types=_as_tuple(csv_content_types),
            json_content_types=_as_tuple(json_content_types),
        )

    def problems(self, where: Location) -> list[Problem]:
        """What is wrong with what the capture was given (`where`: the endpoint's options):
        the types, and a bucket's destination (the prefix named; the rules check a URI)."""
        at = where.field("DataCaptureConfig")
        problems = []
        if self.bucket is None and not isinstance(self.destination_uri, str):
            problems.append(destination_problem(at, self.destination_uri))
        problems += self._bucket_problems(at)
        sampling = self.sampling_percentage
        if not is_unknown(sampling) and not is_whole_number(sampling):
            problems.append(sampling_problem(at.field("InitialSamplingPercentage"), sampling))
        problems += check_type(self.capture_input, FLAG, at.field("capture_input"))
        problems += check_type(self.capture_output, FLAG, at.field("capture_output"))
        problems += check_optional(self.kms_key, KMS_KEY, at.field("kms_key"))
        for name, content_types in (
            ("CsvContentTypes", self.csv_content_types),
            ("JsonContentTypes", self.json_content_types),
        ):
            if not is_list(content_types):
                problems += check_type(content_types, TEXT_LIST, at.field(name))
                continue
            problems.extend(
                content_type_problem(at.field(name), content_type)
                for content_type in content_types
                if not isinstance(content_type, str)
            )
        return problems

    def _bucket_problems(self, where: Location) -> list[Problem]:
        """`to_bucket`: a bucket, a prefix, and the destination they make (skipped while the
        bucket's name is a token: its length is not known)."""
        if self.bucket is None:
            return []
        at = where.field("prefix")
        types = check_type(self.bucket, BUCKET, where.field("bucket"))
        types += check_type(self.prefix, TEXT, at)
        if types:
            return types
        destination = bucket_destination(self.bucket.bucket_name, self.prefix)
        return [] if is_capture_destination(destination) else [destination_problem(at, destination)]

    def settings(self) -> CaptureSettings:
        """What the rules read of the capture; a value of a wrong type (refused by `problems`)
        is left out."""
        sampling = self.sampling_percentage
        return CaptureSettings(
            destination=self.destination_uri if isinstance(self.destination_uri, str) else None,
            sampling_percentage=sampling if is_whole_number(sampling) else None,
            # A flag of a wrong type does not turn capture off.
            capture_input=self.capture_input is not False,
            capture_output=self.capture_output is not False,
            csv_content_types=_known(self.csv_content_types),
            json_content_types=_known(self.json_content_types),
        )

    def bind(self, env: Environment) -> BoundCapture:
        """The capture's configuration and what writing it needs, in the stack `env`."""
        keys = [] if self.kms_key is None else [self.kms_key.key_arn]
        access = None
        sources: tuple[SourceResource, ...] = ()
        if self.bucket is not None:
            prefix = self.prefix.strip("/")
            destination = bucket_destination(self.bucket.bucket_name, self.prefix)
            key = bucket_key(self.bucket)
            if key is not None:
                keys.append(key.key_arn)
            access = CaptureAccess(
                self.bucket.arn_for_objects(f"{prefix}/*" if prefix else "*"),
                tuple(keys),
                self.bucket.env.region,
            )
            sources = (
                SourceResource(
                    self.bucket,
                    ("s3:PutObject",),
                    (access.objects_arn,),
                    self.bucket.add_to_resource_policy,
                ),
            )
        else:
            destination = str(self.destination_uri)
            location = s3_location(destination)
            # Granted for an s3:// URI only, as the role's statement has always been.
            if location is not None and destination.startswith("s3://"):
                prefix = location.key.strip("/")
                objects = s3_object_arn(
                    env.partition, location.bucket, f"{prefix}/*" if prefix else "*"
                )
                access = CaptureAccess(objects, tuple(keys), env.region)
        return BoundCapture(self._config(destination, keys), access, sources)

    def _config(
        self, destination: str, keys: Sequence[str]
    ) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty:
        """The endpoint config's `DataCaptureConfig`."""
        content_types = None
        if self.csv_content_types or self.json_content_types:
            content_types = sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
                csv_content_types=list(self.csv_content_types) or None,
                json_content_types=list(self.json_content_types) or None,
            )
        return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
            enable_capture=True,
            destination_s3_uri=destination,
            initial_sampling_percentage=self.sampling_percentage,
            capture_options=[
                sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode=mode)
                for mode, captured in (
                    ("Input", self.capture_input),
                    ("Output", self.capture_output),
                )
                if captured
            ],
            capture_content_type_header=content_types,
            kms_key_id=keys[0] if self.kms_key is not None else None,
        )


def bucket_destination(bucket_name: str, prefix: str) -> str:
    """The `DestinationS3Uri` of `prefix` in the bucket named `bucket_name` (`to_bucket`): a
    token while the name is one (a bucket of the app)."""
    return f"s3://{bucket_name}/{prefix.strip('/')}".rstrip("/")


def _known(content_types: object) -> tuple[str, ...]:
    """The content types when they are a list, each of a wrong type read as one not known."""
    if not is_list(content_types):
        return ()
    items: Sequence[object] = cast(Sequence[object], content_types)
    return tuple(item if isinstance(item, str) else UNKNOWN for item in items)


def _as_tuple(content_types: Iterable[str]) -> tuple[str, ...]:
    """The caller's content types as a tuple; a value of a wrong type (None, a str) is kept
    as it is, for the endpoint's validation to name it."""
    if isinstance(content_types, Iterable) and not isinstance(content_types, str | bytes):
        return tuple(content_types)
    return cast(tuple[str, ...], content_types)
