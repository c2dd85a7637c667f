"""Every rule of the service, as pure functions: settings in, a list of problems out.

One function per rule (as in cdk-nag's rule files). The rules of an endpoint's settings are
listed in `ENDPOINT_RULES` and run together by `validate`, so that a user sees every problem at
once; the rules of later calls (autoscaling, a container named in a grant or a metric) sit
below them. `report` is the one place problems are raised (errors, as one
`MceValidationError`) or annotated (warnings, acknowledgeable by id). A value that is an
unresolved CDK token is skipped, never guessed at. The limits and patterns below are
cross-checked against botocore's SageMaker service model in `tests/test_service_model.py`.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aws_cdk as cdk
from constructs import Construct

from ._instance_types import INSTANCE_TYPES
from ._naming import NAME_MAX_LENGTH, NAME_PATTERN
from ._tokens import is_unresolved
from .container import ContainerDefinition, InvocationMode
from .deployment import (
    BlueGreenDeployment,
    CapacitySize,
    CapacityUnit,
    DeploymentConfig,
    RollingDeployment,
    TrafficRoutingType,
)
from .errors import MceValidationError, Problem
from .variants import RoutingStrategy, VariantDefinition

if TYPE_CHECKING:
    from .data_capture import DataCapture

MAX_CONTAINERS = 15
IMAGE_MAX_LENGTH = 255
IMAGE_PATTERN = re.compile(r"[\S]+")
MODEL_DATA_URL_MAX_LENGTH = 1024
MODEL_DATA_URL_PATTERN = re.compile(r"(https|s3)://([^/]+)/?(.*)")
MODEL_DATA_ASSET_SUFFIX = ".tar.gz"
ENVIRONMENT_KEY_PATTERN = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
ENVIRONMENT_KEY_MAX_LENGTH = 1024
ENVIRONMENT_VALUE_MAX_BYTES = 1024
MAX_ENVIRONMENT_ENTRIES = 100
ENVIRONMENT_TOTAL_MAX_BYTES = 32 * 1024
""""32 KB" of keys and values across all containers (CreateModel's documentation of
`Environment`), read as 32768 bytes of UTF-8: the documentation counts bytes."""
MIN_INSTANCE_COUNT = 1
SECURITY_GROUPS_RANGE = (1, 5)
SUBNETS_RANGE = (1, 16)
WAIT_SECONDS = (0, 3600)
TERMINATION_WAIT_SECONDS = (0, 3600)
EXECUTION_TIMEOUT_SECONDS = (600, 28800)
CANARY_PERCENT = (1, 50)
LINEAR_STEP_PERCENT = (10, 50)
ROLLING_BATCH_PERCENT = (5, 50)
ROLLBACK_BATCH_PERCENT = (1, 100)
MAX_ROLLBACK_ALARMS = 10
MAX_VARIANTS = 10
VOLUME_SIZE_GIB = (1, 512)
VARIANT_TIMEOUT_SECONDS = (60, 3600)
SAMPLING_PERCENT = (0, 100)
CAPTURE_URI_MAX_LENGTH = 512
MAX_CAPTURE_CONTENT_TYPES = 10
CONTENT_TYPE_MAX_LENGTH = 256
CONTENT_TYPE_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9])*\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*")
CAPTURE_DIRECT_WARNING_ID = "mce-constructs:dataCaptureDirect"
ROLLING_VARIANTS_WARNING_ID = "mce-constructs:rollingMultiVariant"

CPU_INSTANCE_TYPE = re.compile(r"ml\.[tmcr]\d")
"""General purpose (t, m), compute (c) and memory (r) optimised families: the CPU instances.
The Developer Guide lists multi-container endpoints as CPU-only, so the GPU (g, p), Inferentia
(inf), Trainium (trn) and Gaudi (dl) families of `INSTANCE_TYPES` are refused."""

NVME_ONLY_FAMILIES = frozenset(
    {
        # CPU families with local NVMe SSD storage (the `d` in the name).
        *("c5d", "c6gd", "m5d", "m6gd", "r5d", "r6gd", "r7gd"),
        # Accelerated families with local NVMe SSD storage (also refused as not CPU).
        *("dl1", "g4dn", "g5", "g6", "g6e", "p4d", "p4de", "p5", "p5e", "p5en"),
        *("trn1", "trn1n", "trn2"),
    }
)
"""Families of `INSTANCE_TYPES` whose storage is NVMe instance storage only. The SageMaker API
reference of `CreateEndpointConfig.KmsKeyId` says the call fails with a key on such instances
and points to the EC2 User Guide's table of instance store volumes, the source of this list.
The newest accelerated families (g7, g7e, p6) are not in that table: they are left out, and
refused as not CPU anyway."""

_NAME_RULE = (
    f"1 to {NAME_MAX_LENGTH} letters, digits and hyphens, "
    "starting and ending with a letter or digit"
)


@dataclass(frozen=True, kw_only=True)
class EndpointSpec:
    """The settings of one endpoint that the rules look at.

    Only plain values and counts, never CDK objects, so that every rule stays a pure function.
    A new option adds a field here (with a default when it is optional) and a rule to `RULES`.
    """

    containers: Sequence[ContainerDefinition]
    mode: InvocationMode
    instance_type: str
    initial_instance_count: int
    variant_name: str
    endpoint_name: str | None = None
    """None when CloudFormation generates the name."""
    has_kms_key: bool = False
    security_group_count: int | None = None
    """None when the model is not in a VPC."""
    subnet_count: int | None = None
    """None when the model is not in a VPC, or its subnets are a list token."""
    vpc_options_without_vpc: tuple[str, ...] = ()
    """The names of VPC options (`vpc_subnets`, `security_groups`) given without `vpc`."""
    deployment: DeploymentConfig | None = None
    initial_weight: float = 1
    volume_size: cdk.Size | None = None
    model_data_download_timeout: cdk.Duration | None = None
    container_startup_health_check_timeout: cdk.Duration | None = None
    routing_strategy: RoutingStrategy | None = None
    enable_ssm_access: bool = False
    variants: Sequence[VariantDefinition] | None = None
    """Every variant in the `variants=` form (None in the single-variant form): `validate`
    checks each one's settings as the fields above (`for_variant`), the rest once."""
    single_variant_options: tuple[str, ...] = ()
    """The names of single-variant options (`containers`, `mode`, ...) given with `variants`."""
    data_capture: DataCapture | None = None

    def for_variant(self, variant: VariantDefinition) -> EndpointSpec:
        """This spec with `variant`'s settings as its variant fields (`VARIANT_FIELDS`)."""
        return dataclasses.replace(
            self, **{field: getattr(variant, source) for field, source in VARIANT_FIELDS.items()}
        )


