"""What the execution role may do for each source, a given role, the VPC, isolation and KMS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    MceValidationError,
    ModelData,
    MultiContainerEndpoint,
)
from mce_constructs._permissions import (
    ECR_PULL_ACTIONS,
    LOG_ACTIONS,
    VPC_DESCRIBE_ACTIONS,
)
from mce_constructs.metrics import INSTANCE_NAMESPACE as METRICS_NAMESPACE

from .conftest import (
    REGISTRY,
    Template,
    assert_lint_clean,
    docker_context,
    encrypted_bucket,
    logical_id,
    make_tarball,
    resources_of_type,
)

PARTITION = {"Ref": "AWS::Partition"}
REGION = {"Ref": "AWS::Region"}
ACCOUNT = {"Ref": "AWS::AccountId"}
DIGEST = "sha256:" + "0123456789abcdef" * 4
VPC_ID = "vpc-0123456789abcdef0"
PRIVATE_SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
ISOLATED_SUBNETS = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
GIVEN_GROUPS = ["sg-0ccccccccccccccc1", "sg-0ccccccccccccccc2"]


def join(*parts: object) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


def regional_arn(service: str, resource: str) -> dict[str, Any]:
    return join("arn:", PARTITION, f":{service}:", REGION, ":", ACCOUNT, f":{resource}")


def images(*sources: ContainerImage | str) -> list[ContainerDefinition]:
    return [ContainerDefinition(image=source) for source in sources]


def with_model_data(*sources: ModelData) -> list[ContainerDefinition]:
    return [ContainerDefinition(image=f"{REGISTRY}/m:1", model_data=source) for source in sources]


def runtime_statements(log_group: str = "*") -> list[dict[str, Any]]:
    """The logs and metrics statements every endpoint gets."""
    return [
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": list(LOG_ACTIONS),
            "Resource": regional_arn("logs", f"log-group:/aws/sagemaker/Endpoints/{log_group}:*"),
        },
        {
            "Sid": "PutMetrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
        },
    ]


def pull_statements(*repositories: object) -> list[dict[str, Any]]:
    resources = list(repositories)
    return [
        {
            "Sid": "PullImages",
            "Effect": "Allow",
            "Action": list(ECR_PULL_ACTIONS),
            "Resource": resources[0] if len(resources) == 1 else resources,
        },
        {
            "Sid": "GetEcrToken",
            "Effect": "Allow",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
        },
    ]


def registry_arn(repository: str) -> dict[str, Any]:
    return join("arn:", PARTITION, f":ecr:us-east-1:123456789012:repository/{repository}")


def s3_arn(bucket_and_key: str) -> dict[str, Any]:
    return join("arn:", PARTITION, f":s3:::{bucket_and_key}")


class Built:
    """One app with an endpoint per scenario, synthesized once for the module."""

    def __init__(self, assets: Path) -> None:
        app = cdk.App(builtin_cloud_formation_validation=False)
        stack = cdk.Stack(app, "Security")
        dockerfile_dir = assets / "image"
        docker_context(dockerfile_dir)
        model_file = make_tarball(assets / "model.tar.gz")

        self.registry = MultiContainerEndpoint(
            stack,
            "Registry",
            containers=images(
                ContainerImage.from_registry(f"{REGISTRY}/a:1"),
                f"{REGISTRY}/team/b@{DIGEST}",
                f"{REGISTRY}/a:2",
                # A token is not known to be in ECR: nothing is granted for it.
                cdk.CfnParameter(stack, "Image").value_as_string,
            ),
        )
        repository = ecr.Repository.from_repository_name(stack, "Repo", "models")
        self.repository = MultiContainerEndpoint(
            stack,
            "Repository",
            containers=images(
                ContainerImage.from_ecr_repository(repository),
                ContainerImage.from_ecr_repository(repository, DIGEST),
            ),
        )
        self.asset_image = MultiContainerEndpoint(
            stack,
            "AssetImage",
            containers=images(
                ContainerImage.from_asset(str(dockerfile_dir), build_args={"VERSION": "1"})
            ),
        )

        self.bucket_key = kms.Key(stack, "BucketKey", enable_key_rotation=True)
        encrypted = encrypted_bucket(stack, self.bucket_key)
        plain = s3.Bucket.from_bucket_name(stack, "Plain", "plain-models")
        self.uri_data = MultiContainerEndpoint(
            stack,
            "Uri",
            endpoint_name="uri-data",
            containers=with_model_data(
                ModelData.from_uri("s3://models/a/model.tar.gz"),
                ModelData.from_uri("https://models.s3.eu-west-1.amazonaws.com/b/model.tar.gz"),
                ModelData.from_uri("https://s3.amazonaws.com/other/c/model.tar.gz"),
                ModelData.from_uri("https://example.com/d/model.tar.gz"),
                ModelData.from_uri(
                    "https://models.s3.dualstack.eu-west-1.amazonaws.com/e/model.tar.gz"
                ),
                ModelData.from_uri(
                    "https://s3.dualstack.us-east-1.amazonaws.com/other/f/model.tar.gz"
                ),
                ModelData.from_uri("s3://models/a/model.tar.gz"),
            ),
        )
        self.bucket_data = MultiContainerEndpoint(
            stack,
            "Bucket",
            containers=with_model_data(
                ModelData.from_bucket(encrypted, "a/model.tar.gz"),
                ModelData.from_bucket(plain, "b/model.tar.gz"),
            ),
        )
        self.asset_data = MultiContainerEndpoint(
            stack, "AssetData", containers=with_model_data(ModelData.from_asset(str(model_file)))
        )
        # One asset object in two containers: two tokens for one repository, one object.
        shared_image = ContainerImage.from_asset(str(dockerfile_dir), build_args={"VERSION": "1"})
        shared_data = ModelData.from_asset(str(model_file))
        self.shared_assets = MultiContainerEndpoint(
            stack,
            "SharedAssets",
            containers=[
                ContainerDefinition(image=shared_image, model_data=shared_data),
                ContainerDefinition(image=shared_image, model_data=shared_data),
            ],
        )

        self.given_role = iam.Role(
            stack, "Given", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
        )
        same_images = images(f"{REGISTRY}/a:1")
        self.with_given = MultiContainerEndpoint(
            stack, "WithGiven", containers=same_images, role=self.given_role
        )
        self.with_created = MultiContainerEndpoint(stack, "WithCreated", containers=same_images)
        self.with_mutable = MultiContainerEndpoint(
            stack,
            "WithMutable",
            containers=same_images,
            role=iam.Role.from_role_arn(
                stack, "Mutable", "arn:aws:iam::123456789012:role/mutable-role"
            ),
        )
        self.immutable_role = iam.Role.from_role_arn(
            stack, "Immutable", "arn:aws:iam::123456789012:role/fixed-role", mutable=False
        )
        self.with_immutable = MultiContainerEndpoint(
            stack, "WithImmutable", containers=same_images, role=self.immutable_role
        )

        vpc = ec2.Vpc.from_vpc_attributes(
            stack,
            "Vpc",
            vpc_id=VPC_ID,
            availability_zones=["us-east-1a", "us-east-1b"],
            private_subnet_ids=PRIVATE_SUBNETS,
            isolated_subnet_ids=ISOLATED_SUBNETS,
        )
        self.groups = [
            ec2.SecurityGroup.from_security_group_id(stack, f"Group{index}", group_id)
            for index, group_id in enumerate(GIVEN_GROUPS)
        ]
        self.volume_key = kms.Key(stack, "VolumeKey", enable_key_rotation=True)
        self.default_group = MultiContainerEndpoint(
            stack, "DefaultGroup", containers=same_images, vpc=vpc
        )
        self.given_groups = MultiContainerEndpoint(
            stack,
            "GivenGroups",
            containers=same_images,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=self.groups,
            enable_network_isolation=True,
            kms_key=self.volume_key,
        )

        # Subnets from a List<AWS::EC2::Subnet::Id> parameter: a list token of unknown length.
        subnets = cdk.CfnParameter(stack, "Subnets", type="List<AWS::EC2::Subnet::Id>")
        listed_vpc = ec2.Vpc.from_vpc_attributes(
            stack,
            "ListedVpc",
            vpc_id=VPC_ID,
            availability_zones=["us-east-1a"],
            private_subnet_ids=subnets.value_as_list,
        )
        self.listed_subnets = MultiContainerEndpoint(
            stack,
            "ListedSubnets",
            containers=same_images,
            vpc=listed_vpc,
            security_groups=self.groups[:1],
        )
        self.selected_subnets = MultiContainerEndpoint(
            stack,
            "SelectedSubnets",
            containers=same_images,
            vpc=listed_vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=listed_vpc.private_subnets),
            security_groups=self.groups[:1],
        )

        self.assembly = app.synth()
        self.template: Template = self.assembly.get_stack_by_name("Security").template

    @staticmethod
    def logical_id(construct: Any) -> str:
        return logical_id(construct)

    def policy(self, endpoint: MultiContainerEndpoint) -> dict[str, Any] | None:
        """The endpoint's own policy resource, or None when it was not synthesized."""
        policy = endpoint.node.find_child("ExecutionPolicy").node.default_child
        found: dict[str, Any] | None = self.template["Resources"].get(self.logical_id(policy))
        return found

    def statements(self, endpoint: MultiContainerEndpoint) -> list[dict[str, Any]]:
        policy = self.policy(endpoint)
        assert policy is not None
        statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
        return statements

    def model(self, endpoint: MultiContainerEndpoint) -> dict[str, Any]:
        resource: dict[str, Any] = self.template["Resources"][self.logical_id(endpoint.model)]
        return resource


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("assets"))


