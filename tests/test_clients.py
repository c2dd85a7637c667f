"""What real clients deploy (issue 25): scaling from requests per second, containers from
model packages, gated model data (`ModelAccessConfig`), and a model on its own shared by
variants. Each option is checked against botocore's shapes and cfn-lint."""

from __future__ import annotations

import math
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from mce_constructs import (
    ContainerDefinition,
    InvocationMode,
    MceValidationError,
    ModelData,
    MultiContainerEndpoint,
    MultiContainerModel,
    VariantDefinition,
)

from ._service_model import api_parameters, botocore_validate
from .conftest import (
    IMAGE,
    assert_lint_clean,
    logical_id,
    number_token,
    properties_of,
    resources_of_type,
    template_of,
)

SERIAL = [ContainerDefinition(image=IMAGE), ContainerDefinition(image=f"{IMAGE}-b")]


def _only_scaling_policy(stack: cdk.Stack) -> dict[str, Any]:
    policies = resources_of_type(template_of(stack), "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert len(policies) == 1
    return cast(dict[str, Any], next(iter(policies.values()))["Properties"])


@pytest.mark.parametrize(
    ("rps", "factor", "target"), [(30, None, 900), (10, 1, 600), (2.5, 0.2, 30)]
)
def test_scaling_on_requests_per_second_tracks_invocations_per_minute(
    stack: cdk.Stack, rps: float, factor: float | None, target: float
) -> None:
    scaling = MultiContainerEndpoint(stack, "Mce", containers=SERIAL).auto_scale_instance_count(
        max_capacity=4
    )
    if factor is None:
        scaling.scale_on_invocations_per_second(rps)
    else:
        scaling.scale_on_invocations_per_second(rps, safety_factor=factor)
    tracking = _only_scaling_policy(stack)["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == pytest.approx(target)
    assert tracking["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
    }


def test_scaling_on_requests_per_second_keeps_the_id_of_scaling_on_invocations() -> None:
    ids = []
    for per_second in (True, False):
        stack = cdk.Stack(cdk.App(), "TestStack")
        endpoint = MultiContainerEndpoint(stack, "Mce", containers=SERIAL)
        scaling = endpoint.auto_scale_instance_count(max_capacity=4)
        if per_second:
            scaling.scale_on_invocations_per_second(30)
        else:
            scaling.scale_on_invocations(invocations_per_instance=900)
        policies = resources_of_type(
            template_of(stack), "AWS::ApplicationAutoScaling::ScalingPolicy"
        )
        ids.append(policies)
    assert ids[0] == ids[1]


@pytest.mark.parametrize(
    ("rps", "factor", "message"),
    [
        (
            0,
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: 0 given; a positive, "
            "finite number",
        ),
        (
            math.inf,
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: inf given; a positive, "
            "finite number",
        ),
        (
            math.nan,
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: nan given; a positive, "
            "finite number",
        ),
        (
            "30",
            0.5,
            "scale_on_invocations_per_second.max_requests_per_second: '30' is not a number",
        ),
        (
            30,
            0,
            "scale_on_invocations_per_second.safety_factor: 0 given; greater than 0 and at most "
            "1 (0.5 is the recommended start)",
        ),
        (
            30,
            1.5,
            "scale_on_invocations_per_second.safety_factor: 1.5 given; greater than 0 and at "
            "most 1 (0.5 is the recommended start)",
        ),
        (
            30,
            True,
            "scale_on_invocations_per_second.safety_factor: True is not a number",
        ),
    ],
)
def test_scaling_on_requests_per_second_refuses_what_is_not_a_rate(
    stack: cdk.Stack, rps: object, factor: object, message: str
) -> None:
    scaling = MultiContainerEndpoint(stack, "Mce", containers=SERIAL).auto_scale_instance_count(
        max_capacity=4
    )
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations_per_second(cast(float, rps), safety_factor=cast(float, factor))
    assert [str(problem) for problem in caught.value.problems] == [message]


def test_scaling_on_requests_per_second_refuses_a_token(stack: cdk.Stack) -> None:
    scaling = MultiContainerEndpoint(stack, "Mce", containers=SERIAL).auto_scale_instance_count(
        max_capacity=4
    )
    with pytest.raises(MceValidationError) as caught:
        scaling.scale_on_invocations_per_second(number_token())
    assert [str(problem) for problem in caught.value.problems] == [
        "scale_on_invocations_per_second.max_requests_per_second: known only at deploy time, "
        "and the target is computed at synthesis: give a number, or "
        "scale_on_invocations(invocations_per_instance=...)"
    ]


# Gated model data: ModelAccessConfig.AcceptEula on the uncompressed data source.


def _gated(stack: cdk.Stack, accept: bool | None) -> MultiContainerEndpoint:
    bucket = s3.Bucket.from_bucket_name(stack, "Jumpstart", "jumpstart-cache")
    options = {} if accept is None else {"accept_eula": accept}
    return MultiContainerEndpoint(
        stack,
        "Llm",
        containers=[
            ContainerDefinition(
                image=IMAGE,
                model_data=ModelData.from_s3_prefix("s3://models-a/llama/", **options),
            ),
            ContainerDefinition(
                image=f"{IMAGE}-b",
                model_data=ModelData.from_bucket_prefix(bucket, "mistral/", **options),
            ),
        ],
    )


def _s3_data_sources(stack: cdk.Stack, endpoint: MultiContainerEndpoint) -> list[dict[str, Any]]:
    model = properties_of(template_of(stack), endpoint.model)
    return [c["ModelDataSource"]["S3DataSource"] for c in model["Containers"]]


def test_accepting_the_eula_renders_the_model_access_config(stack: cdk.Stack) -> None:
    endpoint = _gated(stack, True)
    sources = _s3_data_sources(stack, endpoint)
    assert [source["ModelAccessConfig"] for source in sources] == [{"AcceptEula": True}] * 2
    assert [source["S3DataType"] for source in sources] == ["S3Prefix"] * 2
    template = template_of(stack)
    assert_lint_clean(template)
    botocore_validate("CreateModel", api_parameters(properties_of(template, endpoint.model)))


@pytest.mark.parametrize("accept", [None, False])
def test_without_accepting_the_eula_there_is_no_model_access_config(
    stack: cdk.Stack, accept: bool | None
) -> None:
    sources = _s3_data_sources(stack, _gated(stack, accept))
    assert all("ModelAccessConfig" not in source for source in sources)


def test_accept_eula_is_a_bool(stack: cdk.Stack) -> None:
    with pytest.raises(MceValidationError) as caught:
        _gated(stack, cast(bool, "yes"))
    assert [str(problem) for problem in caught.value.problems] == [
        "containers[0].model_data.accept_eula: 'yes' is not a bool",
        "containers[1].model_data.accept_eula: 'yes' is not a bool",
    ]


# Containers from model packages.

PACKAGE = "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/3"


def _statement_ids(stack: cdk.Stack) -> list[str]:
    policies = resources_of_type(template_of(stack), "AWS::IAM::Policy")
    return [
        statement["Sid"]
        for policy in policies.values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_a_model_package_is_the_models_container(stack: cdk.Stack) -> None:
    endpoint = MultiContainerEndpoint(
        stack,
        "Registry",
        containers=[
            ContainerDefinition(model_package=PACKAGE, environment={"THRESHOLD": "0.8"}),
        ],
    )
    template = template_of(stack)
    model = properties_of(template, endpoint.model)
    assert model["Containers"] == [
        {"ModelPackageName": PACKAGE, "Environment": {"THRESHOLD": "0.8"}}
    ]
    assert_lint_clean(template)
    botocore_validate("CreateModel", api_parameters(model))
    # Nothing is granted for the package's content: no ECR pull, no model data.
    assert _statement_ids(stack) == ["WriteLogs", "PutMetrics"]
    assert (
        cdk.assertions.Annotations.from_stack(stack).find_warning(
            "*", cdk.assertions.Match.any_value()
        )
        == []
    )


def test_a_package_version_by_name_and_a_token_are_accepted(stack: cdk.Stack) -> None:
    parameter = cdk.CfnParameter(stack, "Package", type="String").value_as_string
    endpoint = MultiContainerEndpoint(
        stack,
        "Registry",
        mode=InvocationMode.DIRECT,
        containers=[
            ContainerDefinition(model_package="fraud/3", container_hostname="fraud"),
            ContainerDefinition(model_package=parameter, container_hostname="churn"),
        ],
    )
    model = properties_of(template_of(stack), endpoint.model)
    assert [c["ModelPackageName"] for c in model["Containers"]] == [
        "fraud/3",
        {"Ref": "Package"},
    ]
    warnings = cdk.assertions.Annotations.from_stack(stack).find_warning(
        "*", cdk.assertions.Match.string_like_regexp("modelPackageInPipeline")
    )
    assert len(warnings) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "containers[0].image: give image, or model_package for a model package"),
        (
            {"image": IMAGE, "model_package": PACKAGE},
            "containers[0].model_package: give image or model_package, not both (a model "
            "package names its own images)",
        ),
        (
            {"model_package": 3},
            "containers[0].model_package: 3 is not a str (a model package's ARN or name) or a "
            "CfnModelPackage",
        ),
        (
            {"model_package": "fraud/v3"},
            "containers[0].model_package: 'fraud/v3' is not a model package: its name or ARN "
            "(arn:<partition>:sagemaker:<region>:<account>:model-package/<name>), optionally "
            "with /<version>, at most 176 characters",
        ),
    ],
)
def test_exactly_one_valid_image_or_model_package(
    stack: cdk.Stack, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(stack, "Registry", containers=[ContainerDefinition(**fields)])
    assert [str(problem) for problem in caught.value.problems] == [message]


def test_model_data_beside_a_package_warns(stack: cdk.Stack) -> None:
    MultiContainerEndpoint(
        stack,
        "Registry",
        containers=[
            ContainerDefinition(
                model_package=PACKAGE, model_data=ModelData.from_uri("s3://models/m.tar.gz")
            )
        ],
    )
    warnings = cdk.assertions.Annotations.from_stack(stack).find_warning(
        "*", cdk.assertions.Match.string_like_regexp("modelPackageWithImage")
    )
    assert len(warnings) == 1


# A model on its own, shared by variants.

PIPELINE = [
    ContainerDefinition(image=IMAGE, model_data=ModelData.from_uri("s3://models/pre.tar.gz")),
    ContainerDefinition(image=f"{IMAGE}-b"),
]


def _models(stack: cdk.Stack) -> dict[str, Any]:
    return resources_of_type(template_of(stack), "AWS::SageMaker::Model")


def test_a_model_on_its_own_has_its_role_policy_and_name(stack: cdk.Stack) -> None:
    model = MultiContainerModel(stack, "Pipeline", containers=PIPELINE)
    template = template_of(stack)
    assert list(_models(stack)) == [logical_id(model.model)]
    properties = properties_of(template, model.model)
    assert properties["Containers"][1] == {"Image": f"{IMAGE}-b"}
    assert properties["InferenceExecutionConfig"] == {"Mode": "Serial"}
    assert stack.resolve(model.model_name) == {"Fn::GetAtt": [logical_id(model.model), "ModelName"]}
    assert model.node.default_child is model.model
    assert model.grant_principal is model.role.grant_principal
    assert _statement_ids(stack) == [
        "PullImages",
        "GetEcrToken",
        "ReadModelData",
        "WriteLogs",
        "PutMetrics",
    ]
    assert template["Resources"][logical_id(model.model)]["DependsOn"] == [
        logical_id(model.execution_policy)
    ]
    assert_lint_clean(template)
    botocore_validate("CreateModel", api_parameters(properties))


def test_two_variants_share_one_model(stack: cdk.Stack) -> None:
    model = MultiContainerModel(stack, "Pipeline", containers=PIPELINE)
    endpoint = MultiContainerEndpoint(
        stack,
        "Ab",
        variants=[
            VariantDefinition(name="a", model=model, initial_weight=50),
            VariantDefinition(name="b", model=model, instance_type="ml.c5.xlarge"),
        ],
    )
    template = template_of(stack)
    assert list(_models(stack)) == [logical_id(model.model)]
    config = properties_of(template, endpoint.endpoint_config)
    assert [variant["ModelName"] for variant in config["ProductionVariants"]] == [
        {"Fn::GetAtt": [logical_id(model.model), "ModelName"]}
    ] * 2
    assert endpoint.variant("b").model is model.model
    assert endpoint.role is model.role  # the endpoint creates no role of its own
    assert len(resources_of_type(template, "AWS::IAM::Role")) == 1
    # The endpoint's policy (its logs) is attached to the model's role.
    policy = properties_of(template, endpoint.node.find_child("ExecutionPolicy"))
    role = model.role.node.default_child
    assert role is not None
    assert policy["Roles"] == [{"Ref": logical_id(role)}]
    assert_lint_clean(template)
    botocore_validate("CreateEndpointConfig", api_parameters(config))


def test_a_shared_model_beside_a_model_of_the_variants_own(stack: cdk.Stack) -> None:
    model = MultiContainerModel(
        stack,
        "Direct",
        containers=[ContainerDefinition(image=IMAGE, container_hostname="a")],
        mode=InvocationMode.DIRECT,
    )
    endpoint = MultiContainerEndpoint(
        stack,
        "Ab",
        variants=[
            VariantDefinition(name="shared", model=model),
            VariantDefinition(name="own", containers=SERIAL),
        ],
    )
    assert endpoint.variant("shared").mode is InvocationMode.DIRECT
    assert endpoint.mode is None
    assert len(_models(stack)) == 2
    policy = properties_of(template_of(stack), endpoint.node.find_child("ExecutionPolicy"))
    assert len(policy["Roles"]) == 2  # the endpoint's own role and the model's
    endpoint.grant_invoke(model.role, container_hostname="a")


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        (
            lambda model: VariantDefinition(name="a", model=model, containers=SERIAL),
            "variants[0] ('a').model: give containers or model, not both (the model has its "
            "containers)",
        ),
        (
            lambda model: VariantDefinition(name="a", model=model, mode=InvocationMode.DIRECT),
            "variants[0] ('a').mode: Direct, but the model is Serial: a variant serves its model "
            "in the model's mode (give mode to the MultiContainerModel)",
        ),
        (
            lambda _: VariantDefinition(name="a", model=cast(Any, "pipeline")),
            "variants[0] ('a').model: 'pipeline' is not a MultiContainerModel",
        ),
    ],
)
def test_a_variant_serves_containers_or_a_model(
    stack: cdk.Stack, variant: Any, message: str
) -> None:
    model = MultiContainerModel(stack, "Pipeline", containers=PIPELINE)
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(stack, "Ab", variants=[variant(model)])
    assert [str(problem) for problem in caught.value.problems] == [message]


