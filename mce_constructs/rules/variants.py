"""Production variants (CreateEndpointConfig `ProductionVariants`): each variant's name,
instances, weight and settings, and the variants of one endpoint config together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Problem
from .containers import DIRECT
from .durations import check_whole_seconds
from .instance_types import (
    check_gpu_in_direct_mode,
    check_inf1,
    check_instance_type,
    parse_instance_type,
)
from .location import Location
from .names import check_name
from .values import is_number, is_unknown, number, shown

MAX_VARIANTS = 10
MIN_INSTANCE_COUNT = 1
VOLUME_SIZE_GIB = (1, 512)
VARIANT_TIMEOUT_SECONDS = (60, 3600)
ALL_WEIGHTS_ZERO_WARNING = "mce-constructs:allWeightsZero"


@dataclass(frozen=True, kw_only=True)
class VariantSettings:
    """One `ProductionVariant`; a number is None when absent or known only at deploy time."""

    name: str
    """`VariantName`."""
    mode: str | None = None
    """The `Mode` of the model the variant serves (None when not known)."""
    instance_type: str | None = None
    """`InstanceType`."""
    listed_instance_type: bool = True
    """False when the user vouches for a type the service's pinned list does not know yet."""
    initial_instance_count: int | None = None
    initial_variant_weight: float | None = None
    volume_size_in_gb: float | None = None
    model_data_download_timeout_in_seconds: float | None = None
    container_startup_health_check_timeout_in_seconds: float | None = None


def variant_where(where: Location, index: int, name: object) -> Location:
    """How a problem names a variant of an endpoint config: its index and its name."""
    return where.field("ProductionVariants").index(index, name)


def count_problem(where: Location, count: object) -> Problem:
    """What is wrong with an instance count that is not a whole number of at least 1."""
    return where.problem(
        f"{shown(count)} is not allowed: a whole number, at least {MIN_INSTANCE_COUNT}"
    )


def weight_problem(where: Location, weight: object) -> Problem:
    """What is wrong with a weight that is not a number of at least 0."""
    return where.problem(f"{shown(weight)} is not allowed: a finite number, at least 0")


def check_instance_count(count: int | None, where: Location) -> list[Problem]:
    """At least one instance."""
    if count is None or is_unknown(count) or count >= MIN_INSTANCE_COUNT:
        return []
    return [count_problem(where.field("InitialInstanceCount"), count)]


def check_weight(weight: float | None, where: Location) -> list[Problem]:
    """A weight is at least 0."""
    if weight is None or is_unknown(weight) or weight >= 0:
        return []
    return [weight_problem(where.field("InitialVariantWeight"), weight)]


def check_volume_size(gibibytes: float | None, where: Location) -> list[Problem]:
    """A whole number of GiB, 1 to 512."""
    if gibibytes is None or is_unknown(gibibytes):
        return []
    at = where.field("VolumeSizeInGB")
    low, high = VOLUME_SIZE_GIB
    if gibibytes != int(gibibytes):
        return [at.problem(f"{number(gibibytes)} GiB given; a whole number of GiB is needed")]
    if not low <= gibibytes <= high:
        return [at.problem(f"{number(gibibytes)} GiB given; {low} to {high} GiB allowed")]
    return []


def check_volume_on_instance_storage(
    gibibytes: float | None, instance_type: str | None, where: Location
) -> list[Problem]:
    """An instance type with NVMe instance storage only takes no storage volume: SageMaker
    answers "VolumeSize parameter is not allowed for the selected Instance type"."""
    parsed = parse_instance_type(instance_type)
    if gibibytes is None or parsed is None or not parsed.has_nvme_storage_only:
        return []
    return [
        where.field("VolumeSizeInGB").problem(
            f"{shown(instance_type)} has NVMe instance storage and no EBS volume, and SageMaker "
            "refuses a volume size on it (VolumeSize parameter is not allowed for the selected "
            "Instance type): leave volume_size out"
        )
    ]


def check_variant(variant: VariantSettings, where: Location) -> list[Problem]:
    """Every rule of one production variant, in the order a problem list shows them."""
    return [
        *check_name(variant.name, where.field("VariantName"), "variant name"),
        *check_instance_type(variant.instance_type, where, listed=variant.listed_instance_type),
        *check_instance_count(variant.initial_instance_count, where),
        *check_gpu_in_direct_mode(variant.instance_type, variant.mode == DIRECT, where),
        *check_inf1(variant.instance_type, where),
        *check_weight(variant.initial_variant_weight, where),
        *check_volume_size(variant.volume_size_in_gb, where),
        *check_volume_on_instance_storage(variant.volume_size_in_gb, variant.instance_type, where),
        *check_whole_seconds(
            variant.model_data_download_timeout_in_seconds,
            VARIANT_TIMEOUT_SECONDS,
            where.field("ModelDataDownloadTimeoutInSeconds"),
        ),
        *check_whole_seconds(
            variant.container_startup_health_check_timeout_in_seconds,
            VARIANT_TIMEOUT_SECONDS,
            where.field("ContainerStartupHealthCheckTimeoutInSeconds"),
        ),
    ]


def check_variants(variants: Sequence[VariantSettings | None], where: Location) -> list[Problem]:
    """An endpoint config has 1 to 10 variants (None: an item that is not one, refused for its
    type), with unique names, and a warning when every weight is 0."""
    problems = []
    count = len(variants)
    if not 1 <= count <= MAX_VARIANTS:
        problems.append(
            where.field("ProductionVariants").problem(
                f"{count} variants given; an endpoint has 1 to {MAX_VARIANTS} production variants"
            )
        )
    seen: dict[str, int] = {}
    for index, variant in enumerate(variants):
        if variant is None or is_unknown(variant.name):
            continue
        first = seen.setdefault(variant.name, index)
        if first != index:
            problems.append(
                variant_where(where, index, variant.name)
                .field("VariantName")
                .problem(
                    f"{shown(variant.name)} is already the name of variants[{first}]; variant "
                    "names are unique"
                )
            )
    return problems + check_some_weight(variants, where)


def check_some_weight(variants: Sequence[VariantSettings | None], where: Location) -> list[Problem]:
    """Every weight 0: no source says that SageMaker refuses it (`VariantWeight`'s minimum is
    0, and a request can still name a variant with `TargetVariant`), but no request without
    one is routed: a warning."""
    weights = [None if variant is None else variant.initial_variant_weight for variant in variants]
    if not weights or not all(is_number(weight) and weight == 0 for weight in weights):
        return []
    return [
        where.field("ProductionVariants").problem(
            "every initial_weight is 0: only a request that names its variant (TargetVariant) "
            "is served; give a variant a weight above 0 to serve the others",
            ALL_WEIGHTS_ZERO_WARNING,
        )
    ]
