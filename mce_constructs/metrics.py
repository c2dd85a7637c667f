"""CloudWatch metrics of an endpoint, its variant and (Direct mode) each container.

Every metric carries the endpoint's account and region, as aws-cdk-lib's resources do, so that
an alarm in another region is refused by CloudWatch's own check instead of silently watching
nothing, and a dashboard widget names the region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypedDict, Unpack

import aws_cdk as cdk

from ._tokens import is_unresolved

if TYPE_CHECKING:
    # Imported where used, so that an app that does not use them does not pay for them.
    from aws_cdk import aws_cloudwatch as cloudwatch

INVOCATION_NAMESPACE = "AWS/SageMaker"
"""Invocations, errors and latencies, per variant and (Direct mode) per container."""
INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints"
"""The instances' utilization metrics, which SageMaker publishes with the execution role."""


class MetricOptions(TypedDict, total=False):
    """Options of every metric helper (as in `cloudwatch.MetricOptions`)."""

    period: cdk.Duration
    statistic: str
    label: str
    color: str
    account: str
    region: str


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
    return cloudwatch.Metric(
        namespace=namespace,
        metric_name=metric_name,
        dimensions_map=dimensions,
        statistic=options.get("statistic", default_statistic),
        period=options.get("period"),
        label=options.get("label"),
        color=options.get("color"),
        account=options.get("account", None if is_unresolved(account) else account),
        region=options.get("region", None if is_unresolved(region) else region),
    )


class EndpointMetrics(Protocol):
    """The metric helpers of an endpoint (created here or imported), for one variant: the
    interface that `IMultiContainerEndpoint` inherits, with its one implementation.

    A class that subclasses it says in `_metric_target` what its metrics are about: the
    endpoint, the variant and the container, which it checks is one of its own.
    """

    def metric(self, metric_name: str, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Any `AWS/SageMaker` metric of this endpoint's variant. @default statistic Average"""
        return self._metric(INVOCATION_NAMESPACE, metric_name, None, "Average", options)

    def metric_invocations(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests sent to the endpoint. @default statistic Sum"""
        return self._metric(INVOCATION_NAMESPACE, "Invocations", None, "Sum", options)

    def metric_invocation_4xx_errors(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests the model answered with a 4xx status. @default statistic Sum"""
        return self._metric(INVOCATION_NAMESPACE, "Invocation4XXErrors", None, "Sum", options)

    def metric_invocation_5xx_errors(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests the model answered with a 5xx status. @default statistic Sum"""
        return self._metric(INVOCATION_NAMESPACE, "Invocation5XXErrors", None, "Sum", options)

    def metric_invocations_per_instance(
        self, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests per instance (what `scale_on_invocations` tracks). @default statistic Sum"""
        return self._metric(INVOCATION_NAMESPACE, "InvocationsPerInstance", None, "Sum", options)

    def metric_model_latency(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Time the containers took to answer, in microseconds. @default statistic Average"""
        return self._metric(INVOCATION_NAMESPACE, "ModelLatency", None, "Average", options)

    def metric_overhead_latency(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Time SageMaker added to each request, in microseconds. @default statistic Average"""
        return self._metric(INVOCATION_NAMESPACE, "OverheadLatency", None, "Average", options)

    def metric_cpu_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """CPU use of the instances, in percent of one core. @default statistic Average"""
        return self._metric(INSTANCE_NAMESPACE, "CPUUtilization", None, "Average", options)

    def metric_memory_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Memory use of the instances, in percent. @default statistic Average"""
        return self._metric(INSTANCE_NAMESPACE, "MemoryUtilization", None, "Average", options)

    def metric_disk_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Disk use of the instances, in percent. @default statistic Average"""
        return self._metric(INSTANCE_NAMESPACE, "DiskUtilization", None, "Average", options)

    def metric_gpu_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """GPU use of the instances (GPU instance types), in percent of one GPU.

        @default statistic Average
        """
        return self._metric(INSTANCE_NAMESPACE, "GPUUtilization", None, "Average", options)

    def metric_gpu_memory_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """GPU memory use of the instances (GPU instance types), in percent.

        @default statistic Average
        """
        return self._metric(INSTANCE_NAMESPACE, "GPUMemoryUtilization", None, "Average", options)

    def metric_for_container(
        self, container_hostname: str, metric_name: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Any `AWS/SageMaker` metric of one container (Direct mode).

        @default statistic Average
        """
        return self._metric(
            INVOCATION_NAMESPACE, metric_name, container_hostname, "Average", options
        )

    def metric_container_invocations(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests sent to one container (Direct mode). @default statistic Sum"""
        return self._metric(INVOCATION_NAMESPACE, "Invocations", container_hostname, "Sum", options)

    def metric_container_invocation_4xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 4xx status (Direct mode).

        @default statistic Sum
        """
        return self._metric(
            INVOCATION_NAMESPACE, "Invocation4XXErrors", container_hostname, "Sum", options
        )

    def metric_container_invocation_5xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 5xx status (Direct mode).

        @default statistic Sum
        """
        return self._metric(
            INVOCATION_NAMESPACE, "Invocation5XXErrors", container_hostname, "Sum", options
        )

    def metric_container_latency(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Time one container took to answer, in microseconds (Direct mode).

        @default statistic Average
        """
        return self._metric(
            INVOCATION_NAMESPACE, "ContainerLatency", container_hostname, "Average", options
        )

    def metric_container_cpu_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """CPU use of one container, in percent of one core (Direct mode).

        @default statistic Average
        """
        return self._metric(
            INSTANCE_NAMESPACE, "CPUUtilization", container_hostname, "Average", options
        )

    def metric_container_memory_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Memory use of one container, in percent (Direct mode). @default statistic Average"""
        return self._metric(
            INSTANCE_NAMESPACE, "MemoryUtilization", container_hostname, "Average", options
        )

    def _metric(
        self,
        namespace: str,
        metric_name: str,
        container_hostname: str | None,
        default_statistic: str,
        options: MetricOptions,
    ) -> cloudwatch.Metric:
        owner, endpoint_name, variant_name, hostname = self._metric_target(container_hostname)
        return endpoint_metric(
            owner,
            namespace,
            metric_name,
            dimensions=metric_dimensions(endpoint_name, variant_name, hostname),
            default_statistic=default_statistic,
            options=options,
        )

    def _metric_target(
        self, container_hostname: str | None
    ) -> tuple[cdk.IResource, str, str, str | None]:
        """What a metric is about: the endpoint resource (its account and region), its name,
        the variant, and the container's hostname as configured (checked to be one of the
        variant's; None for a metric of the whole variant)."""
        ...


class _ResourceWithMetricsMeta(type(cdk.Resource), type(EndpointMetrics)):  # type: ignore[misc]
    """The metaclass of a `cdk.Resource` that subclasses a protocol: jsii's and the protocol's
    together (Python asks for one that derives from both)."""


class ResourceWithMetrics(cdk.Resource, EndpointMetrics, metaclass=_ResourceWithMetricsMeta):
    """A `cdk.Resource` with the metric helpers (an endpoint, created here or imported)."""
