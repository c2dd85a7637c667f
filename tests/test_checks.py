"""`SageMakerEndpointChecks`, the policy-validation plugin: the rules applied to the SageMaker
resources of every template of an app, whoever wrote them, reported as CDK reports a plugin's
findings (construct path, rule id, message, source; acknowledgeable)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sagemaker as sagemaker

from app import build_app
from mce_constructs import SageMakerEndpointChecks
from mce_constructs.template_rules import (
    ENDPOINT,
    ENDPOINT_CONFIG,
    MODEL,
    Template,
    template_findings,
)

from .conftest import REGISTRY

ROLE_ARN = "arn:aws:iam::123456789012:role/execution"
PLUGIN = "SageMakerEndpointChecks"


def report_of(app: cdk.App, outdir: Path) -> list[dict[str, Any]]:
    """The plugin's violations in the validation report (an error makes `synth` raise after it
    wrote the report)."""
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
    path = outdir / "validation-report.json"
    if not path.exists():
        return []
    reports = json.loads(path.read_text())["pluginReports"]
    return [
        violation
        for report in reports
        if report["pluginName"] == PLUGIN
        for violation in report["violations"]
    ]


def app_in(outdir: Path) -> cdk.App:
    app = cdk.App(outdir=str(outdir))
    cdk.Validations.of(app).add_plugins(SageMakerEndpointChecks())
    return app


def l1_model(stack: cdk.Stack, id: str, image: str, **options: Any) -> sagemaker.CfnModel:
    return sagemaker.CfnModel(
        stack,
        id,
        execution_role_arn=ROLE_ARN,
        containers=[sagemaker.CfnModel.ContainerDefinitionProperty(image=image)],
        **options,
    )


def test_a_fixed_name_with_a_deploy_time_value_is_the_classic_trap(tmp_path: Path) -> None:
    app = app_in(tmp_path)
    stack = cdk.Stack(app, "L1")
    tag = cdk.CfnParameter(stack, "Tag").value_as_string
    model = l1_model(stack, "Model", f"{REGISTRY}/a:{tag}", model_name="fixed-model")
    sagemaker.CfnEndpointConfig(
        stack,
        "Config",
        endpoint_config_name="fixed-config",
        production_variants=[
            sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name="v",
                model_name=model.attr_model_name,
                instance_type="ml.m5.large",
                initial_instance_count=1,
            )
        ],
    )
    # Fixed values only, or no fixed name: no finding.
    l1_model(stack, "Literal", f"{REGISTRY}/a:1", model_name="literal-model")
    l1_model(stack, "Generated", f"{REGISTRY}/a:{tag}")
    l1_model(
        stack,
        "Pseudo",
        f"{cdk.Aws.ACCOUNT_ID}.dkr.ecr.{cdk.Aws.REGION}.amazonaws.com/a:1",
        model_name="pseudo-model",
    )
    violations = report_of(app, tmp_path)
    found = {
        (
            construct["constructPath"],
            construct["cloudFormationResource"]["propertyPaths"][0],
            violation["severity"],
        )
        for violation in violations
        for construct in violation["violatingConstructs"]
    }
    assert found == {
        ("L1/Model", "Properties.ModelName", "warning"),
        ("L1/Config", "Properties.EndpointConfigName", "warning"),
    }
    messages = sorted(violation["description"] for violation in violations)
    assert messages[0].startswith(
        "EndpointConfigName is fixed ('fixed-config'), but Properties.ProductionVariants[0]"
        ".ModelName is Fn::GetAtt of Model"
    )
    assert messages[1].startswith(
        "ModelName is fixed ('fixed-model'), but Properties.Containers[0].Image is Ref Tag"
    )
    assert all(violation["ruleName"] == "FixedNameWithDeployTimeValues" for violation in violations)
    assert all("source" in violation["ruleMetadata"] for violation in violations)


def test_a_finding_is_acknowledged_like_any_plugins(tmp_path: Path) -> None:
    app = app_in(tmp_path)
    stack = cdk.Stack(app, "L1")
    tag = cdk.CfnParameter(stack, "Tag").value_as_string
    model = l1_model(stack, "Model", f"{REGISTRY}/a:{tag}", model_name="fixed-model")
    cdk.Validations.of(model).acknowledge(
        cdk.Acknowledgment(
            id=f"{PLUGIN}::FixedNameWithDeployTimeValues", reason="the tag never changes"
        )
    )
    assert report_of(app, tmp_path) == []


def test_the_sample_app_has_no_finding(tmp_path: Path) -> None:
    app = app_in(tmp_path)
    build_app(app)
    assert report_of(app, tmp_path) == []


@pytest.mark.parametrize("plugin", [SageMakerEndpointChecks()])
def test_the_plugin_names_itself_and_its_rules(plugin: SageMakerEndpointChecks) -> None:
    assert plugin.name == PLUGIN
    assert "FixedNameWithDeployTimeValues" in plugin.rule_ids
    assert plugin.version


# --- the seed's invalid configurations, written by hand with the L1 ---------------------------


def containers(*hostnames: str | None, count: int | None = None) -> list[Any]:
    names = list(hostnames) if count is None else [f"c{index}" for index in range(count)]
    return [
        sagemaker.CfnModel.ContainerDefinitionProperty(
            image=f"{REGISTRY}/img{index}:1", container_hostname=hostname
        )
        for index, hostname in enumerate(names)
    ]


def direct(items: list[Any]) -> dict[str, Any]:
    return {
        "containers": items,
        "inference_execution_config": sagemaker.CfnModel.InferenceExecutionConfigProperty(
            mode="Direct"
        ),
    }


def variant(name: str = "v", **options: Any) -> Any:
    settings = {"instance_type": "ml.m5.large", "initial_instance_count": 1, **options}
    return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
        variant_name=name, model_name="some-model", **settings
    )


L1_MODELS: dict[str, dict[str, Any]] = {
    "DirectWithoutHostnames": direct(containers(None, None)),
    "SixteenContainers": {"containers": containers(count=16)},
    "DuplicateHostnames": direct(containers("first", "first")),
    "PartialHostnames": {"containers": containers("first", None)},
    "BadHostname": direct(containers("-first", "second")),
    "PrimaryAndContainers": {
        "containers": containers(None, None),
        "primary_container": sagemaker.CfnModel.ContainerDefinitionProperty(
            image=f"{REGISTRY}/img:1"
        ),
    },
    "BadEnvironment": {
        "containers": [
            sagemaker.CfnModel.ContainerDefinitionProperty(
                image=f"{REGISTRY}/img:1", environment={"1BAD": "x"}
            )
        ]
    },
    "OtherRegionImage": {
        "containers": [
            sagemaker.CfnModel.ContainerDefinitionProperty(
                image="123456789012.dkr.ecr.eu-west-1.amazonaws.com/img:1"
            )
        ]
    },
}
L1_CONFIGS: dict[str, list[Any]] = {
    "ElevenVariants": [variant(f"v{index}") for index in range(11)],
    "NoInstance": [variant(initial_instance_count=0)],
    "UnknownInstanceType": [variant(instance_type="ml.m5.larg")],
    "DuplicateVariants": [variant("a"), variant("a")],
}
EXPECTED = {
    "DirectWithoutHostnames": {
        ("ModelContainers", "error", "Properties.Containers[0].ContainerHostname"),
        ("ModelContainers", "error", "Properties.Containers[1].ContainerHostname"),
    },
    "SixteenContainers": {("ModelContainers", "error", "Properties.Containers")},
    "DuplicateHostnames": {
        ("ModelContainers", "error", "Properties.Containers[1].ContainerHostname")
    },
    "PartialHostnames": {
        ("ModelContainers", "error", "Properties.Containers[1].ContainerHostname")
    },
    "BadHostname": {("ModelContainers", "error", "Properties.Containers[0].ContainerHostname")},
    "PrimaryAndContainers": {
        ("PrimaryContainerWithContainers", "warning", "Properties.PrimaryContainer")
    },
    "BadEnvironment": {
        ("ModelContainers", "error", "Properties.Containers[0].Environment['1BAD']")
    },
    "OtherRegionImage": {("ModelContainers", "error", "Properties.Containers[0].Image")},
    "ElevenVariants": {("ProductionVariants", "error", "Properties.ProductionVariants")},
    "NoInstance": {
        ("ProductionVariants", "error", "Properties.ProductionVariants[0].InitialInstanceCount")
    },
    "UnknownInstanceType": {
        (
            "mce-constructs:unlistedInstanceType",
            "warning",
            "Properties.ProductionVariants[0].InstanceType",
        )
    },
    "DuplicateVariants": {
        ("ProductionVariants", "error", "Properties.ProductionVariants[1].VariantName")
    },
}


@pytest.fixture(scope="module")
def l1_findings() -> dict[str, set[tuple[str, str, str]]]:
    """The plugin's findings on each hand-written resource, by its id (one synthesis)."""
    app = cdk.App()
    stack = cdk.Stack(app, "Seed", env=cdk.Environment(region="us-east-1"))
    for id, options in L1_MODELS.items():
        sagemaker.CfnModel(stack, id, execution_role_arn=ROLE_ARN, **options)
    for id, variants in L1_CONFIGS.items():
        sagemaker.CfnEndpointConfig(stack, id, production_variants=variants)
    template = app.synth().get_stack_by_name("Seed").template
    found: dict[str, set[tuple[str, str, str]]] = {}
    for finding in template_findings(template, "us-east-1"):
        found.setdefault(finding.logical_id, set()).add(
            (finding.rule_id, finding.severity, finding.location)
        )
    return found


