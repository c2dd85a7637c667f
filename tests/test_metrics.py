"""Metrics: each helper's namespace, name and dimensions, every `cloudwatch.MetricOptions`
option passed through, per-container metrics where SageMaker publishes them (Direct mode; and
`ContainerLatency` for Serial pipelines), and an endpoint's metrics over several variants."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch

from mce_constructs import (
    ContainerDefinition,
    InvocationMode,
    MceValidationError,
    MultiContainerEndpoint,
    VariantDefinition,
)

from .conftest import REGISTRY, assert_lint_clean, containers, one_metric

PIPELINE = containers("pre", "model", hostnames=True)
DIRECT = [
    ContainerDefinition(image=f"{REGISTRY}/ranker:1", container_hostname="Ranker"),
    ContainerDefinition(image=f"{REGISTRY}/embedder:1", container_hostname="embedder"),
]


class Built:
    """A Serial pipeline with hostnames, and an A/B endpoint (a Serial and a Direct variant)."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stack = cdk.Stack(self.app, "Metrics", env=cdk.Environment(region="us-east-1"))
        self.pipeline = MultiContainerEndpoint(
            self.stack, "Pipeline", endpoint_name="pipeline", containers=PIPELINE
        )
        self.ab = MultiContainerEndpoint(
            self.stack,
            "Ab",
            endpoint_name="ab",
            variants=[
                VariantDefinition(name="blue", containers=PIPELINE, initial_weight=80),
                VariantDefinition(
                    name="green", containers=DIRECT, mode=InvocationMode.DIRECT, initial_weight=20
                ),
            ],
        )


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def dimensions(built: Built, metric: cloudwatch.Metric) -> Any:
    return built.stack.resolve(metric.dimensions)


def refused(call: Any) -> list[str]:
    with pytest.raises(MceValidationError) as caught:
        call()
    return [str(problem) for problem in caught.value.problems]


def test_container_latency_of_a_serial_pipeline_names_the_container(built: Built) -> None:
    metric = built.pipeline.metric_container_latency("model")
    assert (metric.namespace, metric.metric_name) == ("AWS/SageMaker", "ContainerLatency")
    assert dimensions(built, metric) == {
        "EndpointName": "pipeline",
        "VariantName": "AllTraffic",
        "ContainerName": "model",
    }
    generic = built.pipeline.metric_for_container("pre", "ContainerLatency")
    assert dimensions(built, generic)["ContainerName"] == "pre"


def test_other_container_metrics_of_a_serial_pipeline_are_refused(built: Built) -> None:
    """Per-container invocations and utilization are documented for Direct mode only."""
    assert refused(lambda: built.pipeline.metric_container_invocations("model")) == [
        "metric.container_hostname: 'model' names a container, but this endpoint is a Serial "
        "pipeline; only a Direct-mode endpoint invokes its containers by hostname"
    ]
    assert refused(lambda: built.pipeline.metric_container_latency("postprocess")) == [
        "metric.container_hostname: 'postprocess' is not a container of this endpoint "
        "('pre', 'model')"
    ]


def test_container_latency_of_an_ab_endpoint_finds_the_serial_variant(built: Built) -> None:
    assert dimensions(built, built.ab.metric_container_latency("pre"))["VariantName"] == "blue"
    assert dimensions(built, built.ab.variant("blue").metric_container_latency("model")) == {
        "EndpointName": "ab",
        "VariantName": "blue",
        "ContainerName": "model",
    }


def test_an_ab_endpoint_finds_a_container_case_insensitively(built: Built) -> None:
    """As the single-variant form does (hostnames are DNS names): the metric names the
    container as configured."""
    metric = built.ab.metric_container_invocations("RANKER")
    assert dimensions(built, metric) == {
        "EndpointName": "ab",
        "VariantName": "green",
        "ContainerName": "Ranker",
    }


def test_an_endpoint_metric_that_adds_up_covers_every_variant(built: Built) -> None:
    metric = built.ab.metric_invocations()
    assert isinstance(metric, cloudwatch.MathExpression)
    assert metric.expression == "variant0 + variant1"
    parts = [metric.using_metrics[key] for key in ("variant0", "variant1")]
    stats = [part.to_metric_config().metric_stat for part in parts]
    assert [built.stack.resolve(stat.dimensions) for stat in stats if stat] == [
        [{"name": "EndpointName", "value": "ab"}, {"name": "VariantName", "value": variant}]
        for variant in ("blue", "green")
    ]
    assert [stat.statistic for stat in stats if stat] == ["Sum", "Sum"]
    # It alarms like any metric (and the template stays valid).
    metric.create_alarm(built.stack, "AbErrors", threshold=1, evaluation_periods=1)
    counted = built.ab.metric_invocation_5xx_errors(statistic="SampleCount")
    assert isinstance(counted, cloudwatch.MathExpression)


def test_an_endpoint_metric_that_does_not_add_up_points_to_the_variants(built: Built) -> None:
    assert refused(built.ab.metric_model_latency) == [
        "metric_model_latency: the Average of ModelLatency of variants 'blue', 'green' does not "
        "add up to the endpoint's; read each variant's with "
        "endpoint.variant(name).metric_model_latency(...)"
    ]
    assert refused(lambda: built.ab.metric_invocations(statistic="p99")) == [
        "metric_invocations: the p99 of Invocations of variants 'blue', 'green' does not add up "
        "to the endpoint's; read each variant's with "
        "endpoint.variant(name).metric_invocations(...)"
    ]


def test_every_metric_option_is_passed_through(built: Built) -> None:
    metric = built.pipeline.metric_invocations(
        unit=cloudwatch.Unit.COUNT,
        dimensions_map={"Team": "ranking"},
        id="invocations",
        visible=False,
        label="requests",
        period=cdk.Duration.minutes(1),
    )
    assert isinstance(metric, cloudwatch.Metric)
    assert metric.unit == cloudwatch.Unit.COUNT
    assert (metric.id, metric.visible, metric.label) == ("invocations", False, "requests")
    assert metric.period.to_seconds() == 60
    assert dimensions(built, metric) == {
        "EndpointName": "pipeline",
        "VariantName": "AllTraffic",
        "Team": "ranking",
    }
    # The endpoint's account and region stay the default; options replace them.
    assert metric.region == "us-east-1"
    assert one_metric(built.pipeline.metric_invocations(region="eu-west-1")).region == "eu-west-1"


def test_the_template_with_an_alarm_on_variants_passes_cfn_lint(built: Built) -> None:
    built.ab.metric_invocation_4xx_errors().create_alarm(
        built.stack, "Ab4xx", threshold=10, evaluation_periods=1
    )
    assert_lint_clean(built.app.synth().get_stack_by_name("Metrics").template)
