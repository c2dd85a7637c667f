"""The endpoint behaves like aws-cdk-lib's resources: a `cdk.Resource` behind an interface,
env-aware metrics, grants that compose across stacks and accounts, and clear errors.

Most checks share one app with three environments (synthesized once).
"""

from __future__ import annotations

from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    IMultiContainerEndpoint,
    InvocationMode,
    MceValidationError,
    ModelData,
    MultiContainerEndpoint,
)
from mce_constructs._tokens import is_unresolved

from .conftest import (
    REGISTRY,
    Template,
    containers,
    logical_id,
    new_stack,
    one_metric,
    resources_of_type,
)

HOME = cdk.Environment(account="111111111111", region="us-east-1")
ABROAD = cdk.Environment(account="111111111111", region="eu-west-1")
OTHER_ACCOUNT = cdk.Environment(account="222222222222", region="us-east-1")
DIRECT = containers("ranker", "embedder", hostnames=True)


class Built:
    def __init__(self) -> None:
        self.app = cdk.App()
        self.home = cdk.Stack(self.app, "Home", env=HOME)
        self.clients = cdk.Stack(self.app, "Clients", env=HOME)
        self.abroad = cdk.Stack(self.app, "Abroad", env=ABROAD)
        self.other = cdk.Stack(self.app, "Other", env=OTHER_ACCOUNT)
        principal = iam.ServicePrincipal("sagemaker.amazonaws.com")
        # A role of stack Clients used by an endpoint of Home, and a grant to another role of
        # Clients: with a fixed name, no cycle between the two stacks.
        self.shared_role = iam.Role(self.clients, "SharedRole", assumed_by=principal)
        self.client = iam.Role(self.clients, "Client", assumed_by=iam.AccountRootPrincipal())
        # Used from another account: named, as CDK requires for any cross-account use.
        generated = cdk.PhysicalName.GENERATE_IF_NEEDED
        self.repository = ecr.Repository(self.other, "Images", repository_name=generated)
        self.bucket = s3.Bucket(self.other, "Models", bucket_name=generated)
        self.endpoint = MultiContainerEndpoint(
            self.home,
            "Recommender",
            endpoint_name="recommender",
            mode=InvocationMode.DIRECT,
            role=self.shared_role,
            containers=DIRECT,
        )
        self.endpoint.grant_invoke(self.client, container_hostname="RANKER")
        self.abroad_client = iam.Role(self.abroad, "Client", assumed_by=iam.AccountRootPrincipal())
        self.endpoint.grant_invoke(self.abroad_client)
        self.sourced = MultiContainerEndpoint(
            self.home,
            "CrossAccountSources",
            containers=[
                ContainerDefinition(
                    image=ContainerImage.from_ecr_repository(self.repository, "1"),
                    model_data=ModelData.from_bucket(self.bucket, "model.tar.gz"),
                )
            ],
        )
        self.sourced.add_to_role_policy(
            iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::extra/*"])
        )
        self.alarmed = MultiContainerEndpoint(
            self.home,
            "Alarmed",
            endpoint_name="alarmed",
            mode=InvocationMode.DIRECT,
            containers=DIRECT,
        )
        self.alarm = self.alarmed.metric_container_invocation_5xx_errors("ranker").create_alarm(
            self.home, "RankerErrors", threshold=1, evaluation_periods=1
        )
        self.alarmed.add_rollback_alarm(self.alarm)
        self.imported = MultiContainerEndpoint.from_endpoint_arn(
            self.home, "Imported", "arn:aws:sagemaker:eu-west-1:333333333333:endpoint/shared"
        )
        assembly = self.app.synth()
        self.templates: dict[str, Template] = {
            stack.stack_name: stack.template for stack in assembly.stacks
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def statements_of(template: Template, construct: Any) -> list[dict[str, Any]]:
    policy = template["Resources"][logical_id(construct)]
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_created_and_imported_endpoints_are_resources_behind_the_interface(
    built: Built,
) -> None:
    endpoints: list[IMultiContainerEndpoint] = [built.endpoint, built.imported]
    assert all(isinstance(endpoint, cdk.Resource) for endpoint in endpoints)
    assert built.endpoint.node.default_child is built.endpoint.endpoint
    assert (built.endpoint.env.account, built.endpoint.env.region) == (HOME.account, HOME.region)
    assert (built.imported.env.account, built.imported.env.region) == (
        "333333333333",
        "eu-west-1",
    )
    assert built.imported.endpoint_name == "shared"


def test_metrics_carry_the_endpoints_account_and_region(built: Built) -> None:
    metric = one_metric(built.endpoint.metric_invocations())
    assert (metric.account, metric.region) == (HOME.account, HOME.region)
    imported = one_metric(built.imported.metric_model_latency())
    assert (imported.account, imported.region) == ("333333333333", "eu-west-1")
    assert one_metric(built.endpoint.metric_gpu_utilization()).metric_name == "GPUUtilization"
    gpu_memory = one_metric(built.endpoint.metric_gpu_memory_utilization())
    assert gpu_memory.metric_name == "GPUMemoryUtilization"


def test_an_alarm_in_another_region_is_refused_by_cloudwatch() -> None:
    app = cdk.App()
    endpoint = MultiContainerEndpoint(
        cdk.Stack(app, "Home", env=HOME), "E", endpoint_name="e", containers=DIRECT[:1]
    )
    with pytest.raises(Exception, match="Cannot create an Alarm in region"):
        cloudwatch.Alarm(
            cdk.Stack(app, "Abroad", env=ABROAD),
            "Errors",
            metric=endpoint.metric_invocation_5xx_errors(),
            threshold=1,
            evaluation_periods=1,
        )


def test_a_fixed_name_gives_an_arn_without_a_reference_so_stacks_do_not_cycle(
    built: Built,
) -> None:
    """The role of Clients is used in Home, and a role of Clients is granted the endpoint:
    synthesis succeeded without a DependencyCycle, and the grant in Clients and in another
    region names the ARN itself (no export, no cross-region custom resource)."""
    arn = {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":sagemaker:us-east-1:111111111111:endpoint/recommender",
            ],
        ]
    }
    assert built.home.resolve(built.endpoint.endpoint_arn) == arn
    (grant,) = statements_of(
        built.templates["Clients"], built.client.node.find_child("DefaultPolicy")
    )
    assert grant == {
        "Action": "sagemaker:InvokeEndpoint",
        "Condition": {"StringEqualsIgnoreCase": {"sagemaker:TargetContainerHostname": "ranker"}},
        "Effect": "Allow",
        "Resource": arn,
    }
    abroad = built.templates["Abroad"]["Resources"]
    assert not [r for r in abroad.values() if r["Type"].startswith("Custom::")]
    assert "Outputs" not in built.templates["Home"]


def test_sources_of_another_account_allow_the_role_in_their_resource_policies(
    built: Built,
) -> None:
    resources = built.templates["Other"]["Resources"]
    repository = resources[logical_id(built.repository)]["Properties"]["RepositoryPolicyText"]
    (pull,) = repository["Statement"]
    assert pull["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
    ]
    principal = pull["Principal"]["AWS"]
    assert "111111111111" in str(principal)
    (bucket_policy,) = resources_of_type(built.templates["Other"], "AWS::S3::BucketPolicy").values()
    (read,) = [
        s
        for s in bucket_policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "s3:GetObject"
    ]
    assert read["Principal"]["AWS"] == principal


def test_grant_principal_and_add_to_role_policy_use_the_execution_role(built: Built) -> None:
    assert built.sourced.grant_principal is built.sourced.role.grant_principal
    role = built.sourced.role
    default_policy = role.node.find_child("DefaultPolicy")
    assert statements_of(built.templates["Home"], default_policy) == [
        {"Action": "s3:GetObject", "Effect": "Allow", "Resource": "arn:aws:s3:::extra/*"}
    ]


def test_rollback_alarms_on_the_endpoints_own_metrics_can_be_added_after_it(
    built: Built,
) -> None:
    resources = built.templates["Home"]["Resources"]
    endpoint = resources[logical_id(built.alarmed.endpoint)]["Properties"]
    assert endpoint["DeploymentConfig"]["AutoRollbackConfiguration"] == {
        "Alarms": [{"AlarmName": {"Ref": logical_id(built.alarm)}}]
    }
    assert "BlueGreenUpdatePolicy" in endpoint["DeploymentConfig"]
    statements = statements_of(
        built.templates["Home"], built.alarmed.node.find_child("ExecutionPolicy")
    )
    assert statements[-1] == {
        "Action": "cloudwatch:DescribeAlarms",
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [logical_id(built.alarm), "Arn"]},
        "Sid": "DescribeRollbackAlarms",
    }


def test_hostnames_are_looked_up_case_insensitively(built: Built) -> None:
    metric = built.endpoint.metric_for_container("Ranker", "Invocations")
    assert metric.dimensions == {
        "EndpointName": "recommender",
        "VariantName": "AllTraffic",
        "ContainerName": "ranker",
    }


def test_grant_invoke_to_a_principal_that_cannot_hold_a_policy_is_refused() -> None:
    stack = new_stack("S")
    endpoint = MultiContainerEndpoint(stack, "E", containers=DIRECT[:1])
    with pytest.raises(MceValidationError, match=r"grant_invoke.grantee: .* cannot hold a policy"):
        endpoint.grant_invoke(iam.AccountPrincipal("123456789012"))


def test_connections_are_the_security_groups_in_a_vpc() -> None:
    stack = new_stack("S")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    endpoint = MultiContainerEndpoint(stack, "E", containers=DIRECT[:1], vpc=vpc)
    (group,) = endpoint.connections.security_groups
    assert group.node.path == "S/E/SecurityGroup"


TOKEN_CHECK_CASES = {
    "plain": "plain",
    "empty": "",
    "pseudo": cdk.Aws.REGION,
    "embedded": f"prefix-{cdk.Aws.ACCOUNT_ID}",
    "ref": cdk.Fn.ref("X"),
    "int": 1,
    "float": 0.5,
    "bool": True,
    "none": None,
    "number-token": cdk.Token.as_number(cdk.Fn.ref("N")),
    "list": ["a", "b"],
    "list-with-token": ["a", cdk.Aws.REGION],
    "list-token": cdk.Token.as_list(cdk.Fn.ref("L")),
    "mapping": {"k": "v"},
}


@pytest.mark.parametrize("value", TOKEN_CHECK_CASES.values(), ids=TOKEN_CHECK_CASES.keys())
def test_the_token_check_agrees_with_cdk(value: Any) -> None:
    expected = cdk.Token.is_unresolved(value) or (
        isinstance(value, list) and any(cdk.Token.is_unresolved(item) for item in value)
    )
    assert is_unresolved(value) == expected


# Names given to its methods and to an import must name what the endpoint has.


def test_container_grants_and_metrics_need_a_direct_endpoint_and_a_known_hostname(
    stack: cdk.Stack,
) -> None:
    direct = MultiContainerEndpoint(stack, "Direct", containers=DIRECT, mode=InvocationMode.DIRECT)
    serial = MultiContainerEndpoint(
        stack,
        "Serial",
        containers=[
            ContainerDefinition(image=f"{REGISTRY}/a:1", container_hostname="pre"),
            ContainerDefinition(image=f"{REGISTRY}/b:1", container_hostname="model"),
        ],
    )
    client = iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(MceValidationError) as caught:
        direct.grant_invoke(client, container_hostname="scorer")
    assert str(caught.value) == (
        "TestStack/Direct: 1 problem in the multi-container endpoint:\n"
        "  - grant_invoke.container_hostname: 'scorer' is not a container of this endpoint "
        "('ranker', 'embedder')"
    )
    with pytest.raises(MceValidationError) as caught:
        serial.grant_invoke(client, container_hostname="model")
    assert [str(problem) for problem in caught.value.problems] == [
        "grant_invoke.container_hostname: 'model' names a container, but this endpoint is a "
        "Serial pipeline; only a Direct-mode endpoint invokes its containers by hostname"
    ]
    with pytest.raises(MceValidationError) as caught:
        direct.metric_container_latency("ranker-v2")
    assert [str(problem) for problem in caught.value.problems] == [
        "metric.container_hostname: 'ranker-v2' is not a container of this endpoint "
        "('ranker', 'embedder')"
    ]


def test_imported_endpoints_check_the_hostnames_they_can(stack: cdk.Stack) -> None:
    unknown = MultiContainerEndpoint.from_endpoint_name(stack, "Unknown", "scorer")
    listed = MultiContainerEndpoint.from_endpoint_name(
        stack, "Listed", "scorer", container_hostnames=["a", "b"]
    )
    assert unknown.metric_container_invocations("any-valid-name").metric_name == "Invocations"
    with pytest.raises(MceValidationError) as caught:
        unknown.metric_container_invocations("not_valid")
    assert [str(problem) for problem in caught.value.problems] == [
        "metric.container_hostname: 'not_valid' is not a valid hostname: 1 to 63 letters, "
        "digits and hyphens, starting and ending with a letter or digit"
    ]
    with pytest.raises(MceValidationError) as caught:
        listed.grant_invoke(iam.AccountRootPrincipal(), container_hostname="c")
    assert str(caught.value).startswith("TestStack/Listed: 1 problem")
    assert [str(problem) for problem in caught.value.problems] == [
        "grant_invoke.container_hostname: 'c' is not a container of this endpoint ('a', 'b')"
    ]


def test_an_arn_without_an_endpoint_name_is_refused(stack: cdk.Stack) -> None:
    arn = "arn:aws:sagemaker:eu-west-1:210987654321:endpoint"
    with pytest.raises(ValueError, match="is not the ARN of a SageMaker endpoint"):
        MultiContainerEndpoint.from_endpoint_arn(stack, "Bad", arn)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sagemaker:eu-west-1:210987654321:endpoint-config/scorer",
        "arn:aws:sagemaker:eu-west-1:210987654321:model/scorer",
        "arn:aws:lambda:eu-west-1:210987654321:function:scorer",
        "arn:aws:sagemaker:eu-west-1:210987654321:endpoint/not_valid",
        "scorer",
        5,
    ],
)
def test_an_arn_that_is_not_an_endpoints_is_refused(stack: cdk.Stack, arn: object) -> None:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint.from_endpoint_arn(stack, "Bad", cast(str, arn))
    assert str(caught.value) == (
        "TestStack/Bad: 1 problem in the multi-container endpoint:\n"
        f"  - arn: {arn!r} is not the ARN of a SageMaker endpoint "
        "(arn:<partition>:sagemaker:<region>:<account>:endpoint/<name>)"
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (
            "fraud_scorer",
            "'fraud_scorer' is not a valid endpoint name: 1 to 63 letters, digits and hyphens, "
            "starting and ending with a letter or digit",
        ),
        (
            "a" * 64,
            f"{'a' * 64!r} is not a valid endpoint name: 1 to 63 letters, digits and hyphens, "
            "starting and ending with a letter or digit",
        ),
        (5, "5 is not a str"),
    ],
)
def test_an_invalid_endpoint_name_is_refused(stack: cdk.Stack, name: object, problem: str) -> None:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint.from_endpoint_name(stack, "Bad", cast(str, name))
    assert str(caught.value) == (
        f"TestStack/Bad: 1 problem in the multi-container endpoint:\n  - name: {problem}"
    )
