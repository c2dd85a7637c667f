"""What every multi-container endpoint offers, deployed by this app or imported: invoke grants
and CloudWatch metrics. One implementation serves both."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict, Unpack

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ._operations import (
    HOSTNAME_CONDITION_KEY,
    INVOCATION_METRICS_NAMESPACE,
    check_container_hostname,
    metric_dimensions,
)
from ._permissions import METRICS_NAMESPACE as INSTANCE_METRICS_NAMESPACE
from ._tokens import is_unresolved
from ._validation import MceValidationError
from .container import InvocationMode

if TYPE_CHECKING:
    # Imported where used, so that an app that does not use them does not pay for them.
    from aws_cdk import aws_cloudwatch as cloudwatch

DEFAULT_VARIANT_NAME = "AllTraffic"


class MetricOptions(TypedDict, total=False):
    """Options of every metric helper (as in `cloudwatch.MetricOptions`)."""

    period: cdk.Duration
    statistic: str
    label: str
    color: str
    account: str
    region: str


class IMultiContainerEndpoint(Construct):
    """A multi-container endpoint, created here (`MultiContainerEndpoint`) or imported
    (`MultiContainerEndpoint.from_endpoint_name`): grant invoke on it and read its metrics."""

    endpoint_name: str
    """The endpoint's name (a token when CloudFormation generates it)."""
    endpoint_arn: str
    """The endpoint's ARN."""
    variant_name: str
    """The production variant that the metrics are about."""
    mode: InvocationMode | None = None
    """How the endpoint invokes its containers (None for an imported endpoint: not known)."""
    _container_hostnames: tuple[str, ...] | None = None

    def grant_invoke(
        self, grantee: iam.IGrantable, *, container_hostname: str | None = None
    ) -> iam.Grant:
        """Let `grantee` call `InvokeEndpoint` on this endpoint.

        :param container_hostname: allow invoking only this container (Direct mode): the
            statement carries the `sagemaker:TargetContainerHostname` condition.
            @default every container
        """
        conditions = None
        if container_hostname is not None:
            self._require_container(container_hostname, "grant_invoke.container_hostname")
            conditions = {"StringEquals": {HOSTNAME_CONDITION_KEY: container_hostname}}
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["sagemaker:InvokeEndpoint"],
            resource_arns=[self.endpoint_arn],
            conditions=conditions,
        )

    def metric(self, metric_name: str, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Any `AWS/SageMaker` metric of this endpoint's variant. @default statistic Average"""
        return self._metric(INVOCATION_METRICS_NAMESPACE, metric_name, None, "Average", options)

    def metric_invocations(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests sent to the endpoint. @default statistic Sum"""
        return self._metric(INVOCATION_METRICS_NAMESPACE, "Invocations", None, "Sum", options)

    def metric_invocation_4xx_errors(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests the model answered with a 4xx status. @default statistic Sum"""
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "Invocation4XXErrors", None, "Sum", options
        )

    def metric_invocation_5xx_errors(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Requests the model answered with a 5xx status. @default statistic Sum"""
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "Invocation5XXErrors", None, "Sum", options
        )

    def metric_invocations_per_instance(
        self, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests per instance (what `scale_on_invocations` tracks). @default statistic Sum"""
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "InvocationsPerInstance", None, "Sum", options
        )

    def metric_model_latency(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Time the containers took to answer, in microseconds. @default statistic Average"""
        return self._metric(INVOCATION_METRICS_NAMESPACE, "ModelLatency", None, "Average", options)

    def metric_overhead_latency(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Time SageMaker added to each request, in microseconds. @default statistic Average"""
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "OverheadLatency", None, "Average", options
        )

    def metric_cpu_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """CPU use of the instances, in percent of one core. @default statistic Average"""
        return self._metric(INSTANCE_METRICS_NAMESPACE, "CPUUtilization", None, "Average", options)

    def metric_memory_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Memory use of the instances, in percent. @default statistic Average"""
        return self._metric(
            INSTANCE_METRICS_NAMESPACE, "MemoryUtilization", None, "Average", options
        )

    def metric_disk_utilization(self, **options: Unpack[MetricOptions]) -> cloudwatch.Metric:
        """Disk use of the instances, in percent. @default statistic Average"""
        return self._metric(INSTANCE_METRICS_NAMESPACE, "DiskUtilization", None, "Average", options)

    def metric_for_container(
        self, container_hostname: str, metric_name: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Any `AWS/SageMaker` metric of one container (Direct mode).

        @default statistic Average
        """
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, metric_name, container_hostname, "Average", options
        )

    def metric_container_invocations(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests sent to one container (Direct mode). @default statistic Sum"""
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "Invocations", container_hostname, "Sum", options
        )

    def metric_container_invocation_4xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 4xx status (Direct mode).

        @default statistic Sum
        """
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "Invocation4XXErrors", container_hostname, "Sum", options
        )

    def metric_container_invocation_5xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 5xx status (Direct mode).

        @default statistic Sum
        """
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "Invocation5XXErrors", container_hostname, "Sum", options
        )

    def metric_container_latency(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Time one container took to answer, in microseconds (Direct mode).

        @default statistic Average
        """
        return self._metric(
            INVOCATION_METRICS_NAMESPACE, "ContainerLatency", container_hostname, "Average", options
        )

    def metric_container_cpu_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """CPU use of one container, in percent of one core (Direct mode).

        @default statistic Average
        """
        return self._metric(
            INSTANCE_METRICS_NAMESPACE, "CPUUtilization", container_hostname, "Average", options
        )

    def metric_container_memory_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Memory use of one container, in percent (Direct mode). @default statistic Average"""
        return self._metric(
            INSTANCE_METRICS_NAMESPACE, "MemoryUtilization", container_hostname, "Average", options
        )

    def _metric(
        self,
        namespace: str,
        metric_name: str,
        container_hostname: str | None,
        default_statistic: str,
        options: MetricOptions,
    ) -> cloudwatch.Metric:
        """The one place a metric is made: the variant's dimensions, plus the container's."""
        if container_hostname is not None:
            self._require_container(container_hostname, "metric.container_hostname")
        from aws_cdk import aws_cloudwatch as cloudwatch

        return cloudwatch.Metric(
            namespace=namespace,
            metric_name=metric_name,
            dimensions_map=metric_dimensions(
                self.endpoint_name, self.variant_name, container_hostname
            ),
            statistic=options.get("statistic", default_statistic),
            period=options.get("period"),
            label=options.get("label"),
            color=options.get("color"),
            account=options.get("account"),
            region=options.get("region"),
        )

    def _require_container(self, hostname: str, where: str) -> None:
        """Refuse a hostname that does not name a container this endpoint invokes directly."""
        problems = check_container_hostname(
            hostname,
            where=where,
            mode=self.mode,
            hostnames=self._container_hostnames,
        )
        if problems:
            raise MceValidationError(self.node.path, problems)


class ImportedEndpoint(IMultiContainerEndpoint):
    """An endpoint deployed elsewhere, known by name and ARN."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        endpoint_name: str,
        endpoint_arn: str,
        variant_name: str,
        container_hostnames: Sequence[str] | None,
    ) -> None:
        super().__init__(scope, id)
        self.endpoint_name = endpoint_name
        self.endpoint_arn = endpoint_arn
        self.variant_name = variant_name
        self._container_hostnames = (
            None if container_hostnames is None else tuple(container_hostnames)
        )


def endpoint_arn_for(scope: Construct, endpoint_name: str) -> str:
    """The ARN of the endpoint `endpoint_name` in `scope`'s account and region (SageMaker
    lower-cases the name in its ARNs; a token is used as it is)."""
    name = endpoint_name if is_unresolved(endpoint_name) else endpoint_name.lower()
    return cdk.Stack.of(scope).format_arn(
        service="sagemaker", resource="endpoint", resource_name=name
    )


def endpoint_name_in(endpoint_arn: str) -> str:
    """The endpoint name in an endpoint ARN (lower-case, as SageMaker writes it)."""
    resource_name = cdk.Arn.split(endpoint_arn, cdk.ArnFormat.SLASH_RESOURCE_NAME).resource_name
    if resource_name is None:
        raise ValueError(f"{endpoint_arn!r} is not the ARN of a SageMaker endpoint")
    return resource_name