VARIANT_FIELDS = {
    # The spec's field (as a problem names it) -> the VariantDefinition field it comes from.
    "containers": "containers",
    "mode": "mode",
    "instance_type": "instance_type",
    "initial_instance_count": "initial_instance_count",
    "variant_name": "name",
    "initial_weight": "initial_weight",
    "volume_size": "volume_size",
    "model_data_download_timeout": "model_data_download_timeout",
    "container_startup_health_check_timeout": "container_startup_health_check_timeout",
    "routing_strategy": "routing_strategy",
    "enable_ssm_access": "enable_ssm_access",
}


Rule = Callable[[EndpointSpec], list[Problem]]


def report(scope: Construct, problems: Sequence[Problem]) -> None:
    """Raise the errors among `problems` as one `MceValidationError` naming `scope`'s path, or
    add the warnings to `scope` (each acknowledgeable by its id) when there is no error."""
    errors = [problem for problem in problems if problem.warning_id is None]
    if errors:
        raise MceValidationError(scope.node.path, errors)
    for problem in problems:
        if problem.warning_id is not None:
            cdk.Annotations.of(scope).add_warning_v2(problem.warning_id, str(problem))


def container_label(index: int, container: ContainerDefinition) -> str:
    """How a problem names a container: its index, and its hostname when it has one."""
    hostname = container.container_hostname
    if hostname is None:
        return f"containers[{index}]"
    return f"containers[{index}] ({hostname!r})"


def name_problems(where: str, name: str, what: str) -> list[Problem]:
    """The shared rule of hostnames and SageMaker resource names."""
    if is_unresolved(name) or (
        len(name) <= NAME_MAX_LENGTH and NAME_PATTERN.fullmatch(name) is not None
    ):
        return []
    return [Problem(where, f"{name!r} is not a valid {what}: {_NAME_RULE}")]


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def _is_environment_key(key: object) -> bool:
    return (
        isinstance(key, str)
        and len(key) <= ENVIRONMENT_KEY_MAX_LENGTH
        and ENVIRONMENT_KEY_PATTERN.fullmatch(key) is not None
    )


def check_container_count(spec: EndpointSpec) -> list[Problem]:
    """A model has 1 to 15 containers."""
    count = len(spec.containers)
    if 1 <= count <= MAX_CONTAINERS:
        return []
    return [
        Problem(
            "containers",
            f"{count} containers given; a multi-container endpoint has 1 to {MAX_CONTAINERS}",
        )
    ]


