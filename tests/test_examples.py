"""The examples of docs/examples: real configurations, reproduced with the library.

Each example module is loaded from its file (docs/ is not a package of the library), built once
into one shared app and synthesized; every template passes cfn-lint, every model and endpoint
config is valid for botocore's `CreateModel` / `CreateEndpointConfig`, and each example keeps
what makes it the configuration it reproduces.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from ._service_model import api_parameters, botocore_validate
from .conftest import (
    REPO,
    Template,
    assert_lint_clean,
    only_resource,
    resources_of_type,
    template_of,
)

EXAMPLES = REPO / "docs" / "examples"
NAMES = (
    "direct_invocation_mnist",
    "three_pytorch_models",
    "sklearn_linear_learner_pipeline",
    "terraform_acceptance",
    "alpha_integ",
    "kubernetes_operator",
)
DLC = "763104351884.dkr.ecr.us-east-1.amazonaws.com"
SUBMIT = "SAGEMAKER_SUBMIT_DIRECTORY"


def load_build(name: str) -> Callable[[cdk.App], cdk.Stack]:
    """The `build` function of docs/examples/<name>.py, loaded from the file."""
    spec = importlib.util.spec_from_file_location(f"mce_examples.{name}", EXAMPLES / f"{name}.py")
    assert spec is not None, name
    assert spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.__doc__, f"{name}: no docstring naming the configuration and its source"
    return cast(Callable[[cdk.App], cdk.Stack], module.build)


@dataclass(frozen=True)
class Example:
    stack: cdk.Stack
    template: Template

    def models(self) -> dict[str, dict[str, Any]]:
        """Logical id -> properties of every `AWS::SageMaker::Model`."""
        found = resources_of_type(self.template, "AWS::SageMaker::Model")
        return {logical_id: resource["Properties"] for logical_id, resource in found.items()}

    def model(self) -> dict[str, Any]:
        """The properties of the one model."""
        properties: dict[str, Any] = only_resource(self.template, "AWS::SageMaker::Model")[1][
            "Properties"
        ]
        return properties

    def variants(self) -> list[dict[str, Any]]:
        """The production variants of the one endpoint config."""
        config = only_resource(self.template, "AWS::SageMaker::EndpointConfig")[1]
        variants: list[dict[str, Any]] = config["Properties"]["ProductionVariants"]
        return variants

    def warnings(self) -> set[str]:
        """The warnings on the stack's constructs: the id of each that has one
        (`mce-constructs:...`), else its whole message."""
        found = assertions.Annotations.from_stack(self.stack).find_warning(
            "*", assertions.Match.any_value()
        )
        messages = [str(message.entry.data) for message in found]
        return {
            match.group(1) if (match := re.search(r"\[ack: ([^\]]+)\]", text)) else text
            for text in messages
        }


@pytest.fixture(scope="module")
def examples() -> dict[str, Example]:
    """Every example, built into one app and synthesized once."""
    app = cdk.App()
    stacks = {name: load_build(name)(app) for name in NAMES}
    return {name: Example(stack, template_of(stack)) for name, stack in stacks.items()}


def containers(properties: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = properties["Containers"]
    return found


def model_name_of(variant: dict[str, Any]) -> str:
    """The logical id of the model a production variant serves (`Fn::GetAtt` of its name)."""
    logical_id, attribute = variant["ModelName"]["Fn::GetAtt"]
    assert attribute == "ModelName"
    return str(logical_id)


def text_of(value: Any) -> str:
    """A value the template joins, as text: `aws` for the partition, `{...}` for any other
    reference (for assertions)."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(text_of(part) for part in parts)
    return "aws" if value == {"Ref": "AWS::Partition"} else "{...}"


def statement(example: Example, sid: str) -> dict[str, Any]:
    """The execution policy's statement `sid` (the stack's one execution policy)."""
    policies = resources_of_type(example.template, "AWS::IAM::Policy")
    found: list[dict[str, Any]] = [
        s
        for policy in policies.values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == sid
    ]
    assert len(found) == 1, found
    return found[0]


def resources(statement_: dict[str, Any]) -> set[str]:
    listed = statement_["Resource"]
    return {text_of(resource) for resource in (listed if isinstance(listed, list) else [listed])}


# Every example


def test_every_example_is_tested_and_documented() -> None:
    files = {path.stem for path in EXAMPLES.glob("*.py")} - {"__init__"}
    assert files == set(NAMES)
    readme = (EXAMPLES / "README.md").read_text()
    for name in NAMES:
        assert f"]({name}.py)" in readme, f"docs/examples/README.md has no section on {name}.py"


