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