def check_mode(spec: EndpointSpec) -> list[Problem]:
    """The mode is an `InvocationMode`; a plain string, even "Direct", is refused, not guessed."""
    if isinstance(spec.mode, InvocationMode):
        return []
    return [
        Problem(
            "mode",
            f"{spec.mode!r} is not an InvocationMode; "
            "use InvocationMode.SERIAL or InvocationMode.DIRECT",
        )
    ]


def check_hostnames(spec: EndpointSpec) -> list[Problem]:
    """Hostnames: valid, unique case-insensitively (they are DNS names), on every
    container in Direct mode and on all or none in Serial mode."""
    problems: list[Problem] = []
    hostnames = [container.container_hostname for container in spec.containers]
    missing = [index for index, hostname in enumerate(hostnames) if hostname is None]
    if spec.mode is InvocationMode.DIRECT:
        problems.extend(
            Problem(
                f"{container_label(index, spec.containers[index])}.container_hostname",
                "required in Direct mode (each request names its container by hostname)",
            )
            for index in missing
        )
    elif missing and len(missing) < len(hostnames):
        problems.extend(
            Problem(
                f"{container_label(index, spec.containers[index])}.container_hostname",
                "missing; in Serial mode give a hostname to all containers or to none",
            )
            for index in missing
        )
    seen: dict[str, int] = {}
    for index, hostname in enumerate(hostnames):
        if hostname is None or is_unresolved(hostname):
            continue
        where = f"{container_label(index, spec.containers[index])}.container_hostname"
        problems.extend(name_problems(where, hostname, "hostname"))
        first = seen.setdefault(hostname.lower(), index)
        if first != index:
            problems.append(
                Problem(
                    where,
                    f"{hostname!r} is already used by containers[{first}] "
                    "(hostnames are compared case-insensitively)",
                )
            )
    return problems


def check_images(spec: EndpointSpec) -> list[Problem]:
    """An image URI SageMaker accepts: 1 to 255 characters, no whitespace."""
    problems = []
    for index, container in enumerate(spec.containers):
        uri = container.container_image.uri
        if uri is None or is_unresolved(uri):
            continue
        if len(uri) > IMAGE_MAX_LENGTH or IMAGE_PATTERN.fullmatch(uri) is None:
            problems.append(
                Problem(
                    f"{container_label(index, container)}.image",
                    f"{uri!r} is not a valid image URI: "
                    f"1 to {IMAGE_MAX_LENGTH} characters, no whitespace",
                )
            )
    return problems


def check_model_data(spec: EndpointSpec) -> list[Problem]:
    """A model data URL SageMaker accepts; an asset is an existing `.tar.gz` file."""
    problems = []
    for index, container in enumerate(spec.containers):
        if container.model_data is None:
            continue
        where = f"{container_label(index, container)}.model_data"
        uri = container.model_data.uri
        if (
            uri is not None
            and not is_unresolved(uri)
            and (len(uri) > MODEL_DATA_URL_MAX_LENGTH or not MODEL_DATA_URL_PATTERN.fullmatch(uri))
        ):
            problems.append(
                Problem(
                    where,
                    f"{uri!r} is not a valid model data URL: s3://<bucket>/<key> or "
                    f"https://<host>/<path>, at most {MODEL_DATA_URL_MAX_LENGTH} characters",
                )
            )
        path = container.model_data.asset_path
        if (
            path is not None
            and not is_unresolved(path)
            and not (path.endswith(MODEL_DATA_ASSET_SUFFIX) and os.path.isfile(path))
        ):
            problems.append(
                Problem(
                    where,
                    f"ModelData.from_asset({path!r}): model artifacts are an existing "
                    f"{MODEL_DATA_ASSET_SUFFIX} file",
                )
            )
    return problems


def check_environment(spec: EndpointSpec) -> list[Problem]:
    """Environment names and sizes, per variable, per container and in total."""
    problems = []
    total_bytes = 0
    for index, container in enumerate(spec.containers):
        label = f"{container_label(index, container)}.environment"
        if len(container.environment) > MAX_ENVIRONMENT_ENTRIES:
            problems.append(
                Problem(
                    label,
                    f"{len(container.environment)} variables; "
                    f"at most {MAX_ENVIRONMENT_ENTRIES} per container",
                )
            )
        for key, value in container.environment.items():
            where = f"{label}[{key!r}]"
            if not is_unresolved(key):
                if isinstance(key, str):
                    total_bytes += _utf8_length(key)
                if not _is_environment_key(key):
                    problems.append(
                        Problem(
                            where,
                            "not a valid variable name: letters, digits and underscores, "
                            "not starting with a digit, "
                            f"at most {ENVIRONMENT_KEY_MAX_LENGTH} characters",
                        )
                    )
            if is_unresolved(value):
                continue
            if not isinstance(value, str):
                problems.append(Problem(where, f"the value {value!r} is not a str"))
                continue
            size = _utf8_length(value)
            total_bytes += size
            if size > ENVIRONMENT_VALUE_MAX_BYTES:
                problems.append(
                    Problem(
                        where,
                        f"the value is {size} bytes; "
                        f"at most {ENVIRONMENT_VALUE_MAX_BYTES} bytes (UTF-8)",
                    )
                )
    if total_bytes > ENVIRONMENT_TOTAL_MAX_BYTES:
        problems.append(
            Problem(
                "containers[*].environment",
                f"{total_bytes} bytes of names and values in all containers together; "
                f"at most {ENVIRONMENT_TOTAL_MAX_BYTES} (32 KB)",
            )
        )
    return problems


