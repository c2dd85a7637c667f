"""The template the construct writes: one model with Containers, one config, one endpoint."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
)

from .conftest import REGISTRY, Template, assert_lint_clean, only_resource

DIRECT_CONTAINERS = [
    ContainerDefinition(
        image=ContainerImage.from_registry(f"{REGISTRY}/a:1"),
        container_hostname="first",
        model_data=ModelData.from_uri("s3://bucket/a/model.tar.gz"),
        environment={"KEY": "value"},
    ),
    ContainerDefinition(image=f"{REGISTRY}/b:1", container_hostname="second"),
]
SERIAL_CONTAINERS = [
    ContainerDefinition(image=f"{REGISTRY}/pre:1"),
    ContainerDefinition(
        image=f"{REGISTRY}/model:1",
        model_data=ModelData.from_uri("https://s3.amazonaws.com/bucket/model.tar.gz"),
    ),
    ContainerDefinition(image=f"{REGISTRY}/post:1", environment={"THRESHOLD": "0.5"}),
]


class Built:
    """One app with an endpoint per scenario, synthesized once for the whole module."""

    def __init__(self) -> None:
        app = cdk.App()
        self.direct = MultiContainerEndpoint(
            cdk.Stack(app, "Direct"),
            "Mce",
            containers=DIRECT_CONTAINERS,
            mode=InvocationMode.DIRECT,
        )
        self.serial = MultiContainerEndpoint(
            cdk.Stack(app, "Serial"),
            "Mce",
            containers=SERIAL_CONTAINERS,
            mode=InvocationMode.SERIAL,
            instance_type="ml.c5.xlarge",
            initial_instance_count=3,
            endpoint_name="my-pipeline",
        )
        self.default = MultiContainerEndpoint(
            cdk.Stack(app, "Default"), "Mce", containers=SERIAL_CONTAINERS
        )
        given_stack = cdk.Stack(app, "GivenRole")
        self.given_role = iam.Role(
            given_stack, "MyRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
        )
        self.with_role = MultiContainerEndpoint(
            given_stack,
            "Mce",
            containers=DIRECT_CONTAINERS,
            mode=InvocationMode.DIRECT,
            role=self.given_role,
        )
        assembly = app.synth()
        self.templates: dict[str, Template] = {
            name: assembly.get_stack_by_name(name).template
            for name in ("Direct", "Serial", "Default", "GivenRole")
        }


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def model_props(template: Template) -> dict[str, Any]:
    props: dict[str, Any] = only_resource(template, "AWS::SageMaker::Model")[1]["Properties"]
    return props


def test_direct_mode_emits_every_container_with_its_hostname(built: Built) -> None:
    props = model_props(built.templates["Direct"])
    assert props["Containers"] == [
        {
            "ContainerHostname": "first",
            "Image": f"{REGISTRY}/a:1",
            "ModelDataUrl": "s3://bucket/a/model.tar.gz",
            "Environment": {"KEY": "value"},
        },
        {"ContainerHostname": "second", "Image": f"{REGISTRY}/b:1"},
    ]
    assert props["InferenceExecutionConfig"] == {"Mode": "Direct"}
    assert "PrimaryContainer" not in props


def test_serial_mode_keeps_the_pipeline_order(built: Built) -> None:
    props = model_props(built.templates["Serial"])
    assert props["Containers"] == [
        {"Image": f"{REGISTRY}/pre:1"},
        {
            "Image": f"{REGISTRY}/model:1",
            "ModelDataUrl": "https://s3.amazonaws.com/bucket/model.tar.gz",
        },
        {"Image": f"{REGISTRY}/post:1", "Environment": {"THRESHOLD": "0.5"}},
    ]
    assert props["InferenceExecutionConfig"] == {"Mode": "Serial"}


def test_mode_defaults_to_serial(built: Built) -> None:
    assert built.default.mode is InvocationMode.SERIAL
    assert model_props(built.templates["Default"])["InferenceExecutionConfig"] == {"Mode": "Serial"}


def test_one_model_one_config_one_endpoint_chained_by_name(built: Built) -> None:
    template = built.templates["Serial"]
    model_id, model = only_resource(template, "AWS::SageMaker::Model")
    config_id, config = only_resource(template, "AWS::SageMaker::EndpointConfig")
    endpoint_id, endpoint = only_resource(template, "AWS::SageMaker::Endpoint")
    assert config["Properties"]["ProductionVariants"] == [
        {
            "VariantName": "AllTraffic",
            "ModelName": {"Fn::GetAtt": [model_id, "ModelName"]},
            "InstanceType": "ml.c5.xlarge",
            "InitialInstanceCount": 3,
            "InitialVariantWeight": 1,
        }
    ]
    # CloudFormation names the model and the config (a new name whenever it replaces them).
    assert "ModelName" not in model["Properties"]
    assert "EndpointConfigName" not in config["Properties"]
    assert endpoint["Properties"] == {
        "EndpointConfigName": {"Fn::GetAtt": [config_id, "EndpointConfigName"]},
        "EndpointName": "my-pipeline",
    }
    # The references order the creation: no DependsOn is needed.
    assert "DependsOn" not in config
    assert "DependsOn" not in endpoint
    assert endpoint_id.startswith("MceEndpoint")


def test_default_instance_settings_and_generated_endpoint_name(built: Built) -> None:
    template = built.templates["Default"]
    variant = only_resource(template, "AWS::SageMaker::EndpointConfig")[1]["Properties"][
        "ProductionVariants"
    ][0]
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.large", 1)
    endpoint_id, endpoint = only_resource(template, "AWS::SageMaker::Endpoint")
    assert "EndpointName" not in endpoint["Properties"]
    stack = cdk.Stack.of(built.default)
    assert stack.resolve(built.default.endpoint_name) == {
        "Fn::GetAtt": [endpoint_id, "EndpointName"]
    }
    assert stack.resolve(built.default.endpoint_arn) == {"Ref": endpoint_id}


def test_created_role_is_assumed_by_sagemaker_and_the_model_waits_for_its_policy(
    built: Built,
) -> None:
    template = built.templates["Direct"]
    role_id, role = only_resource(template, "AWS::IAM::Role")
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
        }
    ]
    assert "ManagedPolicyArns" not in role["Properties"]
    policy_id, policy = only_resource(template, "AWS::IAM::Policy")
    assert policy["Properties"]["Roles"] == [{"Ref": role_id}]
    model = only_resource(template, "AWS::SageMaker::Model")[1]
    assert model["Properties"]["ExecutionRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert policy_id in model["DependsOn"]
    assert cdk.Stack.of(built.direct).resolve(built.direct.role.role_arn) == {
        "Fn::GetAtt": [role_id, "Arn"]
    }


def test_given_role_is_used_and_no_role_is_created(built: Built) -> None:
    template = built.templates["GivenRole"]
    role_id, _ = only_resource(template, "AWS::IAM::Role")
    assert role_id.startswith("MyRole")
    assert built.with_role.role is built.given_role
    model = only_resource(template, "AWS::SageMaker::Model")[1]
    assert model["Properties"]["ExecutionRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    policy_id, _ = only_resource(template, "AWS::IAM::Policy")
    assert policy_id in model["DependsOn"]


def test_attributes_expose_the_l1_resources(built: Built) -> None:
    endpoint = built.serial
    stack = cdk.Stack.of(endpoint)
    assert endpoint.model.model_name is None
    assert endpoint.endpoint_config.endpoint_config_name is None
    assert endpoint.endpoint.endpoint_config_name == endpoint.endpoint_config_name
    assert endpoint.endpoint_name == "my-pipeline"
    # The names CloudFormation generates, read with Fn::GetAtt.
    assert stack.resolve(endpoint.model_name) == {
        "Fn::GetAtt": [stack.get_logical_id(endpoint.model), "ModelName"]
    }
    assert stack.resolve(endpoint.endpoint_config_name) == {
        "Fn::GetAtt": [stack.get_logical_id(endpoint.endpoint_config), "EndpointConfigName"]
    }


@pytest.mark.parametrize("name", ["Direct", "Serial", "Default", "GivenRole"])
def test_templates_pass_cfn_lint(built: Built, name: str) -> None:
    assert_lint_clean(built.templates[name])