def test_registry_images_pull_from_exactly_their_ecr_repositories(built: Built) -> None:
    assert built.statements(built.registry) == [
        *pull_statements(registry_arn("a"), registry_arn("team/b")),
        *runtime_statements(),
    ]
    images = [c["Image"] for c in built.model(built.registry)["Properties"]["Containers"]]
    assert images == [
        f"{REGISTRY}/a:1",
        f"{REGISTRY}/team/b@{DIGEST}",
        f"{REGISTRY}/a:2",
        {"Ref": "Image"},
    ]


def test_ecr_repository_images_by_tag_and_digest_pull_from_that_repository(built: Built) -> None:
    repository_arn = join("arn:", PARTITION, ":ecr:", REGION, ":", ACCOUNT, ":repository/models")
    assert built.statements(built.repository) == [
        *pull_statements(repository_arn),
        *runtime_statements(),
    ]
    registry = (ACCOUNT, ".dkr.ecr.", REGION, ".", {"Ref": "AWS::URLSuffix"})
    images = [c["Image"] for c in built.model(built.repository)["Properties"]["Containers"]]
    assert images == [join(*registry, "/models:latest"), join(*registry, f"/models@{DIGEST}")]


def test_asset_image_is_staged_without_docker_and_pulled_from_the_assets_repository(
    built: Built,
) -> None:
    assets_repository = join(
        "arn:",
        PARTITION,
        ":ecr:",
        REGION,
        ":",
        ACCOUNT,
        ":repository/",
        {"Fn::Sub": "cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}"},
    )
    assert built.statements(built.asset_image) == [
        *pull_statements(assets_repository),
        *runtime_statements(),
    ]
    manifest_file = Path(built.assembly.directory) / "Security.assets.json"
    docker_images = json.loads(manifest_file.read_text())["dockerImages"]
    (asset,) = docker_images.values()
    assert asset["source"]["dockerBuildArgs"] == {"VERSION": "1"}
    staged = Path(built.assembly.directory) / asset["source"]["directory"]
    assert (staged / "Dockerfile").read_text() == "FROM scratch\n"
    image = built.model(built.asset_image)["Properties"]["Containers"][0]["Image"]
    assert image["Fn::Sub"].endswith(f":{next(iter(docker_images))}")