def check_endpoint_name(spec: EndpointSpec) -> list[Problem]:
    """A given endpoint name is a valid SageMaker name."""
    if spec.endpoint_name is None:
        return []
    return name_problems("endpoint_name", spec.endpoint_name, "endpoint name")


def check_variant_name(spec: EndpointSpec) -> list[Problem]:
    """The variant name is a valid SageMaker name."""
    return name_problems("variant_name", spec.variant_name, "variant name")


def check_instance_type(spec: EndpointSpec) -> list[Problem]:
    """The instance type is one SageMaker endpoints offer."""
    value = spec.instance_type
    if is_unresolved(value) or value in INSTANCE_TYPES:
        return []
    close = difflib.get_close_matches(str(value), INSTANCE_TYPES, n=3)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    return [
        Problem(
            "instance_type",
            f"{value!r} is not an instance type of SageMaker endpoints "
            f"(ProductionVariantInstanceType in the SageMaker API){hint}",
        )
    ]


def check_instance_count(spec: EndpointSpec) -> list[Problem]:
    """At least one instance, a whole number."""
    count = spec.initial_instance_count
    if is_unresolved(count) or (
        isinstance(count, int) and not isinstance(count, bool) and count >= MIN_INSTANCE_COUNT
    ):
        return []
    return [
        Problem(
            "initial_instance_count",
            f"{count!r} is not allowed: a whole number, at least {MIN_INSTANCE_COUNT}",
        )
    ]


def check_cpu_instance_type(spec: EndpointSpec) -> list[Problem]:
    """Multi-container endpoints run on CPU instances only."""
    value = spec.instance_type
    if value not in INSTANCE_TYPES or CPU_INSTANCE_TYPE.match(value):
        return []
    return [
        Problem(
            "instance_type",
            f"{value!r} is an accelerated (GPU, Inferentia, Trainium or Gaudi) instance type; "
            "multi-container endpoints run on CPU instances only "
            "(the ml.t, ml.m, ml.c and ml.r families)",
        )
    ]


def check_kms_key_storage(spec: EndpointSpec) -> list[Problem]:
    """No storage key with an instance type that has only NVMe instance storage."""
    value = spec.instance_type
    if not spec.has_kms_key or value not in INSTANCE_TYPES:
        return []
    family = value.split(".")[1]
    if family not in NVME_ONLY_FAMILIES:
        return []
    return [
        Problem(
            "kms_key",
            f"not allowed with {value!r}: its storage is NVMe instance storage only, which the "
            "instance encrypts itself, and SageMaker refuses a KmsKeyId with it; drop kms_key "
            "or use an instance type without instance storage",
        )
    ]


def check_vpc(spec: EndpointSpec) -> list[Problem]:
    """A model in a VPC has 1 to 5 security groups and 1 to 16 subnets."""
    problems = []
    for where, count, (low, high), noun in (
        ("security_groups", spec.security_group_count, SECURITY_GROUPS_RANGE, "security groups"),
        ("vpc_subnets", spec.subnet_count, SUBNETS_RANGE, "subnets"),
    ):
        if count is not None and not low <= count <= high:
            problems.append(
                Problem(where, f"{count} {noun}; a model in a VPC has {low} to {high} {noun}")
            )
    return problems


def check_vpc_options_need_a_vpc(spec: EndpointSpec) -> list[Problem]:
    """Subnets and security groups mean nothing without a VPC: refuse rather than ignore."""
    return [
        Problem(option, "given without vpc; it applies only to a model in a VPC: give vpc too")
        for option in spec.vpc_options_without_vpc
    ]


