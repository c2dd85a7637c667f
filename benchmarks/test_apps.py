"""The benchmark's apps build the same endpoints, its jsii count attributes round trips to the
code that makes them, and its analysis pairs samples by round (no timing here).

Run by `make bench-smoke`, not by `make test`: they check the benchmark, not the library."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from benchmarks.analysis import CaseResult, analyse
from benchmarks.jsii_calls import counting_round_trips
from benchmarks.measure import Case, Sample, child_env, run_once
from benchmarks.synth_app import VARIANTS, VariantUnavailableError, add_endpoints
from benchmarks.workload import (
    AB_VARIANTS,
    CAPTURE_SAMPLING_PERCENTAGE,
    CONTAINERS,
    ENDPOINTS_PER_STACK,
    stack_sizes,
)

ENDPOINTS = 2
STACK_RESOURCE_LIMIT = 500
SINGLE_VARIANT = ("l1", "construct", "alpha")
Template = dict[str, Any]
COUNTED_TYPES = (
    "AWS::SageMaker::Model",
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::Endpoint",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
)


class Built:
    """Every variant's stack from one app, synthesized once, with the jsii round trips each
    variant's endpoints made; the variants that cannot be built here, and why."""

    def __init__(self) -> None:
        app = cdk.App()
        self.unavailable: dict[str, str] = {}
        self.round_trips: dict[str, dict[str, Any]] = {}
        prefixes = {}
        for variant in VARIANTS:
            prefixes[variant] = "".join(word.capitalize() for word in variant.split("-"))
            try:
                with counting_round_trips() as trips:
                    add_endpoints(
                        app,
                        variant,
                        ENDPOINTS,
                        stack_prefix=prefixes[variant],
                        phase=trips.phase,
                    )
            except VariantUnavailableError as reason:
                self.unavailable[variant] = str(reason)
                continue
            self.round_trips[variant] = trips.to_json()
        assembly = app.synth()
        self.templates: dict[str, Template] = {
            variant: assembly.get_stack_by_name(f"{prefix}0").template
            for variant, prefix in prefixes.items()
            if variant not in self.unavailable
        }

    def template(self, variant: str) -> Template:
        if variant in self.unavailable:
            pytest.skip(f"{variant}: {self.unavailable[variant]}")
        return self.templates[variant]


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def resources_of_type(template: Template, resource_type: str) -> dict[str, Any]:
    """Logical id -> resource, for every resource of one type."""
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def count_by_type(template: Template) -> dict[str, int]:
    return {kind: len(resources_of_type(template, kind)) for kind in COUNTED_TYPES}


def policy_documents(template: Template) -> list[Any]:
    return [
        policy["Properties"]["PolicyDocument"]
        for policy in resources_of_type(template, "AWS::IAM::Policy").values()
    ]


def test_the_floor_has_the_stacks_and_no_resource(built: Built) -> None:
    assert built.template("empty").get("Resources", {}) == {}


def test_only_optional_variants_may_be_unavailable(built: Built) -> None:
    assert set(built.unavailable) <= {"alpha", "construct-ab"}


@pytest.mark.parametrize("variant", SINGLE_VARIANT)
def test_every_variant_builds_the_same_resources(built: Built, variant: str) -> None:
    assert count_by_type(built.template(variant)) == dict.fromkeys(COUNTED_TYPES, ENDPOINTS)


@pytest.mark.parametrize("variant", SINGLE_VARIANT)
def test_every_variant_builds_the_same_direct_containers(built: Built, variant: str) -> None:
    for model in resources_of_type(built.template(variant), "AWS::SageMaker::Model").values():
        properties = model["Properties"]
        assert properties["InferenceExecutionConfig"] == {"Mode": "Direct"}
        assert [
            (container["ContainerHostname"], container["Environment"])
            for container in properties["Containers"]
        ] == [(spec.hostname, spec.environment) for spec in CONTAINERS]


def test_the_hand_written_role_has_the_constructs_exact_policy(built: Built) -> None:
    assert policy_documents(built.template("l1")) == policy_documents(built.template("construct"))


def test_the_hand_written_config_has_the_constructs_variant(built: Built) -> None:
    def variants(variant: str) -> list[dict[str, Any]]:
        configs = resources_of_type(built.template(variant), "AWS::SageMaker::EndpointConfig")
        return [
            {key: value for key, value in production.items() if key != "ModelName"}
            for config in configs.values()
            for production in config["Properties"]["ProductionVariants"]
        ]

    assert variants("l1") == variants("construct")