def test_uri_model_data_reads_exactly_each_s3_object(built: Built) -> None:
    assert built.statements(built.uri_data) == [
        *pull_statements(registry_arn("m")),
        {
            "Sid": "ReadModelData",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [
                s3_arn("models/a/model.tar.gz"),
                s3_arn("models/b/model.tar.gz"),
                s3_arn("other/c/model.tar.gz"),
                s3_arn("models/e/model.tar.gz"),
                s3_arn("other/f/model.tar.gz"),
            ],
        },
        *runtime_statements("uri-data"),
    ]


def test_bucket_model_data_reads_the_object_and_decrypts_only_through_s3(built: Built) -> None:
    stack = cdk.Stack.of(built.bucket_data)
    models_bucket = {"Ref": built.logical_id(stack.node.find_child("Models").node.default_child)}
    bucket_key = {"Fn::GetAtt": [built.logical_id(built.bucket_key.node.default_child), "Arn"]}
    via_s3 = join("s3.", REGION, ".amazonaws.com")
    assert built.statements(built.bucket_data) == [
        *pull_statements(registry_arn("m")),
        {
            "Sid": "ReadModelData",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [
                join({"Fn::GetAtt": [models_bucket["Ref"], "Arn"]}, "/a/model.tar.gz"),
                s3_arn("plain-models/b/model.tar.gz"),
            ],
        },
        {
            "Sid": "DecryptModelData",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": bucket_key,
            "Condition": {"StringEquals": {"kms:ViaService": via_s3}},
        },
        *runtime_statements(),
    ]
    urls = [c["ModelDataUrl"] for c in built.model(built.bucket_data)["Properties"]["Containers"]]
    assert urls == [
        join("s3://", models_bucket, "/a/model.tar.gz"),
        "s3://plain-models/b/model.tar.gz",
    ]