def _seconds(duration: cdk.Duration | None) -> float | None:
    """The duration in seconds, or None when it is absent or a token."""
    if duration is None or duration.is_unresolved():
        return None
    return duration.to_seconds(integral=False)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _duration_problems(
    where: str, duration: cdk.Duration | None, limits: tuple[int, int]
) -> list[Problem]:
    """A whole number of seconds within `limits` (inclusive)."""
    seconds = _seconds(duration)
    if seconds is None:
        return []
    low, high = limits
    if seconds != int(seconds):
        return [
            Problem(where, f"{_number(seconds)} seconds given; a whole number of seconds is needed")
        ]
    if not low <= seconds <= high:
        return [
            Problem(where, f"{_number(seconds)} seconds given; {low} to {high} seconds allowed")
        ]
    return []


def _capacity_problems(
    where: str, size: CapacitySize | None, what: str, percent: tuple[int, int]
) -> list[Problem]:
    """A share of the fleet: a percentage within `percent`, or at least one instance."""
    if size is None or is_unresolved(size.value):
        return []
    if size.unit is CapacityUnit.INSTANCES:
        if size.value >= 1:
            return []
        return [Problem(where, f"{size.value} instances given; {what} is at least 1 instance")]
    low, high = percent
    if low <= size.value <= high:
        return []
    return [
        Problem(
            where, f"{size.value}% given; {what} is {low}% to {high}% of the variant's instances"
        )
    ]


def check_rollback_alarms(spec: EndpointSpec) -> list[Problem]:
    """Auto-rollback watches at most 10 alarms."""
    if spec.deployment is None:
        return []
    count = len(spec.deployment.rollback_alarms)
    if count <= MAX_ROLLBACK_ALARMS:
        return []
    return [
        Problem(
            "deployment.rollback_alarms",
            f"{count} alarms given; auto-rollback watches 1 to {MAX_ROLLBACK_ALARMS} alarms",
        )
    ]


def check_blue_green(spec: EndpointSpec) -> list[Problem]:
    """Blue/green traffic shifting: canary and linear sizes, waits and timeout."""
    config = spec.deployment
    if not isinstance(config, BlueGreenDeployment):
        return []
    routing = config.traffic_routing
    problems = []
    if routing.type is TrafficRoutingType.CANARY:
        problems += _capacity_problems(
            "deployment.traffic_routing.size", routing.size, "a canary", CANARY_PERCENT
        )
    elif routing.type is TrafficRoutingType.LINEAR:
        problems += _capacity_problems(
            "deployment.traffic_routing.step", routing.size, "a linear step", LINEAR_STEP_PERCENT
        )
    problems += _duration_problems("deployment.traffic_routing.wait", routing.wait, WAIT_SECONDS)
    problems += _duration_problems(
        "deployment.termination_wait", config.termination_wait, TERMINATION_WAIT_SECONDS
    )
    timeout_problems = _duration_problems(
        "deployment.maximum_execution_timeout",
        config.maximum_execution_timeout,
        EXECUTION_TIMEOUT_SECONDS,
    )
    problems += timeout_problems or _timeout_exceeds_waits(config)
    return problems


def _timeout_exceeds_waits(config: BlueGreenDeployment) -> list[Problem]:
    """The service model: the timeout must be longer than the termination wait and the wait."""
    timeout = _seconds(config.maximum_execution_timeout)
    termination_wait = _seconds(config.termination_wait or cdk.Duration.seconds(0))
    wait = _seconds(config.traffic_routing.wait)
    if timeout is None or termination_wait is None or wait is None:
        return []
    if timeout > termination_wait + wait:
        return []
    return [
        Problem(
            "deployment.maximum_execution_timeout",
            f"{_number(timeout)} seconds given; it must be longer than termination_wait + "
            f"traffic_routing.wait ({_number(termination_wait + wait)} seconds)",
        )
    ]


def check_rolling(spec: EndpointSpec) -> list[Problem]:
    """Rolling updates: batch sizes, wait and timeout."""
    config = spec.deployment
    if not isinstance(config, RollingDeployment):
        return []
    return [
        *_capacity_problems(
            "deployment.batch_size", config.batch_size, "a rolling batch", ROLLING_BATCH_PERCENT
        ),
        *_duration_problems("deployment.wait", config.wait, WAIT_SECONDS),
        *_capacity_problems(
            "deployment.rollback_batch_size",
            config.rollback_batch_size,
            "a rollback batch",
            ROLLBACK_BATCH_PERCENT,
        ),
        *_duration_problems(
            "deployment.maximum_execution_timeout",
            config.maximum_execution_timeout,
            EXECUTION_TIMEOUT_SECONDS,
        ),
    ]


