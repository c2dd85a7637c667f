"""The service's rules as pure functions: an endpoint's settings in, a list of problems out.

One function per rule (as in cdk-nag's rule files), all listed in `RULES`; `validate` runs them
all so that a user sees every problem at once. A value that is an unresolved CDK token is
skipped, never guessed at. The limits and patterns below are cross-checked against botocore's
SageMaker service model in `tests/test_service_model.py`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._instance_types import INSTANCE_TYPES
from ._naming import NAME_MAX_LENGTH, NAME_PATTERN
from ._tokens import is_unresolved
from .container import ContainerDefinition, InvocationMode

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


@dataclass(frozen=True)
class Problem:
    """One rule broken: where (a field path a user recognises) and what is allowed."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


Rule = Callable[[EndpointSpec], list[Problem]]


class MceValidationError(ValueError):
    """A multi-container endpoint's settings break one or more of the service's rules."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{path}: {count} {noun} in the multi-container endpoint:\n{lines}")


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


RULES: tuple[Rule, ...] = (
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
)


def validate(spec: EndpointSpec) -> list[Problem]:
    """Every problem with `spec`, in a stable order (empty when the endpoint is valid)."""
    return [problem for rule in RULES for problem in rule(spec)]