def test_the_two_variant_endpoint_captures_data(built: Built) -> None:
    template = built.template("construct-ab")
    assert len(resources_of_type(template, "AWS::SageMaker::Model")) == ENDPOINTS * len(AB_VARIANTS)
    for config in resources_of_type(template, "AWS::SageMaker::EndpointConfig").values():
        properties = config["Properties"]
        assert [
            (variant["VariantName"], variant["InitialVariantWeight"])
            for variant in properties["ProductionVariants"]
        ] == [(variant.name, variant.initial_weight) for variant in AB_VARIANTS]
        capture = properties["DataCaptureConfig"]
        assert capture["InitialSamplingPercentage"] == CAPTURE_SAMPLING_PERCENTAGE


def test_a_stack_of_the_largest_case_stays_under_the_resource_limit(built: Built) -> None:
    per_endpoint = max(
        len(template["Resources"]) / ENDPOINTS
        for variant, template in built.templates.items()
        if variant != "empty"
    )
    assert max(stack_sizes(200)) * per_endpoint <= STACK_RESOURCE_LIMIT
    assert stack_sizes(200) == [ENDPOINTS_PER_STACK] * (200 // ENDPOINTS_PER_STACK)
    assert stack_sizes(1) == [1]


def test_round_trips_count_for_the_code_that_makes_them(built: Built) -> None:
    def callers(variant: str) -> dict[str, Any]:
        functions: dict[str, Any] = built.round_trips[variant]["further endpoints"]["functions"]
        return functions

    assert set(callers("l1")) == {"benchmarks/synth_app.py:add_l1_endpoint"}
    construct = callers("construct")
    assert construct
    assert all(function.startswith("mce_constructs/") for function in construct)
    assert "further endpoints" not in built.round_trips["empty"]


def results(samples: dict[str, list[float]]) -> list[CaseResult]:
    """Case -> wall times of each round (work time, CPU time and memory the same)."""
    return [
        CaseResult(
            Case.parse(case), [Sample(value, value, value, value, value) for value in values]
        )
        for case, values in samples.items()
    ]


def test_ratios_are_paired_by_round() -> None:
    analysis = analyse(results({"l1:1": [10, 20, 30], "construct:1": [12, 19, 33]}))
    wall = next(ratio for ratio in analysis.whole_process[1] if ratio.measure == "wall")
    # Per round 1.2, 0.95 and 1.1; the medians alone would say 19 / 20.
    assert wall.paired.median == pytest.approx(1.1)
    assert (wall.paired.minimum, wall.paired.maximum) == pytest.approx((0.95, 1.2))
    assert wall.of_medians == pytest.approx(0.95)
    time_target = next(target for target in analysis.targets if "wall" in target.name)
    assert not time_target.met
    assert time_target.uncertain


def test_marginal_cost_is_per_round_from_the_smallest_to_the_largest_size() -> None:
    analysis = analyse(
        results(
            {
                "l1:1": [5.0, 6.0],
                "l1:50": [99.0, 99.0],
                "l1:200": [5.0 + 199 * 0.02, 6.0 + 199 * 0.03],
                "construct:1": [5.0, 6.0],
                "construct:200": [5.0 + 199 * 0.03, 6.0 + 199 * 0.03],
            }
        )
    )
    l1 = next(cost for cost in analysis.marginal if (cost.variant, cost.measure) == ("l1", "wall"))
    assert (l1.small, l1.large) == (1, 200)
    assert l1.per_round == pytest.approx([0.02, 0.03])
    ratio = next(r for r in analysis.marginal_ratios if r.measure == "wall")
    assert ratio.paired.median == pytest.approx(1.25)
    marginal_targets = [t for t in analysis.targets if "per further endpoint" in t.name]
    assert [t.ratio.measure for t in marginal_targets] == ["wall", "work"]
    assert not any(target.met for target in marginal_targets)


def test_an_app_reports_the_time_it_works_once_the_cdk_is_loaded() -> None:
    """The work time of a real app process: positive and within its wall time."""
    sample = run_once(Case("construct", 1))
    assert 0 < sample.work < sample.wall


def test_the_apps_cache_bytecode_as_an_installed_package_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("MCE_INHERITED", "kept")
    env = child_env()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["MCE_INHERITED"] == "kept"
    assert env["CDK_DISABLE_CLI_TELEMETRY"] == "true"