def _size_problems(where: str, size: cdk.Size | None, limits: tuple[int, int]) -> list[Problem]:
    """A whole number of GiB within `limits` (inclusive); a token is skipped."""
    if size is None:
        return []
    if not isinstance(size, cdk.Size):
        return [Problem(where, f"{size!r} is not a cdk.Size (e.g. cdk.Size.gibibytes(30))")]
    if size.is_unresolved():
        return []
    gibibytes = size.to_gibibytes(rounding=cdk.SizeRoundingBehavior.NONE)
    low, high = limits
    if gibibytes != int(gibibytes):
        return [Problem(where, f"{_number(gibibytes)} GiB given; a whole number of GiB is needed")]
    if not low <= gibibytes <= high:
        return [Problem(where, f"{_number(gibibytes)} GiB given; {low} to {high} GiB allowed")]
    return []


def _timeout_problems(where: str, duration: cdk.Duration | None) -> list[Problem]:
    """A variant's timeout: a `cdk.Duration` of 60 to 3600 whole seconds."""
    if duration is not None and not isinstance(duration, cdk.Duration):
        return [
            Problem(where, f"{duration!r} is not a cdk.Duration (e.g. cdk.Duration.minutes(10))")
        ]
    return _duration_problems(where, duration, VARIANT_TIMEOUT_SECONDS)


def check_variant_settings(spec: EndpointSpec) -> list[Problem]:
    """A variant's volume size, timeouts, routing strategy and SSM access."""
    problems = [
        *_size_problems("volume_size", spec.volume_size, VOLUME_SIZE_GIB),
        *_timeout_problems("model_data_download_timeout", spec.model_data_download_timeout),
        *_timeout_problems(
            "container_startup_health_check_timeout", spec.container_startup_health_check_timeout
        ),
    ]
    strategy = spec.routing_strategy
    if strategy is not None and not isinstance(strategy, RoutingStrategy):
        problems.append(
            Problem(
                "routing_strategy",
                f"{strategy!r} is not a RoutingStrategy; use "
                "RoutingStrategy.LEAST_OUTSTANDING_REQUESTS or RoutingStrategy.RANDOM",
            )
        )
    if not isinstance(spec.enable_ssm_access, bool):
        problems.append(Problem("enable_ssm_access", f"{spec.enable_ssm_access!r} is not a bool"))
    return problems


def check_variants(spec: EndpointSpec) -> list[Problem]:
    """The `variants=` form: 1 to 10 `VariantDefinition`s with unique names, and none of the
    single-variant options beside them."""
    if spec.variants is None:
        return []
    problems = []
    if spec.single_variant_options:
        options = ", ".join(spec.single_variant_options)
        problems.append(
            Problem(
                "variants",
                f"given together with {options}, options of the single-variant form; set them "
                "on each VariantDefinition instead",
            )
        )
    count = len(spec.variants)
    if not 1 <= count <= MAX_VARIANTS:
        problems.append(
            Problem(
                "variants",
                f"{count} variants given; an endpoint has 1 to {MAX_VARIANTS} production variants",
            )
        )
    seen: dict[str, int] = {}
    for index, variant in enumerate(spec.variants):
        if not isinstance(variant, VariantDefinition):
            problems.append(
                Problem(f"variants[{index}]", f"{variant!r} is not a VariantDefinition")
            )
            continue
        name = variant.name
        if not isinstance(name, str) or is_unresolved(name):
            continue
        first = seen.setdefault(name, index)
        if first != index:
            problems.append(
                Problem(
                    f"{variant_label(index, variant)}.name",
                    f"{name!r} is already the name of variants[{first}]; variant names are unique",
                )
            )
    return problems


def check_initial_weight(spec: EndpointSpec) -> list[Problem]:
    """A variant's weight is a number, at least 0."""
    weight = spec.initial_weight
    if is_unresolved(weight) or (
        isinstance(weight, int | float) and not isinstance(weight, bool) and weight >= 0
    ):
        return []
    return [Problem("initial_weight", f"{weight!r} is not allowed: a number, at least 0")]


def check_weights_not_all_zero(spec: EndpointSpec) -> list[Problem]:
    """At least one variant has a weight above 0 (else no variant receives traffic)."""
    weights = [
        variant.initial_weight
        for variant in spec.variants or ()
        if isinstance(variant, VariantDefinition)
    ]
    if not weights or any(not isinstance(weight, int | float) or weight != 0 for weight in weights):
        return []
    return [
        Problem(
            "variants",
            "every initial_weight is 0; give at least one variant a weight above 0",
        )
    ]


def check_rolling_with_variants(spec: EndpointSpec) -> list[Problem]:
    """Rolling deployments exclude multi-variant endpoints (deployment guardrails,
    "Exclusions"); whether SageMaker then refuses or falls back is not documented: warn."""
    if not isinstance(spec.deployment, RollingDeployment) or len(spec.variants or ()) < 2:
        return []
    return [
        Problem(
            "deployment",
            "a rolling deployment on an endpoint with several production variants: the "
            "SageMaker Developer Guide lists multi-variant endpoints among the exclusions of "
            "rolling deployments, so SageMaker may not apply it as configured; use "
            "DeploymentConfig.blue_green(...) for an A/B endpoint",
            warning_id=ROLLING_VARIANTS_WARNING_ID,
        )
    ]


