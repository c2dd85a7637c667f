"""Data capture: the endpoint writes a sample of its requests and responses to S3
(`DataCaptureConfig`), e.g. for SageMaker Model Monitor.

A Serial pipeline is captured as a whole: the request to the first container and the response
of the last. The execution role writes the files, so it may put objects under exactly the
destination prefix (and encrypt them with the key, through S3 only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from aws_cdk import aws_sagemaker as sagemaker

from ._permissions import CaptureAccess, Environment, s3_object_arn
from ._tokens import is_unresolved
from .container import SourceResource, _bucket_key

if TYPE_CHECKING:
    # Imported where used, so that an app that does not use them does not pay for them.
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_s3 as s3

_S3_DESTINATION = re.compile(r"^s3://(?P<bucket>[^/]+)/?(?P<prefix>.*)$")


@dataclass(frozen=True)
class _BoundCapture:
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

    def _bind(self, env: Environment) -> _BoundCapture:
        """The capture's configuration and what writing it needs, in the stack `env`."""
        keys = [] if self.kms_key is None else [self.kms_key.key_arn]
        access = None
        sources: tuple[SourceResource, ...] = ()
        if self.bucket is not None:
            prefix = self.prefix.strip("/")
            destination = bucket_destination(self.bucket.bucket_name, self.prefix)
            bucket_key = _bucket_key(self.bucket)
            if bucket_key is not None:
                keys.append(bucket_key.key_arn)
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
            match = None if is_unresolved(destination) else _S3_DESTINATION.match(destination)
            if match:
                prefix = match["prefix"].strip("/")
                objects = s3_object_arn(
                    env.partition, match["bucket"], f"{prefix}/*" if prefix else "*"
                )
                access = CaptureAccess(objects, tuple(keys), env.region)
        content_types = None
        if self.csv_content_types or self.json_content_types:
            content_types = sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
                csv_content_types=list(self.csv_content_types) or None,
                json_content_types=list(self.json_content_types) or None,
            )
        config = sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
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
        return _BoundCapture(config, access, sources)


def bucket_destination(bucket_name: str, prefix: str) -> str:
    """The `DestinationS3Uri` of `prefix` in the bucket named `bucket_name` (`to_bucket`): a
    token while the name is one (a bucket of the app)."""
    return f"s3://{bucket_name}/{prefix.strip('/')}".rstrip("/")


def _as_tuple(content_types: Iterable[str]) -> tuple[str, ...]:
    """The caller's content types as a tuple; a value of a wrong type (None, a str) is kept
    as it is, for the endpoint's validation to name it."""
    if isinstance(content_types, Iterable) and not isinstance(content_types, str | bytes):
        return tuple(content_types)
    return cast(tuple[str, ...], content_types)
