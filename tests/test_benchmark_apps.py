"""The benchmark's variants build the same endpoints (no timing here: see benchmarks/)."""

from __future__ import annotations

import importlib.util
from typing import Any

import aws_cdk as cdk
import pytest

from benchmarks.synth_app import VARIANTS, add_endpoints
from benchmarks.workload import CONTAINERS

from .conftest import Template, resources_of_type

ENDPOINTS = 2
HAS_ALPHA = importlib.util.find_spec("aws_cdk.aws_sagemaker_alpha") is not None
"""The alpha L2 is a benchmark-only dependency (benchmarks/requirements.txt)."""
BUILT_VARIANTS = [variant for variant in VARIANTS if variant != "alpha" or HAS_ALPHA]
COUNTED_TYPES = (
    "AWS::SageMaker::Model",
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::Endpoint",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
)


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    """Every variant's stack from one app, synthesized once."""
    app = cdk.App()
    for variant in BUILT_VARIANTS:
        add_endpoints(app, variant, ENDPOINTS, stack_prefix=variant.capitalize())
    assembly = app.synth()
    return {stack.stack_name.removesuffix("0").lower(): stack.template for stack in assembly.stacks}


def count_by_type(template: Template) -> dict[str, int]:
    return {kind: len(resources_of_type(template, kind)) for kind in COUNTED_TYPES}


def policy_documents(template: Template) -> list[Any]:
    return [
        policy["Properties"]["PolicyDocument"]
        for policy in resources_of_type(template, "AWS::IAM::Policy").values()
    ]


def test_the_empty_app_has_no_stack(templates: dict[str, Template]) -> None:
    assert "empty" not in templates
    assert sorted(templates) == sorted(set(BUILT_VARIANTS) - {"empty"})


@pytest.mark.parametrize("variant", [v for v in BUILT_VARIANTS if v != "empty"])
def test_every_variant_builds_the_same_resources(
    templates: dict[str, Template], variant: str
) -> None:
    assert count_by_type(templates[variant]) == dict.fromkeys(COUNTED_TYPES, ENDPOINTS)


@pytest.mark.parametrize("variant", [v for v in BUILT_VARIANTS if v != "empty"])
def test_every_variant_builds_the_same_direct_containers(
    templates: dict[str, Template], variant: str
) -> None:
    for model in resources_of_type(templates[variant], "AWS::SageMaker::Model").values():
        properties = model["Properties"]
        assert properties["InferenceExecutionConfig"] == {"Mode": "Direct"}
        assert [
            (container["ContainerHostname"], container["Environment"])
            for container in properties["Containers"]
        ] == [(spec.hostname, spec.environment) for spec in CONTAINERS]


def test_the_hand_written_role_has_the_constructs_exact_policy(
    templates: dict[str, Template],
) -> None:
    assert policy_documents(templates["l1"]) == policy_documents(templates["construct"])
