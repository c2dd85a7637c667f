"""CloudWatch metrics of an endpoint, its variant and (Direct mode) each container.

Every metric carries the endpoint's account and region, as aws-cdk-lib's resources do, so that
an alarm in another region is refused by CloudWatch's own check instead of silently watching
nothing, and a dashboard widget names the region.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TypeAlias, TypedDict, TypeVar, Unpack

import aws_cdk as cdk

from ._tokens import is_unresolved
from .errors import MceValidationError
from .rules.location import ROOT
from .rules.values import shown

if TYPE_CHECKING:
    # Imported where used, so that an app that does not use them does not pay for them.
    from aws_cdk import aws_cloudwatch as cloudwatch

INVOCATION_NAMESPACE = "AWS/SageMaker"
"""Invocations, errors and latencies, per variant and (Direct mode) per container."""
INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints"
"""The instances' utilization metrics, which SageMaker publishes with the execution role."""
SERIAL_CONTAINER_METRICS = frozenset({"ContainerLatency"})
"""Per-container metrics of a Serial pipeline: "The ContainerLatency metric appears only for
inferences pipelines" (Developer Guide, inference-pipeline-logs-metrics); the others are
documented per container for Direct mode only (multi-container-metrics)."""
ADDITIVE_STATISTICS = frozenset({"Sum", "SampleCount"})
"""Statistics whose values over several variants add up to the endpoint's."""


class MetricOptions(TypedDict, total=False):
    """Options of every metric helper: those of `cloudwatch.MetricOptions`. `dimensions_map`
    adds dimensions to the metric's own (or replaces one of them)."""

    account: str
    color: str
    dimensions_map: Mapping[str, str]
    id: str
    label: str
    period: cdk.Duration
    region: str
    stack_account: str
    stack_region: str
    statistic: str
    unit: cloudwatch.Unit
    visible: bool


def metric_dimensions(
    endpoint_name: str, variant_name: str, container_hostname: str | None = None
) -> dict[str, str]:
    """The dimensions of an endpoint variant's metrics, or of one container's."""
    dimensions = {"EndpointName": endpoint_name, "VariantName": variant_name}
    if container_hostname is not None:
        dimensions["ContainerName"] = container_hostname
    return dimensions


def endpoint_metric(
    endpoint: cdk.IResource,
    namespace: str,
    metric_name: str,
    *,
    dimensions: dict[str, str],
    default_statistic: str,
    options: MetricOptions,
) -> cloudwatch.Metric:
    """The one place a metric is made: in the endpoint's account and region unless the options
    say otherwise (a token account or region, as in an environment-agnostic stack, is left
    to CloudWatch's default: the alarm's or dashboard's own)."""
    from aws_cdk import aws_cloudwatch as cloudwatch

    env = endpoint.env
    account, region = env.account, env.region
    settings: MetricOptions = {"statistic": default_statistic}
    if not is_unresolved(account):
        settings["account"] = account
    if not is_unresolved(region):
        settings["region"] = region
    settings.update(options)
    settings["dimensions_map"] = {**dimensions, **options.get("dimensions_map", {})}
    return cloudwatch.Metric(namespace=namespace, metric_name=metric_name, **settings)


def only_variant(metrics: Mapping[str, cloudwatch.Metric]) -> cloudwatch.Metric:
    """The metric of the one variant a variant or an imported endpoint is about."""
    (metric,) = metrics.values()
    return metric


def across_variants(
    endpoint: cdk.IResource, metrics: Mapping[str, cloudwatch.Metric], what: str
) -> cloudwatch.Metric | cloudwatch.MathExpression:
    """One metric of the endpoint from the same metric of each of its variants (by variant
    name): the metric itself for one variant; for several, their sum (a `MathExpression`)
    when the statistic adds up, else refused with a pointer to `variant(name)`."""
    from aws_cdk import aws_cloudwatch as cloudwatch

    if len(metrics) == 1:
        return only_variant(metrics)
    first = next(iter(metrics.values()))
    if first.statistic not in ADDITIVE_STATISTICS:
        names = ", ".join(shown(name) for name in metrics)
        raise MceValidationError(
            endpoint.node.path,
            [
                ROOT.field(what).problem(
                    f"the {first.statistic} of {first.metric_name} of variants {names} does "
                    "not add up to the endpoint's; read each variant's with "
                    f"endpoint.variant(name).{what}(...)",
                )
            ],
        )
    ids = [f"variant{index}" for index in range(len(metrics))]
    return cloudwatch.MathExpression(
        expression=" + ".join(ids),
        using_metrics=dict(zip(ids, metrics.values(), strict=True)),
        label=first.label or f"{first.metric_name} ({first.statistic}, every variant)",
        period=first.period,
        color=first.color,
    )


