"""Images from a private registry (pulled through the VPC, with a credentials provider) and
uncompressed model data under a key prefix: the template and what the execution role may do."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3

from mce_constructs import ContainerDefinition, ContainerImage, ModelData, MultiContainerEndpoint

from ._service_model import api_parameters, botocore_validate
from .conftest import (
    REGISTRY,
    Template,
    assert_lint_clean,
    encrypted_bucket,
    imported_vpc,
    logical_id,
    new_stack,
    properties_of,
)

PROVIDER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:registry-credentials"
PARTITION = {"Ref": "AWS::Partition"}


def s3_arn(resource: str) -> dict[str, Any]:
    return {"Fn::Join": ["", ["arn:", PARTITION, f":s3:::{resource}"]]}


class Built:
    def __init__(self) -> None:
        app = cdk.App()
        stack = self.stack = cdk.Stack(app, "Sources")
        vpc = imported_vpc(stack)
        provider = lambda_.Function.from_function_arn(stack, "Credentials", PROVIDER_ARN)
        self.private = MultiContainerEndpoint(
            stack,
            "Private",
            vpc=vpc,
            containers=[
                ContainerDefinition(
                    image=ContainerImage.from_private_registry(
                        "registry.example.com/team/ranker:1.4", credentials_provider=provider
                    )
                ),
                ContainerDefinition(
                    image=ContainerImage.from_private_registry("public.ecr.aws/acme/post:2")
                ),
                ContainerDefinition(image=f"{REGISTRY}/pre:1"),
            ],
        )
        self.key = kms.Key(stack, "ModelKey", enable_key_rotation=True)
        encrypted = encrypted_bucket(stack, self.key)
        self.encrypted_bucket = encrypted
        plain = s3.Bucket.from_bucket_name(stack, "Plain", "plain-models")
        self.prefixes = MultiContainerEndpoint(
            stack,
            "Prefixes",
            containers=[
                ContainerDefinition(
                    image=f"{REGISTRY}/llm:1",
                    model_data=ModelData.from_s3_prefix("s3://models-a/fraud/v2/"),
                ),
                ContainerDefinition(
                    image=f"{REGISTRY}/ranker:1",
                    model_data=ModelData.from_bucket_prefix(encrypted, "ranker/v3/"),
                ),
                ContainerDefinition(
                    image=f"{REGISTRY}/embedder:1",
                    model_data=ModelData.from_bucket_prefix(plain, "embedder/"),
                ),
                ContainerDefinition(
                    image=f"{REGISTRY}/tagger:1",
                    model_data=ModelData.from_s3_prefix("s3://models-a/tagger/"),
                ),
                ContainerDefinition(
                    image=f"{REGISTRY}/post:1",
                    model_data=ModelData.from_uri("s3://models-a/post/model.tar.gz"),
                ),
            ],
        )
        self.template: Template = app.synth().get_stack_by_name("Sources").template

    def statements(self, endpoint: MultiContainerEndpoint) -> dict[str, dict[str, Any]]:
        policy = endpoint.node.find_child("ExecutionPolicy")
        return {
            statement["Sid"]: statement
            for statement in properties_of(self.template, policy)["PolicyDocument"]["Statement"]
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def test_private_registry_images_are_pulled_through_the_vpc(built: Built) -> None:
    containers = properties_of(built.template, built.private.model)["Containers"]
    assert containers == [
        {
            "Image": "registry.example.com/team/ranker:1.4",
            "ImageConfig": {
                "RepositoryAccessMode": "Vpc",
                "RepositoryAuthConfig": {"RepositoryCredentialsProviderArn": PROVIDER_ARN},
            },
        },
        {"Image": "public.ecr.aws/acme/post:2", "ImageConfig": {"RepositoryAccessMode": "Vpc"}},
        {"Image": f"{REGISTRY}/pre:1"},
    ]
    assert "VpcConfig" in properties_of(built.template, built.private.model)


def test_the_role_may_invoke_exactly_the_credentials_provider(built: Built) -> None:
    statements = built.statements(built.private)
    assert statements["InvokeCredentialsProviders"] == {
        "Sid": "InvokeCredentialsProviders",
        "Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": PROVIDER_ARN,
    }
    # The ECR pull covers the one image in ECR; the private-registry images need no ECR grant.
    assert statements["PullImages"]["Resource"] == {
        "Fn::Join": ["", ["arn:", PARTITION, ":ecr:us-east-1:123456789012:repository/pre"]]
    }


def test_prefixes_are_uncompressed_model_data_sources(built: Built) -> None:
    containers = properties_of(built.template, built.prefixes.model)["Containers"]

    def source(uri: Any) -> dict[str, Any]:
        return {"S3DataSource": {"S3Uri": uri, "S3DataType": "S3Prefix", "CompressionType": "None"}}

    bucket = {"Ref": logical_id(built.encrypted_bucket)}
    assert [container.get("ModelDataSource") for container in containers] == [
        source("s3://models-a/fraud/v2/"),
        source({"Fn::Join": ["", ["s3://", bucket, "/ranker/v3/"]]}),
        source("s3://plain-models/embedder/"),
        source("s3://models-a/tagger/"),
        None,
    ]
    assert [("ModelDataUrl" in container) for container in containers] == [False] * 4 + [True]


def test_the_role_reads_and_lists_exactly_under_the_prefixes(built: Built) -> None:
    statements = built.statements(built.prefixes)
    bucket_arn = {"Fn::GetAtt": [logical_id(built.encrypted_bucket), "Arn"]}
    assert statements["ReadModelData"]["Resource"] == s3_arn("models-a/post/model.tar.gz")
    assert statements["ReadModelDataPrefixes"] == {
        "Sid": "ReadModelDataPrefixes",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": [
            s3_arn("models-a/fraud/v2/*"),
            {"Fn::Join": ["", [bucket_arn, "/ranker/v3/*"]]},
            s3_arn("plain-models/embedder/*"),
            s3_arn("models-a/tagger/*"),
        ],
    }
    # Each bucket is listed only under its own prefixes.
    listings = {
        sid: (statement["Resource"], statement["Condition"])
        for sid, statement in statements.items()
        if statement["Action"] == "s3:ListBucket"
    }
    assert listings == {
        "ListModelDataPrefixes": (
            s3_arn("models-a"),
            {"StringLike": {"s3:prefix": ["fraud/v2/*", "tagger/*"]}},
        ),
        "ListModelDataPrefixes1": (bucket_arn, {"StringLike": {"s3:prefix": "ranker/v3/*"}}),
        "ListModelDataPrefixes2": (
            s3_arn("plain-models"),
            {"StringLike": {"s3:prefix": "embedder/*"}},
        ),
    }
    assert statements["DecryptModelData"] == {
        "Sid": "DecryptModelData",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": {"Fn::GetAtt": [logical_id(built.key), "Arn"]},
        "Condition": {
            "StringEquals": {
                "kms:ViaService": {
                    "Fn::Join": ["", ["s3.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]
                }
            }
        },
    }


def test_the_template_passes_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)


@pytest.mark.parametrize("name", ["private", "prefixes"])
def test_the_models_pass_botocore_validation(built: Built, name: str) -> None:
    endpoint: MultiContainerEndpoint = getattr(built, name)
    botocore_validate("CreateModel", api_parameters(properties_of(built.template, endpoint.model)))


def test_a_key_with_a_leading_slash_is_granted_as_the_url_writes_it() -> None:
    """`s3_url_for_object` drops one leading '/' of the key: the grants name the object
    SageMaker reads (`models/m.tar.gz`), not `bucket//models/m.tar.gz`."""
    stack = new_stack("Slash")
    bucket = s3.Bucket.from_bucket_name(stack, "Plain", "plain-models")
    endpoint = MultiContainerEndpoint(
        stack,
        "Slash",
        containers=[
            ContainerDefinition(
                image=f"{REGISTRY}/a:1",
                model_data=ModelData.from_bucket(bucket, "/models/m.tar.gz"),
            ),
            ContainerDefinition(
                image=f"{REGISTRY}/b:1",
                model_data=ModelData.from_bucket_prefix(bucket, "/prefixed/"),
            ),
        ],
    )
    template: Template = dict(cdk.assertions.Template.from_stack(stack).to_json())
    model = properties_of(template, endpoint.model)
    urls = [container.get("ModelDataUrl") for container in model["Containers"]]
    assert urls[0] == "s3://plain-models/models/m.tar.gz"
    assert model["Containers"][1]["ModelDataSource"]["S3DataSource"]["S3Uri"] == (
        "s3://plain-models/prefixed/"
    )
    policy = properties_of(template, endpoint.node.find_child("ExecutionPolicy"))
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert statements["ReadModelData"]["Resource"] == s3_arn("plain-models/models/m.tar.gz")
    assert statements["ReadModelDataPrefixes"]["Resource"] == s3_arn("plain-models/prefixed/*")
    assert statements["ListModelDataPrefixes"]["Condition"] == {
        "StringLike": {"s3:prefix": "prefixed/*"}
    }