def test_asset_model_data_reads_its_object_in_the_assets_bucket(built: Built) -> None:
    manifest_file = Path(built.assembly.directory) / "Security.assets.json"
    files = json.loads(manifest_file.read_text())["files"]
    (object_key,) = (
        destination["objectKey"]
        for entry in files.values()
        if entry["displayName"] == "AssetData/ModelData0"
        for destination in entry["destinations"].values()
    )
    bucket = {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}
    assert built.statements(built.asset_data) == [
        *pull_statements(registry_arn("m")),
        {
            "Sid": "ReadModelData",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": join("arn:", PARTITION, ":s3:::", bucket, f"/{object_key}"),
        },
        *runtime_statements(),
    ]
    url = built.model(built.asset_data)["Properties"]["Containers"][0]["ModelDataUrl"]
    assert url == {
        "Fn::Sub": f"s3://cdk-hnb659fds-assets-${{AWS::AccountId}}-${{AWS::Region}}/{object_key}"
    }


def test_one_asset_in_two_containers_is_listed_once(built: Built) -> None:
    """Each container binds the asset under a token of its own; the statements list what the
    tokens resolve to once (as the endpoints with one container do)."""

    def by_sid(endpoint: MultiContainerEndpoint) -> dict[str, Any]:
        return {statement["Sid"]: statement["Resource"] for statement in built.statements(endpoint)}

    shared = by_sid(built.shared_assets)
    assert shared["PullImages"] == by_sid(built.asset_image)["PullImages"]
    assert isinstance(shared["PullImages"], dict)  # one resource, written without a list
    assert shared["ReadModelData"] == by_sid(built.asset_data)["ReadModelData"]
    assert isinstance(shared["ReadModelData"], dict)
    containers = built.model(built.shared_assets)["Properties"]["Containers"]
    assert containers[0] == containers[1]


def test_created_role_has_only_the_endpoint_policy_and_no_managed_policy(built: Built) -> None:
    template = built.template
    role_id = built.logical_id(built.with_created.role.node.default_child)
    role = template["Resources"][role_id]
    assert "ManagedPolicyArns" not in role["Properties"]
    assert "Policies" not in role["Properties"]
    policy = built.policy(built.with_created)
    assert policy is not None
    assert policy["Properties"]["Roles"] == [{"Ref": role_id}]
    attached = [
        resource
        for resource in resources_of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in resource["Properties"]["Roles"]
    ]
    assert attached == [policy]


def test_given_role_gets_the_same_statements_and_no_role_is_created(built: Built) -> None:
    template = built.template
    given_id = built.logical_id(built.given_role.node.default_child)
    assert built.with_given.role is built.given_role
    assert built.with_given.node.try_find_child("Role") is None
    policy = built.policy(built.with_given)
    assert policy is not None
    assert policy["Properties"]["Roles"] == [{"Ref": given_id}]
    expected = [*pull_statements(registry_arn("a")), *runtime_statements()]
    assert built.statements(built.with_given) == expected
    assert built.statements(built.with_created) == expected
    model = built.model(built.with_given)
    assert model["Properties"]["ExecutionRoleArn"] == {"Fn::GetAtt": [given_id, "Arn"]}
    assert built.logical_id(policy_construct(built.with_given)) in model["DependsOn"]
    roles = resources_of_type(template, "AWS::IAM::Role")
    assert given_id in roles
    assert not [role_id for role_id in roles if role_id.startswith("WithGiven")]