@pytest.mark.parametrize("name", NAMES)
def test_template_is_lint_clean(examples: dict[str, Example], name: str) -> None:
    assert_lint_clean(examples[name].template)


@pytest.mark.parametrize("name", NAMES)
def test_models_and_configs_are_valid_api_calls(examples: dict[str, Example], name: str) -> None:
    template = examples[name].template
    calls = {
        "AWS::SageMaker::Model": "CreateModel",
        "AWS::SageMaker::EndpointConfig": "CreateEndpointConfig",
    }
    checked = 0
    for resource_type, operation in calls.items():
        for resource in resources_of_type(template, resource_type).values():
            botocore_validate(operation, api_parameters(resource["Properties"]))
            checked += 1
    # The Terraform test's model is alone; the others have a model and an endpoint config.
    assert checked >= (1 if name == "terraform_acceptance" else 2)


@pytest.mark.parametrize(
    ("name", "warnings"),
    [
        *((name, set()) for name in NAMES if name != "alpha_integ"),
        # Only firstVariant is autoscaled, as in integ.endpoint.ts.
        (
            "alpha_integ",
            {"mce-constructs:scaledInstanceType", "mce-constructs:unscaledVariantCount"},
        ),
    ],
)
def test_warnings(examples: dict[str, Example], name: str, warnings: set[str]) -> None:
    assert examples[name].warnings() == warnings


# What makes each example its configuration


def test_direct_invocation_mnist_is_two_framework_containers_by_hostname(
    examples: dict[str, Example],
) -> None:
    example = examples["direct_invocation_mnist"]
    model = example.model()
    assert model["InferenceExecutionConfig"] == {"Mode": "Direct"}
    pytorch, tensorflow = containers(model)
    assert pytorch["ContainerHostname"] == "pytorch-mnist"
    assert pytorch["Image"] == f"{DLC}/pytorch-inference:1.8.1-cpu-py36"
    # The repacked archive is the model data and the script-mode code.
    assert pytorch["Environment"] == {
        "SAGEMAKER_PROGRAM": "inference.py",
        SUBMIT: pytorch["ModelDataUrl"],
    }
    assert tensorflow["ContainerHostname"] == "tensorflow-mnist"
    assert tensorflow["Image"] == f"{DLC}/tensorflow-inference:2.3.1-cpu"
    assert "Environment" not in tensorflow
    (variant,) = example.variants()
    assert (variant["VariantName"], variant["InstanceType"], variant["InitialInstanceCount"]) == (
        "prod",
        "ml.c5.4xlarge",
        1,
    )
    endpoint = only_resource(example.template, "AWS::SageMaker::Endpoint")[1]
    assert endpoint["Properties"]["EndpointName"] == "mnist-multi-container-ep"


def test_three_pytorch_models_each_with_its_own_version_and_script(
    examples: dict[str, Example],
) -> None:
    example = examples["three_pytorch_models"]
    model = example.model()
    assert model["InferenceExecutionConfig"] == {"Mode": "Direct"}
    assert [
        (c["ContainerHostname"], c["Image"], c["Environment"]["SAGEMAKER_PROGRAM"])
        for c in containers(model)
    ] == [
        ("pytorch-kornlp-nsmc", f"{DLC}/pytorch-inference:1.7.1-cpu-py3", "inference_nsmc.py"),
        ("pytorch-kornlp-korsts", f"{DLC}/pytorch-inference:1.8.1-cpu-py3", "inference_korsts.py"),
        ("pytorch-kornlp-kobart", f"{DLC}/pytorch-inference:1.8.1-cpu-py3", "inference_kobart.py"),
    ]
    urls = [c["ModelDataUrl"] for c in containers(model)]
    assert [c["Environment"][SUBMIT] for c in containers(model)] == urls
    assert len(set(urls)) == 3
    (variant,) = example.variants()
    assert (variant["VariantName"], variant["InstanceType"]) == ("prod", "ml.c5.xlarge")


def test_sklearn_pipeline_runs_the_featurizer_then_linear_learner_from_its_code(
    examples: dict[str, Example],
) -> None:
    example = examples["sklearn_linear_learner_pipeline"]
    model = example.model()
    assert model["InferenceExecutionConfig"] == {"Mode": "Serial"}
    featurizer, regressor = containers(model)
    assert featurizer["Image"].endswith("/sagemaker-scikit-learn:1.2-1-cpu-py3")
    assert regressor["Image"].endswith("/linear-learner:1")
    assert all("ContainerHostname" not in c for c in (featurizer, regressor))
    assert "Environment" not in regressor
    environment = featurizer["Environment"]
    code = environment[SUBMIT]
    assert code.endswith("/source/sourcedir.tar.gz")
    assert environment == {
        "SAGEMAKER_PROGRAM": "sklearn_abalone_featurizer.py",
        "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
        "SAGEMAKER_REGION": "us-east-1",
        SUBMIT: code,
    }
    # The execution role reads the code archive, as it reads the two models.
    readable = resources(statement(example, "ReadModelData"))
    code_arn = "arn:aws:s3:::" + code.removeprefix("s3://")
    model_arns = {
        "arn:aws:s3:::" + c["ModelDataUrl"].removeprefix("s3://") for c in [featurizer, regressor]
    }
    assert readable == {code_arn, *model_arns}
    (variant,) = example.variants()
    assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.c4.xlarge", 1)