def check_private_registry_needs_a_vpc(spec: EndpointSpec) -> list[Problem]:
    """An image outside ECR is pulled through the VPC (`RepositoryAccessMode: Vpc`), which
    needs the model in a VPC."""
    if spec.security_group_count is not None:
        return []
    return [
        Problem(
            f"{container_label(index, container)}.image",
            "ContainerImage.from_private_registry pulls the image through the endpoint's VPC "
            "(ImageConfig RepositoryAccessMode Vpc); give vpc, with subnets that reach the "
            "registry",
        )
        for index, container in enumerate(spec.containers)
        if container.container_image.pulled_through_vpc
    ]


def check_model_data_prefixes(spec: EndpointSpec) -> list[Problem]:
    """Uncompressed model data is a key prefix that ends with `/` (`S3Prefix`)."""
    problems = []
    for index, container in enumerate(spec.containers):
        model_data = container.model_data
        prefix = None if model_data is None else model_data.prefix
        if model_data is None or prefix is None or (prefix and prefix.endswith("/")):
            continue
        given = model_data.uri or prefix
        problems.append(
            Problem(
                f"{container_label(index, container)}.model_data",
                f"{given!r} is not a key prefix of uncompressed model data: "
                "s3://<bucket>/<prefix>/, a prefix that ends with '/' (ModelDataSource S3Prefix)",
            )
        )
    return problems


def check_data_capture(spec: EndpointSpec) -> list[Problem]:
    """Data capture: destination, sampling, what is captured and the content types."""
    capture = spec.data_capture
    if capture is None:
        return []
    problems = []
    uri = capture.destination_uri
    if (
        uri is not None
        and not is_unresolved(uri)
        and (len(uri) > CAPTURE_URI_MAX_LENGTH or not MODEL_DATA_URL_PATTERN.fullmatch(uri))
    ):
        problems.append(
            Problem(
                "data_capture",
                f"{uri!r} is not a valid capture destination: s3://<bucket>/<prefix>, "
                f"at most {CAPTURE_URI_MAX_LENGTH} characters",
            )
        )
    sampling = capture.sampling_percentage
    low, high = SAMPLING_PERCENT
    if not is_unresolved(sampling) and not (
        isinstance(sampling, int) and not isinstance(sampling, bool) and low <= sampling <= high
    ):
        problems.append(
            Problem(
                "data_capture.sampling_percentage",
                f"{sampling!r} given; a whole number from {low} to {high}",
            )
        )
    if not capture.capture_input and not capture.capture_output:
        problems.append(
            Problem(
                "data_capture",
                "capture_input and capture_output are both off; capture at least one of them",
            )
        )
    for where, content_types in (
        ("data_capture.csv_content_types", capture.csv_content_types),
        ("data_capture.json_content_types", capture.json_content_types),
    ):
        if len(content_types) > MAX_CAPTURE_CONTENT_TYPES:
            problems.append(
                Problem(
                    where,
                    f"{len(content_types)} content types given; "
                    f"at most {MAX_CAPTURE_CONTENT_TYPES}",
                )
            )
        problems.extend(
            Problem(where, f"{content_type!r} is not a content type such as 'text/csv'")
            for content_type in content_types
            if not is_unresolved(content_type)
            and not (
                isinstance(content_type, str)
                and len(content_type) <= CONTENT_TYPE_MAX_LENGTH
                and CONTENT_TYPE_PATTERN.fullmatch(content_type)
            )
        )
    return problems


def check_data_capture_in_direct_mode(spec: EndpointSpec) -> list[Problem]:
    """Data capture is documented for Serial pipelines only: warn for a Direct variant."""
    if spec.data_capture is None or spec.mode is not InvocationMode.DIRECT:
        return []
    return [
        Problem(
            "data_capture",
            f"variant {spec.variant_name!r} invokes its containers Directly; the SageMaker "
            "Developer Guide documents data capture for Serial inference pipelines (captured "
            "for the pipeline as a whole), not for Direct mode: check what it captures before "
            "you rely on it",
            warning_id=CAPTURE_DIRECT_WARNING_ID,
        )
    ]