@pytest.mark.parametrize("id", sorted(EXPECTED))
def test_the_plugin_finds_the_seeds_invalid_configurations_in_hand_written_l1(
    l1_findings: dict[str, set[tuple[str, str, str]]], id: str
) -> None:
    found = {key: value for key, value in l1_findings.items() if key.startswith(id)}
    assert list(found.values()) == [EXPECTED[id]]


# --- valid material: the alpha L2's integration tests, rebuilt in Python -----------------------


def alpha_integration_template() -> Template:
    """The alpha L2's `integ.model.ts`, `integ.endpoint-config.ts` and `integ.endpoint.ts`
    (aws/aws-cdk, packages/@aws-cdk/aws-sagemaker-alpha/test), with the repository and the
    bucket of their "remote" model."""
    from aws_cdk import aws_ecr as ecr
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_s3 as s3
    from aws_cdk import aws_sagemaker_alpha as alpha

    app = cdk.App()
    stack = cdk.Stack(app, "AlphaInteg", env=cdk.Environment(region="us-east-1"))
    repository = ecr.Repository.from_repository_name(stack, "Repository", "integ-image")
    image = alpha.ContainerImage.from_ecr_repository(repository)
    bucket = s3.Bucket.from_bucket_name(stack, "Artifacts", "integ-artifacts")
    data = alpha.ModelData.from_bucket(bucket, "model.tar.gz")
    model_with_artifact = alpha.Model(
        stack,
        "ModelWithArtifact",
        containers=[alpha.ContainerDefinition(image=image, model_data=data)],
    )
    model_without_artifact = alpha.Model(
        stack, "ModelWithoutArtifact", containers=[alpha.ContainerDefinition(image=image)]
    )
    alpha.Model(
        stack,
        "InferencePipeline",
        containers=[
            alpha.ContainerDefinition(image=image),
            alpha.ContainerDefinition(image=image, model_data=data),
            alpha.ContainerDefinition(image=image, model_data=data),
        ],
    )
    config = alpha.EndpointConfig(
        stack,
        "EndpointConfig",
        instance_production_variants=[
            alpha.InstanceProductionVariantProps(
                model=model_with_artifact,
                variant_name="firstVariant",
                instance_type=alpha.InstanceType.M5_LARGE,
            ),
            alpha.InstanceProductionVariantProps(
                model=model_with_artifact, variant_name="secondVariant"
            ),
        ],
    )
    config.add_instance_production_variant(
        model=model_without_artifact, variant_name="thirdVariant", initial_variant_weight=2.0
    )
    endpoint = alpha.Endpoint(stack, "Endpoint", endpoint_config=config)
    endpoint.grant_invoke(iam.Role(stack, "Invoker", assumed_by=iam.AccountRootPrincipal()))
    variant = endpoint.find_instance_production_variant("firstVariant")
    scaling = variant.auto_scale_instance_count(max_capacity=3)
    scaling.scale_on_invocations("LimitRPS", max_requests_per_second=30)
    template: Template = app.synth().get_stack_by_name("AlphaInteg").template
    return template


def test_the_plugin_finds_nothing_on_the_alpha_l2s_integration_tests() -> None:
    template = alpha_integration_template()
    sagemaker_types = {MODEL, ENDPOINT_CONFIG, ENDPOINT}
    assert (
        sum(resource["Type"] in sagemaker_types for resource in template["Resources"].values()) == 5
    )
    assert template_findings(template, "us-east-1") == []


def test_the_region_of_the_stack_comes_from_the_cloud_assembly(tmp_path: Path) -> None:
    """An image of another region is refused in a stack with a region, not in one without."""
    app = app_in(tmp_path)
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1"
    for id, env in (("Abroad", cdk.Environment(region="eu-west-1")), ("Anywhere", None)):
        l1_model(cdk.Stack(app, id, env=env), "Model", image)
    violations = report_of(app, tmp_path)
    assert [
        (construct["constructPath"], violation["ruleName"], violation["severity"])
        for violation in violations
        for construct in violation["violatingConstructs"]
    ] == [("Abroad/Model", "ModelContainers", "error")]
    assert "us-east-1, but the stack deploys to eu-west-1" in violations[0]["description"]