def policy_construct(endpoint: MultiContainerEndpoint) -> Any:
    return endpoint.node.find_child("ExecutionPolicy").node.default_child


def test_imported_role_of_a_known_account_gets_the_policy_by_name() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "InAccount", env=cdk.Environment(account="123456789012"))
    role = iam.Role.from_role_arn(stack, "Mutable", "arn:aws:iam::123456789012:role/mutable-role")
    with_role = MultiContainerEndpoint(
        stack, "WithRole", containers=[ContainerDefinition(image=f"{REGISTRY}/a:1")], role=role
    )
    template = app.synth().get_stack_by_name("InAccount").template
    policies = resources_of_type(template, "AWS::IAM::Policy")
    assert policies[logical_id(with_role.node.find_child("ExecutionPolicy"))]["Properties"][
        "Roles"
    ] == ["mutable-role"]
    assert with_role.role is role


def test_imported_role_in_an_environment_agnostic_stack_gets_no_policy_and_a_warning(
    built: Built,
) -> None:
    """CloudFormation would attach it by name in whatever account deploys the stack."""
    assert built.policy(built.with_mutable) is None
    warnings = [
        str(entry.data)
        for entry in built.with_mutable.node.metadata
        if entry.type == "aws:cdk:warning"
    ]
    assert len(warnings) == 1
    assert "The role of account 123456789012 receives no policy" in warnings[0]
    assert "[ack: mce-constructs:roleOfOtherAccount]" in warnings[0]


def test_imported_immutable_role_is_used_as_is_with_nothing_added(built: Built) -> None:
    assert built.with_immutable.role is built.immutable_role
    assert built.policy(built.with_immutable) is None
    model = built.model(built.with_immutable)
    assert model["Properties"]["ExecutionRoleArn"] == "arn:aws:iam::123456789012:role/fixed-role"
    assert "DependsOn" not in model
    policies = resources_of_type(built.template, "AWS::IAM::Policy")
    assert all("fixed-role" not in policy["Properties"]["Roles"] for policy in policies.values())