EndpointMetric: TypeAlias = "cloudwatch.Metric | cloudwatch.MathExpression"
"""A metric of an endpoint: a `MathExpression` when it adds up several variants."""
M_co = TypeVar("M_co", "cloudwatch.Metric", EndpointMetric, covariant=True)
"""What the helpers of a whole endpoint or variant return: a `cloudwatch.Metric` for one
variant (a variant, an imported endpoint), `EndpointMetric` for an endpoint that may have
several."""


class EndpointMetrics(Protocol[M_co]):
    """The metric helpers of an endpoint (created here or imported) and of a variant: the
    interface that `IMultiContainerEndpoint` inherits, with its one implementation.

    A class that subclasses it says what its metrics are about: `_metric_scope` (the endpoint
    and its variants) and `_combine` for the metrics of the whole endpoint or variant,
    `_metric_target` for one container, which it checks is one of its own.
    """

    def metric(self, metric_name: str, **options: Unpack[MetricOptions]) -> M_co:
        """Any `AWS/SageMaker` metric of this endpoint's variant. @default statistic Average"""
        return self._metric(INVOCATION_NAMESPACE, metric_name, "Average", options, "metric")

    def metric_invocations(self, **options: Unpack[MetricOptions]) -> M_co:
        """Requests sent to the endpoint. @default statistic Sum"""
        return self._metric(
            INVOCATION_NAMESPACE, "Invocations", "Sum", options, "metric_invocations"
        )

    def metric_invocation_4xx_errors(self, **options: Unpack[MetricOptions]) -> M_co:
        """Requests the model answered with a 4xx status. @default statistic Sum"""
        return self._metric(
            INVOCATION_NAMESPACE,
            "Invocation4XXErrors",
            "Sum",
            options,
            "metric_invocation_4xx_errors",
        )

    def metric_invocation_5xx_errors(self, **options: Unpack[MetricOptions]) -> M_co:
        """Requests the model answered with a 5xx status. @default statistic Sum"""
        return self._metric(
            INVOCATION_NAMESPACE,
            "Invocation5XXErrors",
            "Sum",
            options,
            "metric_invocation_5xx_errors",
        )

    def metric_invocations_per_instance(self, **options: Unpack[MetricOptions]) -> M_co:
        """Requests per instance (what `scale_on_invocations` tracks). @default statistic Sum"""
        return self._metric(
            INVOCATION_NAMESPACE,
            "InvocationsPerInstance",
            "Sum",
            options,
            "metric_invocations_per_instance",
        )

    def metric_model_latency(self, **options: Unpack[MetricOptions]) -> M_co:
        """Time the containers took to answer, in microseconds. @default statistic Average"""
        return self._metric(
            INVOCATION_NAMESPACE, "ModelLatency", "Average", options, "metric_model_latency"
        )

    def metric_overhead_latency(self, **options: Unpack[MetricOptions]) -> M_co:
        """Time SageMaker added to each request, in microseconds. @default statistic Average"""
        return self._metric(
            INVOCATION_NAMESPACE, "OverheadLatency", "Average", options, "metric_overhead_latency"
        )

    def metric_cpu_utilization(self, **options: Unpack[MetricOptions]) -> M_co:
        """CPU use of the instances, in percent of one core. @default statistic Average"""
        return self._metric(
            INSTANCE_NAMESPACE, "CPUUtilization", "Average", options, "metric_cpu_utilization"
        )

    def metric_memory_utilization(self, **options: Unpack[MetricOptions]) -> M_co:
        """Memory use of the instances, in percent. @default statistic Average"""
        return self._metric(
            INSTANCE_NAMESPACE, "MemoryUtilization", "Average", options, "metric_memory_utilization"
        )

    def metric_disk_utilization(self, **options: Unpack[MetricOptions]) -> M_co:
        """Disk use of the instances, in percent. @default statistic Average"""
        return self._metric(
            INSTANCE_NAMESPACE, "DiskUtilization", "Average", options, "metric_disk_utilization"
        )

    def metric_gpu_utilization(self, **options: Unpack[MetricOptions]) -> M_co:
        """GPU use of the instances (GPU instance types), in percent of one GPU.

        @default statistic Average
        """
        return self._metric(
            INSTANCE_NAMESPACE, "GPUUtilization", "Average", options, "metric_gpu_utilization"
        )

    def metric_gpu_memory_utilization(self, **options: Unpack[MetricOptions]) -> M_co:
        """GPU memory use of the instances (GPU instance types), in percent.

        @default statistic Average
        """
        return self._metric(
            INSTANCE_NAMESPACE,
            "GPUMemoryUtilization",
            "Average",
            options,
            "metric_gpu_memory_utilization",
        )

    def metric_for_container(
        self, container_hostname: str, metric_name: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Any `AWS/SageMaker` metric of one container (Direct mode).

        @default statistic Average
        """
        return self._container_metric(
            INVOCATION_NAMESPACE, metric_name, container_hostname, "Average", options
        )

    def metric_container_invocations(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests sent to one container (Direct mode). @default statistic Sum"""
        return self._container_metric(
            INVOCATION_NAMESPACE, "Invocations", container_hostname, "Sum", options
        )

    def metric_container_invocation_4xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 4xx status (Direct mode).

        @default statistic Sum
        """
        return self._container_metric(
            INVOCATION_NAMESPACE, "Invocation4XXErrors", container_hostname, "Sum", options
        )

    def metric_container_invocation_5xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 5xx status (Direct mode).

        @default statistic Sum
        """
        return self._container_metric(
            INVOCATION_NAMESPACE, "Invocation5XXErrors", container_hostname, "Sum", options
        )

    def metric_container_latency(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Time one container took to answer, in microseconds (Direct mode, and Serial
        pipelines whose containers have hostnames).

        @default statistic Average
        """
        return self._container_metric(
            INVOCATION_NAMESPACE, "ContainerLatency", container_hostname, "Average", options
        )

    def metric_container_cpu_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """CPU use of one container, in percent of one core (Direct mode).

        @default statistic Average
        """
        return self._container_metric(
            INSTANCE_NAMESPACE, "CPUUtilization", container_hostname, "Average", options
        )

    def metric_container_memory_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Memory use of one container, in percent (Direct mode). @default statistic Average"""
        return self._container_metric(
            INSTANCE_NAMESPACE, "MemoryUtilization", container_hostname, "Average", options
        )

    def _metric(
        self,
        namespace: str,
        metric_name: str,
        default_statistic: str,
        options: MetricOptions,
        what: str,
    ) -> M_co:
        owner, endpoint_name, variant_names = self._metric_scope()
        metrics = {
            variant_name: endpoint_metric(
                owner,
                namespace,
                metric_name,
                dimensions=metric_dimensions(endpoint_name, variant_name),
                default_statistic=default_statistic,
                options=options,
            )
            for variant_name in variant_names
        }
        return self._combine(owner, metrics, what)

    def _container_metric(
        self,
        namespace: str,
        metric_name: str,
        container_hostname: str,
        default_statistic: str,
        options: MetricOptions,
    ) -> cloudwatch.Metric:
        serial_too = namespace == INVOCATION_NAMESPACE and metric_name in SERIAL_CONTAINER_METRICS
        owner, endpoint_name, variant_name, hostname = self._metric_target(
            container_hostname, serial_too=serial_too
        )
        return endpoint_metric(
            owner,
            namespace,
            metric_name,
            dimensions=metric_dimensions(endpoint_name, variant_name, hostname),
            default_statistic=default_statistic,
            options=options,
        )

    def _metric_scope(self) -> tuple[cdk.IResource, str, Sequence[str]]:
        """What a metric of the whole endpoint (or variant) is about: the endpoint resource (its
        account and region), its name, and the variants it covers."""
        ...

    def _combine(
        self, owner: cdk.IResource, metrics: Mapping[str, cloudwatch.Metric], what: str
    ) -> M_co:
        """The metric of the whole endpoint (or variant) from each variant's (by name)."""
        ...

    def _metric_target(
        self, container_hostname: str, *, serial_too: bool
    ) -> tuple[cdk.IResource, str, str, str]:
        """What a metric of one container is about: the endpoint resource, its name, the
        container's variant and its hostname as configured (checked to be one of the
        endpoint's: in a Direct-mode variant, or with `serial_too` in any variant)."""
        ...


SingleVariantMetrics = EndpointMetrics["cloudwatch.Metric"]
"""The helpers of one variant (a variant, an imported endpoint): each returns a
`cloudwatch.Metric`."""


class _ResourceWithMetricsMeta(type(cdk.Resource), type(EndpointMetrics)):  # type: ignore[misc]
    """The metaclass of a `cdk.Resource` that subclasses a protocol: jsii's and the protocol's
    together (Python asks for one that derives from both)."""


class ResourceWithMetrics(cdk.Resource, EndpointMetrics[M_co], metaclass=_ResourceWithMetricsMeta):
    """A `cdk.Resource` with the metric helpers (an endpoint, created here or imported)."""