def test_terraform_acceptance_is_two_bare_kmeans_containers_in_serial(
    examples: dict[str, Example],
) -> None:
    model = examples["terraform_acceptance"].model()
    assert model["InferenceExecutionConfig"] == {"Mode": "Serial"}
    kmeans = {"Image": "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"}
    assert containers(model) == [kmeans, kmeans]


def test_alpha_integ_has_three_weighted_variants_the_first_autoscaled(
    examples: dict[str, Example],
) -> None:
    example = examples["alpha_integ"]
    models = example.models()
    configs = resources_of_type(example.template, "AWS::SageMaker::EndpointConfig")
    (config_id,) = [
        logical_id
        for logical_id, config in configs.items()
        if len(config["Properties"]["ProductionVariants"]) == 3
    ]
    variants = configs[config_id]["Properties"]["ProductionVariants"]
    assert [(v["VariantName"], v["InstanceType"], v["InitialVariantWeight"]) for v in variants] == [
        ("firstVariant", "ml.m5.large", 1),
        ("secondVariant", "ml.t2.medium", 1),
        ("thirdVariant", "ml.t2.medium", 2),
    ]
    first, _, third = (containers(models[model_name_of(v)]) for v in variants)
    # The first two variants share one model; the third serves the image without the artifact.
    assert model_name_of(variants[0]) == model_name_of(variants[1])
    assert len(models) == 3  # with artifact, without, and the pipeline
    assert [set(c) for c in first] == [{"Image", "ModelDataUrl"}]
    assert third == [{"Image": first[0]["Image"]}]

    target = only_resource(example.template, "AWS::ApplicationAutoScaling::ScalableTarget")[1]
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (1, 3)
    assert text_of(target["Properties"]["ResourceId"]).endswith("/variant/firstVariant")
    policy = only_resource(example.template, "AWS::ApplicationAutoScaling::ScalingPolicy")[1]
    tracking = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    # maxRequestsPerSecond 30, safety factor 0.5: 900 invocations per instance per minute.
    assert tracking == {
        "PredefinedMetricSpecification": {
            "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
        },
        "TargetValue": 900,
    }

    # The invoker may invoke that endpoint (the ARN is its Ref).
    (endpoint_id,) = [
        logical_id
        for logical_id, endpoint in resources_of_type(
            example.template, "AWS::SageMaker::Endpoint"
        ).items()
        if endpoint["Properties"]["EndpointConfigName"]
        == {"Fn::GetAtt": [config_id, "EndpointConfigName"]}
    ]
    invoke = [
        s
        for policy in resources_of_type(example.template, "AWS::IAM::Policy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Action"] == "sagemaker:InvokeEndpoint"
    ]
    assert invoke == [
        {"Action": "sagemaker:InvokeEndpoint", "Effect": "Allow", "Resource": {"Ref": endpoint_id}}
    ]

    # integ.model.ts's inference pipeline: the image, then the image with the artifact twice.
    (pipeline,) = [m for m in models.values() if len(containers(m)) == 3]
    assert pipeline["InferenceExecutionConfig"] == {"Mode": "Serial"}
    assert containers(pipeline) == [{"Image": first[0]["Image"]}, first[0], first[0]]


def test_kubernetes_operator_is_two_xgboost_containers_with_hostnames(
    examples: dict[str, Example],
) -> None:
    example = examples["kubernetes_operator"]
    model = example.model()
    assert model["InferenceExecutionConfig"] == {"Mode": "Serial"}
    first, second = containers(model)
    assert (first["ContainerHostname"], second["ContainerHostname"]) == ("xgboost-1", "xgboost-2")
    assert (
        first["Image"]
        == second["Image"]
        == ("811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1")
    )
    assert first["ModelDataUrl"] == second["ModelDataUrl"]
    (variant,) = example.variants()
    assert (variant["VariantName"], variant["InstanceType"], variant["InitialInstanceCount"]) == (
        "AllTraffic",
        "ml.r5.large",
        1,
    )