def network_statements(subnets: list[str], groups: list[Any]) -> list[dict[str, Any]]:
    subnet_arns = [regional_arn("ec2", f"subnet/{subnet}") for subnet in subnets]
    group_arns = [
        regional_arn("ec2", f"security-group/{group}")
        if isinstance(group, str)
        else join("arn:", PARTITION, ":ec2:", REGION, ":", ACCOUNT, ":security-group/", group)
        for group in groups
    ]
    interfaces = regional_arn("ec2", "network-interface/*")
    return [
        {
            "Sid": "DescribeNetwork",
            "Effect": "Allow",
            "Action": list(VPC_DESCRIBE_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "CreateNetworkInterfaces",
            "Effect": "Allow",
            "Action": "ec2:CreateNetworkInterface",
            "Resource": [interfaces, *subnet_arns, *group_arns],
        },
        {
            "Sid": "ManageNetworkInterfaces",
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"],
            "Resource": interfaces,
            "Condition": {"ArnEquals": {"ec2:Subnet": subnet_arns}},
        },
    ]


def test_vpc_creates_one_security_group_uses_private_subnets_and_scopes_enis(built: Built) -> None:
    endpoint = built.default_group
    template = built.template
    group_construct = endpoint.node.find_child("SecurityGroup")
    group_id = built.logical_id(group_construct.node.default_child)
    group_ref = {"Fn::GetAtt": [group_id, "GroupId"]}
    assert template["Resources"][group_id]["Properties"]["VpcId"] == VPC_ID
    assert built.model(endpoint)["Properties"]["VpcConfig"] == {
        "SecurityGroupIds": [group_ref],
        "Subnets": PRIVATE_SUBNETS,
    }
    assert endpoint.connections is not None
    (group,) = endpoint.connections.security_groups
    assert group.node.path == group_construct.node.path
    assert built.statements(endpoint) == [
        *pull_statements(registry_arn("a")),
        *runtime_statements(),
        *network_statements(PRIVATE_SUBNETS, [group_ref]),
    ]
    assert len(resources_of_type(template, "AWS::EC2::SecurityGroup")) == 1


def test_given_security_groups_and_subnets_isolation_and_kms(built: Built) -> None:
    endpoint = built.given_groups
    assert endpoint.node.try_find_child("SecurityGroup") is None
    assert endpoint.connections is not None
    given = [group.security_group_id for group in endpoint.connections.security_groups]
    assert given == GIVEN_GROUPS
    model = built.model(endpoint)["Properties"]
    assert model["VpcConfig"] == {"SecurityGroupIds": GIVEN_GROUPS, "Subnets": ISOLATED_SUBNETS}
    assert model["EnableNetworkIsolation"] is True
    assert built.statements(endpoint) == [
        *pull_statements(registry_arn("a")),
        *runtime_statements(),
        *network_statements(ISOLATED_SUBNETS, GIVEN_GROUPS),
    ]
    key_id = built.logical_id(built.volume_key.node.default_child)
    config_id = built.logical_id(endpoint.endpoint_config)
    config = built.template["Resources"][config_id]["Properties"]
    assert config["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_subnets_of_a_list_parameter_synthesize_with_each_subnet_scoped(built: Built) -> None:
    """A list token of subnet IDs cannot be spread among other ARNs: its ARNs are built in the
    template (Fn::Split of Fn::Join) and get a statement of their own."""
    listed_arns = {
        "Fn::Split": [
            ",",
            join(
                "arn:*:ec2:*:*:subnet/",
                {"Fn::Join": [",arn:*:ec2:*:*:subnet/", {"Ref": "Subnets"}]},
            ),
        ]
    }
    interfaces = regional_arn("ec2", "network-interface/*")
    group = regional_arn("ec2", f"security-group/{GIVEN_GROUPS[0]}")
    for endpoint in (built.listed_subnets, built.selected_subnets):
        assert built.model(endpoint)["Properties"]["VpcConfig"] == {
            "SecurityGroupIds": GIVEN_GROUPS[:1],
            "Subnets": {"Ref": "Subnets"},
        }
        assert built.statements(endpoint)[-3:] == [
            {
                "Sid": "CreateNetworkInterfaces",
                "Effect": "Allow",
                "Action": "ec2:CreateNetworkInterface",
                "Resource": [interfaces, group],
            },
            {
                "Sid": "CreateNetworkInterfacesInSubnets",
                "Effect": "Allow",
                "Action": "ec2:CreateNetworkInterface",
                "Resource": listed_arns,
            },
            {
                "Sid": "ManageNetworkInterfaces",
                "Effect": "Allow",
                "Action": ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"],
                "Resource": interfaces,
                "Condition": {"ArnEquals": {"ec2:Subnet": listed_arns}},
            },
        ]


def test_volume_key_is_left_to_the_deploying_principal(built: Built) -> None:
    """SageMaker uses the endpoint config's key for the principal that calls CreateEndpoint
    (CloudFormation's role), not for the containers: the execution role gets nothing on it and
    the key policy stays the account's default."""
    template = built.template
    key_id = built.logical_id(built.volume_key.node.default_child)
    assert all(
        "kms:" not in json.dumps(statement["Action"])
        for statement in built.statements(built.given_groups)
    )
    key_statements = template["Resources"][key_id]["Properties"]["KeyPolicy"]["Statement"]
    assert [statement["Principal"] for statement in key_statements] == [
        {"AWS": join("arn:", PARTITION, ":iam::", ACCOUNT, ":root")}
    ]


def test_without_vpc_there_is_no_vpc_config_isolation_kms_or_network_statement(
    built: Built,
) -> None:
    endpoint = built.with_created
    model = built.model(endpoint)["Properties"]
    assert "VpcConfig" not in model
    assert "EnableNetworkIsolation" not in model
    with pytest.raises(MceValidationError, match="connections: the endpoint is not in a VPC"):
        _ = endpoint.connections
    config = built.template["Resources"][built.logical_id(endpoint.endpoint_config)]
    assert "KmsKeyId" not in config["Properties"]
    assert not any(s["Sid"].endswith("Network") for s in built.statements(endpoint))


def test_template_passes_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)
