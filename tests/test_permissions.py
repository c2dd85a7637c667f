"""The pure pieces of the execution role's policy: locations, statements, acknowledgements."""

from __future__ import annotations

import pytest

from mce_constructs._locations import ecr_location, s3_location
from mce_constructs._permissions import (
    NAG_IAM5,
    BucketKey,
    Environment,
    ModelDataAccess,
    Network,
    Statement,
    acknowledgements,
    execution_statements,
    flatten_reference,
    image_statements,
    model_data_statements,
    network_statements,
    runtime_statements,
)

ENV = Environment("aws", "eu-west-1", "123456789012")


@pytest.mark.parametrize(
    ("uri", "location"),
    [
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1", ("123456789012", "us-east-1", "a")),
        (
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/b@sha256:00ff",
            ("123456789012", "cn-north-1", "team/b"),
        ),
        (
            "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/c",
            ("123456789012", "us-gov-west-1", "c"),
        ),
        (
            "123456789012.dkr-ecr.eu-west-1.on.aws/d:1",
            ("123456789012", "eu-west-1", "d"),
        ),
        ("registry.example.com/c:1", None),
        ("public.ecr.aws/lambda/python:3.12", None),
        ("${Token[TOKEN.12]}.dkr.ecr.us-east-1.amazonaws.com/a:1", None),
    ],
)
def test_ecr_location(uri: str, location: tuple[str, str, str] | None) -> None:
    assert ecr_location(uri) == location


@pytest.mark.parametrize(
    ("uri", "location"),
    [
        ("s3://bucket/a/model.tar.gz", ("bucket", "a/model.tar.gz", None)),
        (
            "https://my.bucket.s3.eu-west-1.amazonaws.com/k.tar.gz",
            ("my.bucket", "k.tar.gz", "eu-west-1"),
        ),
        ("https://bucket.s3.amazonaws.com/k.tar.gz", ("bucket", "k.tar.gz", None)),
        ("https://bucket.s3-us-west-2.amazonaws.com/k.tar.gz", ("bucket", "k.tar.gz", "us-west-2")),
        (
            "https://bucket.s3.dualstack.ap-south-1.amazonaws.com/a/k.tar.gz",
            ("bucket", "a/k.tar.gz", "ap-south-1"),
        ),
        (
            "https://bucket.s3-fips.dualstack.us-gov-west-1.amazonaws.com/k.tar.gz",
            ("bucket", "k.tar.gz", "us-gov-west-1"),
        ),
        ("https://s3.amazonaws.com/bucket/a/k.tar.gz", ("bucket", "a/k.tar.gz", None)),
        (
            "https://s3.cn-north-1.amazonaws.com.cn/bucket/k.tar.gz",
            ("bucket", "k.tar.gz", "cn-north-1"),
        ),
        (
            "https://s3.dualstack.eu-central-1.amazonaws.com/bucket/k.tar.gz",
            ("bucket", "k.tar.gz", "eu-central-1"),
        ),
        ("https://s3-external-1.amazonaws.com/bucket/k.tar.gz", ("bucket", "k.tar.gz", None)),
        ("s3://bucket-only", ("bucket-only", "", None)),
        ("s3://bucket-only/", ("bucket-only", "", None)),
        ("https://example.com/k.tar.gz", None),
        ("https://bucket.s3.example.com/k.tar.gz", None),
        ("s3://${Token[TOKEN.3]}/k.tar.gz", None),
    ],
)
def test_s3_location(uri: str, location: tuple[str, str, str | None] | None) -> None:
    assert s3_location(uri) == location


def test_image_statements_pull_each_repository_once_and_only_with_an_ecr_image() -> None:
    assert image_statements([]) == []
    pull, token = image_statements(["arn:repo/a", "arn:repo/b", "arn:repo/a"])
    assert pull.to_json() == {
        "Sid": "PullImages",
        "Effect": "Allow",
        "Action": [
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
        ],
        "Resource": ["arn:repo/a", "arn:repo/b"],
    }
    assert token.resources == ("*",)
    assert token.wildcard_reason is not None