def test_a_model_is_checked_like_an_endpoint(stack: cdk.Stack) -> None:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerModel(
            stack,
            "Pipeline",
            containers=[ContainerDefinition(image=IMAGE)] * 16,
            mode=InvocationMode.DIRECT,
        )
    assert str(caught.value).startswith("TestStack/Pipeline: 17 problems")
    assert str(caught.value.problems[0]) == (
        "containers: 16 containers given; a multi-container endpoint has 1 to 15"
    )


def test_a_model_in_a_vpc_connects(stack: cdk.Stack) -> None:
    from aws_cdk import aws_ec2 as ec2

    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=["us-east-1a"],
        private_subnet_ids=["subnet-1"],
    )
    model = MultiContainerModel(
        stack, "Pipeline", containers=PIPELINE, vpc=vpc, enable_network_isolation=True
    )
    properties = properties_of(template_of(stack), model.model)
    assert properties["VpcConfig"]["Subnets"] == ["subnet-1"]
    assert properties["EnableNetworkIsolation"] is True
    assert len(model.connections.security_groups) == 1
    alone = MultiContainerModel(stack, "Alone", containers=PIPELINE)
    with pytest.raises(MceValidationError):
        _ = alone.connections


def test_model_options_with_only_shared_models_are_refused(stack: cdk.Stack) -> None:
    from aws_cdk import aws_ec2 as ec2

    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Vpc", vpc_id="vpc-1", availability_zones=["us-east-1a"], private_subnet_ids=["s-1"]
    )
    model = MultiContainerModel(stack, "Pipeline", containers=PIPELINE)
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(
            stack,
            "Ab",
            variants=[VariantDefinition(name="a", model=model)],
            vpc=vpc,
            enable_network_isolation=True,
        )
    assert [str(problem) for problem in caught.value.problems] == [
        f"{option}: every variant serves a MultiContainerModel, which has its own; give it to "
        "the MultiContainerModel"
        for option in ("vpc", "enable_network_isolation")
    ]