ENDPOINT_RULES: tuple[Rule, ...] = (
    check_container_count,
    check_mode,
    check_hostnames,
    check_images,
    check_model_data,
    check_environment,
    check_endpoint_name,
    check_variant_name,
    check_instance_type,
    check_instance_count,
    check_cpu_instance_type,
    check_kms_key_storage,
    check_vpc,
    check_vpc_options_need_a_vpc,
    check_blue_green,
    check_rolling,
    check_rollback_alarms,
    check_variants,
    check_initial_weight,
    check_weights_not_all_zero,
    check_variant_settings,
    check_rolling_with_variants,
    check_private_registry_needs_a_vpc,
    check_model_data_prefixes,
    check_data_capture,
    check_data_capture_in_direct_mode,
)


def variant_label(index: int, variant: VariantDefinition) -> str:
    """How a problem names a variant: its index and its name."""
    return f"variants[{index}] ({variant.name!r})"


def _variant_field(problem: Problem) -> tuple[str, int] | None:
    """The `VariantDefinition` field `problem` is about and where its name ends in
    `problem.where`; None for a problem about the endpoint."""
    field = re.match(r"[a-z_]+", problem.where)
    source = VARIANT_FIELDS.get(field[0]) if field else None
    if field is None or source is None:
        return None
    return source, field.end()


def _run_rules(spec: EndpointSpec) -> list[Problem]:
    return [problem for rule in ENDPOINT_RULES for problem in rule(spec)]


def validate(spec: EndpointSpec) -> list[Problem]:
    """Every problem with `spec`, in a stable order (empty when the endpoint is valid).

    In the `variants=` form the rules run once per variant, with its settings as the spec's
    variant fields; a problem with one of those fields names the variant, the others (about
    the endpoint) are listed once.
    """
    if spec.variants is None:
        return _run_rules(spec)
    variants = [
        (index, variant)
        for index, variant in enumerate(spec.variants)
        if isinstance(variant, VariantDefinition)
    ]
    if not variants:
        return [problem for problem in _run_rules(spec) if _variant_field(problem) is None]
    found: dict[tuple[str, str, str | None], Problem] = {}
    for index, variant in variants:
        for problem in _run_rules(spec.for_variant(variant)):
            named = problem
            field = _variant_field(problem)
            if field is not None:
                source, end = field
                where = f"{variant_label(index, variant)}.{source}{problem.where[end:]}"
                named = Problem(where, problem.message, problem.warning_id)
            found.setdefault((named.where, named.message, named.warning_id), named)
    return list(found.values())


# --- Rules of later calls: autoscaling, and a container named in a grant or a metric. --------


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


def check_container_hostname(
    hostname: str,
    *,
    where: str,
    mode: InvocationMode | None,
    hostnames: Sequence[str] | None,
) -> list[Problem]:
    """Whether one container of the endpoint can be named by `hostname` (compared
    case-insensitively, like the uniqueness of hostnames).

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
        if hostname.lower() in {known.lower() for known in hostnames}:
            return []
        known = ", ".join(repr(name) for name in hostnames)
        return [Problem(where, f"{hostname!r} is not a container of this endpoint ({known})")]
    return name_problems(where, hostname, "hostname")


def hostnames_of(variant: VariantDefinition) -> tuple[str, ...]:
    """The hostnames of a variant's containers (those that have one)."""
    return tuple(
        container.container_hostname
        for container in variant.containers
        if container.container_hostname is not None
    )


def variants_with_container(
    hostname: str, variants: Sequence[VariantDefinition]
) -> list[VariantDefinition]:
    """The Direct-mode variants that have a container named `hostname`."""
    return [
        variant
        for variant in variants
        if variant.mode is InvocationMode.DIRECT and hostname in hostnames_of(variant)
    ]


def check_container_in_variants(
    hostname: str, *, where: str, variants: Sequence[VariantDefinition], one_variant: bool
) -> list[Problem]:
    """Whether `hostname` names a container of one of the endpoint's Direct-mode variants
    (of exactly one, with `one_variant`: a metric is about one variant)."""
    if is_unresolved(hostname):
        return []
    direct = [variant for variant in variants if variant.mode is InvocationMode.DIRECT]
    if not direct:
        return [
            Problem(
                where,
                f"{hostname!r} names a container, but every variant of this endpoint is a "
                "Serial pipeline; only a Direct-mode variant invokes its containers by hostname",
            )
        ]
    owners = variants_with_container(hostname, direct)
    if not owners:
        known = ", ".join(repr(name) for variant in direct for name in hostnames_of(variant))
        return [
            Problem(
                where,
                f"{hostname!r} is not a container of this endpoint's Direct-mode variants "
                f"({known})",
            )
        ]
    if one_variant and len(owners) > 1:
        names = " and ".join(repr(variant.name) for variant in owners)
        return [
            Problem(
                where,
                f"{hostname!r} is a container of variants {names}; name the variant with "
                "endpoint.variant(name)",
            )
        ]
    return []