def test_model_data_decrypts_each_key_only_through_s3_in_its_buckets_regions() -> None:
    accesses = [
        ModelDataAccess("arn:obj/1", BucketKey("arn:key/1", "eu-west-1")),
        ModelDataAccess("arn:obj/2", BucketKey("arn:key/2", "us-east-1")),
        ModelDataAccess("arn:obj/1", BucketKey("arn:key/1", "eu-west-1")),
        ModelDataAccess("arn:obj/3"),
    ]
    read, decrypt = model_data_statements(accesses)
    assert read.resources == ("arn:obj/1", "arn:obj/2", "arn:obj/3")
    assert decrypt.to_json() == {
        "Sid": "DecryptModelData",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": ["arn:key/1", "arn:key/2"],
        "Condition": {
            "StringEquals": {
                "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "s3.us-east-1.amazonaws.com"]
            }
        },
    }
    assert model_data_statements([ModelDataAccess("arn:obj/3")]) == [
        Statement("ReadModelData", ("s3:GetObject",), ("arn:obj/3",))
    ]


def test_logs_are_the_endpoint_group_or_the_endpoints_prefix_when_generated() -> None:
    named, metrics = runtime_statements(ENV, "recommender")
    generated, _ = runtime_statements(ENV, None)
    prefix = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/sagemaker/Endpoints/"
    assert named.resources == (f"{prefix}recommender:*",)
    assert generated.resources == (f"{prefix}*:*",)
    assert named.wildcard_reason != generated.wildcard_reason
    assert metrics.conditions == {
        "StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"}
    }


def test_network_interfaces_are_created_and_managed_only_in_the_given_subnets() -> None:
    describe, create, manage = network_statements(
        ENV, Network(subnet_ids=("subnet-1", "subnet-2"), security_group_ids=("sg-1",))
    )
    arn = "arn:aws:ec2:eu-west-1:123456789012:"
    assert describe.resources == ("*",)
    assert all(action.startswith("ec2:Describe") for action in describe.actions)
    assert create.resources == (
        f"{arn}network-interface/*",
        f"{arn}subnet/subnet-1",
        f"{arn}subnet/subnet-2",
        f"{arn}security-group/sg-1",
    )
    assert manage.conditions == {
        "ArnEquals": {"ec2:Subnet": [f"{arn}subnet/subnet-1", f"{arn}subnet/subnet-2"]}
    }


def test_execution_statements_in_order_with_a_token_name_treated_as_unknown() -> None:
    def sids(endpoint_name: str | None, network: Network | None) -> list[str]:
        statements = execution_statements(
            ENV,
            endpoint_name=endpoint_name,
            repository_arns=["arn:repo/a"],
            model_data=[ModelDataAccess("arn:obj/1", BucketKey("arn:key/1", "eu-west-1"))],
            network=network,
        )
        return [statement.sid for statement in statements]

    base = ["PullImages", "GetEcrToken", "ReadModelData", "DecryptModelData"]
    assert sids("name", None) == [*base, "WriteLogs", "PutMetrics"]
    network = Network(subnet_ids=("subnet-1",), security_group_ids=("sg-1",))
    assert sids("name", network) == [
        *base,
        "WriteLogs",
        "PutMetrics",
        "DescribeNetwork",
        "CreateNetworkInterfaces",
        "ManageNetworkInterfaces",
    ]
    (token_logs,) = [
        statement
        for statement in execution_statements(
            ENV,
            endpoint_name="${Token[TOKEN.7]}",
            repository_arns=[],
            model_data=[],
            network=None,
        )
        if statement.sid == "WriteLogs"
    ]
    assert token_logs == runtime_statements(ENV, None)[0]


def test_flatten_reference_spells_values_as_cdk_nag_does() -> None:
    value = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":x:", {"Fn::GetAtt": ["Key", "Arn"]}, "/*"],
        ]
    }
    assert flatten_reference(value) == "arn:<AWS::Partition>:x:<Key.Arn>/*"
    assert flatten_reference({"Fn::Sub": "a-${AWS::Region}"}) == "a-<AWS::Region>"
    assert flatten_reference({"Fn::ImportValue": "Out"}) == "Out"
    assert flatten_reference({"Fn::Select": [0, ["a"]]}) == '{"Fn::Select":[0,["a"]]}'


def test_acknowledgements_cover_only_explained_wildcards_and_share_one_per_finding() -> None:
    statements = [
        Statement("A", ("a:Get",), ("*",), wildcard_reason="A needs it."),
        Statement("B", ("b:Put",), ("*",), wildcard_reason="B needs it."),
        Statement("C", ("c:Get",), ("arn:c/*", "arn:c/exact"), wildcard_reason="C too."),
        Statement("D", ("d:Get",), ("arn:d/*",)),
    ]
    assert acknowledgements(statements, str) == {
        f"{NAG_IAM5}[Resource::*]": "A needs it. B needs it.",
        f"{NAG_IAM5}[Resource::arn:c/*]": "C too.",
    }