def test_the_checks_plugin_reads_model_packages_in_templates() -> None:
    from mce_constructs.template_rules import template_findings

    def model(*containers: dict[str, Any]) -> dict[str, Any]:
        properties = {"ExecutionRoleArn": "arn:aws:iam::123456789012:role/r"}
        return {
            "Resources": {
                "Model": {
                    "Type": "AWS::SageMaker::Model",
                    "Properties": {**properties, "Containers": list(containers)},
                }
            }
        }

    assert template_findings(model({"ModelPackageName": PACKAGE})) == []
    (finding,) = template_findings(model({"ModelPackageName": "fraud/v3"}))
    assert (finding.location, finding.severity) == (
        "Properties.Containers[0].ModelPackageName",
        "error",
    )
    (finding,) = template_findings(model({"ModelPackageName": PACKAGE, "Image": IMAGE}))
    assert finding.severity == "warning"


def test_a_model_is_a_grantee_for_its_packages_content(stack: cdk.Stack) -> None:
    from aws_cdk import aws_ecr as ecr

    model = MultiContainerModel(
        stack, "Registry", containers=[ContainerDefinition(model_package=PACKAGE)]
    )
    s3.Bucket.from_bucket_name(stack, "Models", "models").grant_read(model, "fraud/*")
    ecr.Repository.from_repository_name(stack, "Images", "fraud").grant_pull(model)
    role = model.role.node.find_child("DefaultPolicy")
    actions = [
        statement["Action"]
        for statement in properties_of(template_of(stack), role)["PolicyDocument"]["Statement"]
    ]
    assert "ecr:GetAuthorizationToken" in actions
    assert len(actions) == 3


def test_a_model_package_of_the_app_is_read_by_its_arn(stack: cdk.Stack) -> None:
    from aws_cdk import aws_sagemaker as sagemaker

    version = sagemaker.CfnModelPackage(stack, "Version", model_package_group_name="fraud")
    model = MultiContainerModel(
        stack, "Registry", containers=[ContainerDefinition(model_package=version)]
    )
    properties = properties_of(template_of(stack), model.model)
    assert properties["Containers"] == [
        {"ModelPackageName": {"Fn::GetAtt": [logical_id(version), "ModelPackageArn"]}}
    ]
