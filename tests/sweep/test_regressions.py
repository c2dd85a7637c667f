"""The sweep's failures, shrunk, as plain examples (checked with no known issue excused).

Each waits for the fix of its issue as a strict `xfail`: when the fix lands, the example passes,
pytest reports the strict xfail as failed, and the marker (and the matching entry of
`known_issues.py`) is removed, so the example stays as a regression test.
"""

from __future__ import annotations

from typing import Any

import pytest

from mce_constructs import InvocationMode

from .model import (
    AssetImage,
    Assets,
    Case,
    Container,
    EndpointName,
    Environment,
    EscapeHatch,
    Filler,
    InstanceType,
    Isolation,
    Kms,
    RegistryImage,
    Role,
    RoleKind,
    Scaling,
    SubnetsKind,
    Tags,
    Tok,
    TokKind,
    UriModelData,
    Vpc,
    Wrong,
)
from .strategies import Mutation, Scope
from .test_sweep import check_case, check_names

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"


def one(**fields: Any) -> tuple[Container, ...]:
    """One container: an ECR image unless `fields` say otherwise."""
    return (Container(**{"image": RegistryImage(ECR), **fields}),)


def issue_11(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"issue 11: {reason}")


CASES = [
    # Refused though SERVICE_RULES.md allows GPU instances for Serial pipelines:
    # "instance_type: 'ml.g4dn.xlarge' is an accelerated ... instance type".
    pytest.param(
        Case(one(), options=(InstanceType("ml.g4dn.xlarge"),)),
        marks=issue_11("GPU refused"),
        id="gpu-serial",
    ),
    # Refused: "the value is 1200 bytes; at most 1024 bytes (UTF-8)"; SERVICE_RULES.md and
    # the service model limit a value to 1024 characters.
    pytest.param(
        Case(one(environment=Environment((("A", Filler("é", 600)),)))),
        marks=issue_11("environment value counted in bytes (found by the sweep)"),
        id="env-value-600-characters",
    ),
    # Accepted, SageMaker refuses an image outside ECR without the private-registry source.
    pytest.param(
        Case(one(image=RegistryImage("nginx:latest"))),
        marks=issue_11("image outside ECR accepted"),
        id="image-outside-ecr",
    ),
    # Accepted, SageMaker refuses an ECR image of another region than the model's.
    pytest.param(
        Case(
            one(image=RegistryImage("123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1")),
            region="us-east-1",
        ),
        marks=issue_11("ECR image of another region accepted"),
        id="image-other-region",
    ),
    # Accepted: a bucket is not an artifact.
    pytest.param(
        Case(one(model_data=UriModelData("s3://bucket/"))),
        marks=issue_11("s3://bucket/ accepted"),
        id="model-data-bucket",
    ),
    # Accepted: a tag key may not start with "aws:".
    pytest.param(
        Case(one(), options=(Tags((("aws:team", "a"),)),)),
        marks=issue_11("tags not validated"),
        id="tag-aws-prefix",
    ),
    # Accepted: burstable instances cannot be autoscaled.
    pytest.param(
        Case(one(), options=(InstanceType("ml.t2.medium"), Scaling(1, 2))),
        marks=issue_11("autoscaling on ml.t*"),
        id="scaled-burstable",
    ),
    # AttributeError: 'int' object has no attribute 'uri' (in check_images).
    pytest.param(
        Case(one(image=Wrong(123))),
        marks=issue_11("wrong type: image"),
        id="image-int",
    ),
    # TypeError: 'NoneType' object is not iterable (ContainerDefinition.__post_init__).
    pytest.param(
        Case(one(environment=Environment(wrong=Wrong(None)))),
        marks=issue_11("wrong type: environment"),
        id="environment-none",
    ),
    # AttributeError: 'str' object has no attribute 'uri' (a plain str where a ModelData is
    # expected, in check_model_data).
    pytest.param(
        Case(one(model_data=UriModelData("s3://bucket/model.tar.gz", plain=True))),
        marks=issue_11("wrong type: model_data"),
        id="model-data-str",
    ),
    # TypeError: object of type 'int' has no len() (in name_problems).
    pytest.param(
        Case(one(), options=(EndpointName(Wrong(5)),)),
        marks=issue_11("wrong type: endpoint_name"),
        id="endpoint-name-int",
    ),
    # AttributeError: 'list' object has no attribute 'items' (tags as a list).
    pytest.param(
        Case(one(), options=(Tags(wrong=Wrong(["team"])),)),
        marks=issue_11("wrong type: tags"),
        id="tags-list",
    ),
    # RuntimeError from jsii: "Unable to deserialize value as CfnModelProps" (isolation "yes").
    pytest.param(
        Case(one(), options=(Isolation(Wrong("yes")),)),
        marks=issue_11("wrong type: enable_network_isolation"),
        id="isolation-str",
    ),
    # AttributeError: 'str' object has no attribute 'key_arn' (a str where an IKey is expected).
    pytest.param(
        Case(one(), options=(Kms(Wrong("arn:aws:kms:us-east-1:123456789012:key/k")),)),
        marks=issue_11("wrong type: kms_key"),
        id="kms-str",
    ),
    # TypeError: 'NoneType' object is not iterable (containers=None).
    pytest.param(
        Case(Wrong(None)),
        marks=issue_11("wrong type: containers"),
        id="containers-none",
    ),
    # RuntimeError: CannotAddElementsListToken, while the policy is built.
    pytest.param(
        Case(one(), options=(Vpc(subnets=SubnetsKind.LIST_TOKEN),)),
        marks=issue_11("list-token subnets crash"),
        id="list-token-subnets",
    ),
    # RuntimeError: "There are no 'Public' subnet groups in this VPC" (CDK's error, not a
    # MceValidationError naming vpc_subnets; found by the sweep).
    pytest.param(
        Case(one(), options=(Vpc(subnets=SubnetsKind.NO_PUBLIC),)),
        marks=issue_11("a subnet selection that selects nothing"),
        id="subnets-none-selected",
    ),
    # RuntimeError: "Cannot find image directory" when the asset is bound, not with the
    # other problems when the construct is created.
    pytest.param(
        Case(one(image=AssetImage(exists=False))),
        marks=issue_11("missing asset directory"),
        id="asset-directory-missing",
    ),
    # cfn-lint W3005: the scalable target's DependsOn on the endpoint repeats its GetAtt.
    pytest.param(
        Case(one(), options=(Scaling(1, 2),)),
        marks=issue_11("W3005 with autoscaling"),
        id="autoscaling-w3005",
    ),
    # The execution policy lists the asset repository twice (two containers, one asset).
    pytest.param(
        Case(one(image=AssetImage()) * 2),
        marks=issue_11("duplicate ARNs"),
        id="asset-twice",
    ),
    # A fixed ModelName with an image from a CfnParameter: a new value at deploy time
    # replaces the model under the same name, which CloudFormation refuses (fixed in issue 11).
    pytest.param(
        Case(one(image=RegistryImage(Tok(TokKind.PARAMETER)))),
        id="image-parameter",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_regression(assets: Assets, case: Case) -> None:
    check_case(case, assets, excuse=False)


NAME_CASES = [
    # The model kept its name when a given role's name changed, which replaces the role and
    # changes ExecutionRoleArn: the stack update failed on the custom-named model (fixed in
    # issue 11).
    pytest.param(
        Mutation(
            "the name of the given role (the role is replaced)",
            Scope.MODEL,
            Case(one(), options=(Role(RoleKind.IN_APP, "executor0"),)),
        ),
        Case(one(), options=(Role(RoleKind.IN_APP, "executor"),)),
        id="role-renamed",
    ),
    # The model kept its name when an escape hatch changed a property after the construct
    # (fixed in issue 11).
    pytest.param(
        Mutation(
            "a value set by an escape hatch", Scope.MODEL, Case(one(), options=(EscapeHatch("b"),))
        ),
        Case(one(), options=(EscapeHatch("a"),)),
        id="escape-hatch",
    ),
    # The model kept its name when a Lazy set after the construct changed the image (fixed in
    # issue 11).
    pytest.param(
        Mutation(
            "an image from a Lazy set after the construct",
            Scope.MODEL,
            Case(one(image=RegistryImage(Tok(TokKind.LATE, ECR + "1")))),
        ),
        Case(one(image=RegistryImage(Tok(TokKind.LATE, ECR)))),
        id="late-lazy",
    ),
    # A Direct-mode pair whose mode flips to Serial renames both (passes: kept as an example).
    pytest.param(
        Mutation(
            "the mode",
            Scope.MODEL,
            Case(one(hostname="a"), mode=InvocationMode.SERIAL),
        ),
        Case(one(hostname="a"), mode=InvocationMode.DIRECT),
        id="mode",
    ),
]


@pytest.mark.parametrize(("mutation", "case"), NAME_CASES)
def test_names_regression(assets: Assets, mutation: Mutation, case: Case) -> None:
    check_names(case, mutation, assets)
