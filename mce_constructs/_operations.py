"""Rules and names for operating an endpoint (grants, metrics, autoscaling), as pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from ._tokens import is_unresolved
from ._validation import Problem, name_problems
from .container import InvocationMode

INVOCATION_METRICS_NAMESPACE = "AWS/SageMaker"
SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
HOSTNAME_CONDITION_KEY = "sagemaker:TargetContainerHostname"


def check_container_hostname(
    hostname: str,
    *,
    where: str,
    mode: InvocationMode | None,
    hostnames: Sequence[str] | None,
) -> list[Problem]:
    """Whether one container of the endpoint can be named by `hostname`.

    `mode` and `hostnames` are None for an imported endpoint whose settings are not known:
    then any valid hostname is accepted.
    """
    if is_unresolved(hostname):
        return []
    if mode is InvocationMode.SERIAL:
        return [
            Problem(
                where,
                f"{hostname!r} names a container, but this endpoint is a Serial pipeline; "
                "only a Direct-mode endpoint invokes its containers by hostname",
            )
        ]
    if hostnames is not None:
        if hostname in hostnames:
            return []
        known = ", ".join(repr(name) for name in hostnames)
        return [Problem(where, f"{hostname!r} is not a container of this endpoint ({known})")]
    return name_problems(where, hostname, "hostname")


def check_capacity_range(min_capacity: int, max_capacity: int) -> list[Problem]:
    """Autoscaling bounds: at least one instance, and min <= max."""
    problems = []
    if not is_unresolved(min_capacity) and min_capacity < 1:
        problems.append(
            Problem(
                "auto_scale_instance_count.min_capacity",
                f"{min_capacity} given; a variant keeps at least 1 instance",
            )
        )
    if not is_unresolved([min_capacity, max_capacity]) and max_capacity < min_capacity:
        problems.append(
            Problem(
                "auto_scale_instance_count.max_capacity",
                f"{max_capacity} given; at least min_capacity ({min_capacity})",
            )
        )
    return problems


def check_target_value(where: str, value: float) -> list[Problem]:
    """A target-tracking target: a positive number."""
    if is_unresolved(value) or value > 0:
        return []
    return [Problem(where, f"{value} given; a scaling target is a positive number")]


def scalable_resource_id(endpoint_name: str, variant_name: str) -> str:
    """Application Auto Scaling's id of a production variant."""
    return f"endpoint/{endpoint_name}/variant/{variant_name}"


def metric_dimensions(
    endpoint_name: str, variant_name: str, container_hostname: str | None = None
) -> dict[str, str]:
    """The dimensions of an endpoint variant's metrics, or of one container's."""
    dimensions = {"EndpointName": endpoint_name, "VariantName": variant_name}
    if container_hostname is not None:
        dimensions["ContainerName"] = container_hostname
    return dimensions
