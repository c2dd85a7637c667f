"""Data capture: the endpoint config's `DataCaptureConfig`, what the execution role may do to
write the files, and the warning for Direct mode."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import aws_cdk.cx_api as cxapi
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from mce_constructs import (
    DataCapture,
    InvocationMode,
    MultiContainerEndpoint,
    VariantDefinition,
)
from mce_constructs.rules.data_capture import CAPTURE_DIRECT_WARNING_ID
from mce_constructs.scaling import SCALED_CAPTURE_WARNING

from ._service_model import api_parameters, botocore_validate
from .conftest import Template, assert_lint_clean, containers, logical_id, properties_of

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SERIAL = containers("pre", "model")
DIRECT = containers("a", "b", hostnames=True)
PARTITION = {"Ref": "AWS::Partition"}
VIA_S3 = {
    "StringEquals": {
        "kms:ViaService": {"Fn::Join": ["", ["s3.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
    }
}


class Built:
    def __init__(self) -> None:
        app = cdk.App()
        stack = self.stack = cdk.Stack(app, "Capture")
        self.uri = MultiContainerEndpoint(
            stack,
            "ToUri",
            containers=SERIAL,
            data_capture=DataCapture.to_uri(
                "s3://capture-bucket/fraud/",
                sampling_percentage=20,
                kms_key=kms.Key.from_key_arn(stack, "CaptureKey", KEY_ARN),
                csv_content_types=["text/csv"],
                json_content_types=["application/json", "application/jsonlines"],
            ),
        )
        self.bucket_key = kms.Key(stack, "BucketKey", enable_key_rotation=True)
        self.bucket = s3.Bucket(
            stack,
            "Captured",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.bucket_key,
            enforce_ssl=True,
        )
        self.to_bucket = MultiContainerEndpoint(
            stack,
            "ToBucket",
            containers=SERIAL,
            data_capture=DataCapture.to_bucket(
                self.bucket, "captured/fraud", capture_output=False, sampling_percentage=0
            ),
        )
        self.whole_bucket = MultiContainerEndpoint(
            stack,
            "WholeBucket",
            containers=SERIAL,
            data_capture=DataCapture.to_bucket(
                s3.Bucket.from_bucket_name(stack, "Imported", "imported-capture")
            ),
        )
        self.direct = MultiContainerEndpoint(
            stack,
            "Direct",
            containers=DIRECT,
            mode=InvocationMode.DIRECT,
            data_capture=DataCapture.to_uri("s3://capture-bucket/direct"),
        )
        self.ab = MultiContainerEndpoint(
            stack,
            "Ab",
            variants=[
                VariantDefinition(name="pipeline", containers=SERIAL),
                VariantDefinition(name="direct", containers=DIRECT, mode=InvocationMode.DIRECT),
            ],
            data_capture=DataCapture.to_uri("s3://capture-bucket/ab"),
        )
        # In a stack of its own: its warnings are not the ones the other tests count.
        self.scaled = MultiContainerEndpoint(
            cdk.Stack(app, "ScaledCapture"),
            "Scaled",
            containers=SERIAL,
            data_capture=DataCapture.to_uri("s3://capture-bucket/scaled"),
        )
        self.scaled.auto_scale_instance_count(max_capacity=3)
        assembly = app.synth()
        self.artifact = assembly.get_stack_by_name("Capture")
        self.scaled_template: Template = assembly.get_stack_by_name("ScaledCapture").template
        self.template: Template = self.artifact.template

    def capture_statements(self, endpoint: MultiContainerEndpoint) -> list[dict[str, Any]]:
        policy = endpoint.node.find_child("ExecutionPolicy")
        statements: list[dict[str, Any]] = properties_of(self.template, policy)["PolicyDocument"][
            "Statement"
        ]
        return [s for s in statements if s["Sid"] in ("WriteCapturedData", "EncryptCapturedData")]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_capture_to_a_uri_with_a_key_and_content_types(built: Built) -> None:
    assert properties_of(built.template, built.uri.endpoint_config)["DataCaptureConfig"] == {
        "EnableCapture": True,
        "DestinationS3Uri": "s3://capture-bucket/fraud/",
        "InitialSamplingPercentage": 20,
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {
            "CsvContentTypes": ["text/csv"],
            "JsonContentTypes": ["application/json", "application/jsonlines"],
        },
        "KmsKeyId": KEY_ARN,
    }
    assert built.capture_statements(built.uri) == [
        {
            "Sid": "WriteCapturedData",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Join": ["", ["arn:", PARTITION, ":s3:::capture-bucket/fraud/*"]]},
        },
        {
            "Sid": "EncryptCapturedData",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Encrypt"],
            "Resource": KEY_ARN,
            "Condition": VIA_S3,
        },
    ]


def test_capture_to_a_bucket_of_the_app_writes_under_its_prefix_with_its_key(
    built: Built,
) -> None:
    bucket = logical_id(built.bucket)
    assert properties_of(built.template, built.to_bucket.endpoint_config)["DataCaptureConfig"] == {
        "EnableCapture": True,
        "DestinationS3Uri": {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/captured/fraud"]]},
        "InitialSamplingPercentage": 0,
        "CaptureOptions": [{"CaptureMode": "Input"}],
    }
    assert built.capture_statements(built.to_bucket) == [
        {
            "Sid": "WriteCapturedData",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/captured/fraud/*"]]},
        },
        {
            "Sid": "EncryptCapturedData",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Encrypt"],
            "Resource": {"Fn::GetAtt": [logical_id(built.bucket_key), "Arn"]},
            "Condition": VIA_S3,
        },
    ]


def test_capture_to_a_whole_bucket(built: Built) -> None:
    config = properties_of(built.template, built.whole_bucket.endpoint_config)["DataCaptureConfig"]
    assert config["DestinationS3Uri"] == "s3://imported-capture"
    assert built.capture_statements(built.whole_bucket) == [
        {
            "Sid": "WriteCapturedData",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Join": ["", ["arn:", PARTITION, ":s3:::imported-capture/*"]]},
        }
    ]


def test_direct_mode_is_warned_about_once_per_direct_variant(built: Built) -> None:
    warnings = [
        (message.id, str(message.entry.data))
        for message in built.artifact.messages
        if message.level is cxapi.SynthesisMessageLevel.WARNING
    ]

    def warning(variant: str) -> str:
        return (
            f"data_capture: variant {variant!r} invokes its containers Directly; the SageMaker "
            "Developer Guide documents data capture for Serial inference pipelines (captured "
            "for the pipeline as a whole), not for Direct mode: check what it captures before "
            f"you rely on it [ack: {CAPTURE_DIRECT_WARNING_ID}]"
        )

    assert warnings == [
        ("/Capture/Direct", warning("AllTraffic")),
        ("/Capture/Ab", warning("direct")),
    ]
    # Still rendered: a warning, not a refusal.
    assert "DataCaptureConfig" in properties_of(built.template, built.direct.endpoint_config)


def test_the_template_passes_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)


@pytest.mark.parametrize("name", ["uri", "to_bucket", "whole_bucket", "direct", "ab"])
def test_the_configs_pass_botocore_validation(built: Built, name: str) -> None:
    endpoint: MultiContainerEndpoint = getattr(built, name)
    botocore_validate(
        "CreateEndpointConfig",
        api_parameters(properties_of(built.template, endpoint.endpoint_config)),
    )


def test_a_scaled_endpoint_with_data_capture_warns_that_a_capture_change_is_unsure(
    built: Built,
) -> None:
    """DataCaptureConfig is never listed among the properties an update applies: the API
    reference and CloudFormation mark it "(Not currently supported.)". A warning says that no
    source tells whether a changed capture setting is applied with RetainAllVariantProperties."""
    properties = properties_of(built.scaled_template, built.scaled.endpoint)
    assert properties["ExcludeRetainedVariantProperties"] == [
        {"VariantPropertyType": "DesiredWeight"},
    ]
    warnings = [
        str(entry.data) for entry in built.scaled.node.metadata if entry.type == "aws:cdk:warning"
    ]
    assert [w for w in warnings if "[ack: mce-constructs:scaledDataCapture]" in w] == [
        f"{SCALED_CAPTURE_WARNING} [ack: mce-constructs:scaledDataCapture]"
    ]
