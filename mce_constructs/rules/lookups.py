"""Names given to the methods of an endpoint that must name one of its parts: a container
(a per-container grant or metric), a production variant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Problem
from .location import Location
from .names import check_name
from .values import is_unknown, shown


@dataclass(frozen=True)
class VariantContainers:
    """A variant's name, whether it invokes its containers Directly, and their hostnames."""

    name: str
    direct: bool
    hostnames: tuple[str, ...]

    def has(self, hostname: str) -> bool:
        """Whether `hostname` names one of the containers (case-insensitively)."""
        return hostname.lower() in {known.lower() for known in self.hostnames}


def as_configured(hostname: str, hostnames: Sequence[str]) -> str:
    """`hostname` as it was configured (hostnames are compared case-insensitively)."""
    for known in hostnames:
        if known.lower() == hostname.lower():
            return known
    return hostname


def check_container_hostname(
    hostname: str,
    where: Location,
    *,
    direct: bool | None,
    hostnames: Sequence[str] | None,
    serial_too: bool = False,
) -> list[Problem]:
    """Whether one container of the endpoint can be named by `hostname`: in Direct mode, or
    with `serial_too` (a metric published for pipelines too) in either mode.

    `direct` and `hostnames` are None for an imported endpoint whose settings are not known:
    then any valid hostname is accepted.
    """
    if is_unknown(hostname):
        return []
    if not isinstance(hostname, str):
        return [where.problem(f"{shown(hostname)} is not a str")]
    if direct is False and not serial_too:
        return [
            where.problem(
                f"{shown(hostname)} names a container, but this endpoint is a Serial pipeline; "
                "only a Direct-mode endpoint invokes its containers by hostname"
            )
        ]
    if hostnames is None:
        return check_name(hostname, where, "hostname")
    if hostname.lower() in {known.lower() for known in hostnames}:
        return []
    known = ", ".join(shown(name) for name in hostnames)
    return [where.problem(f"{shown(hostname)} is not a container of this endpoint ({known})")]


def variants_with_container(
    hostname: str, variants: Sequence[VariantContainers]
) -> list[VariantContainers]:
    """The variants that have a container named `hostname` (compared case-insensitively)."""
    return [variant for variant in variants if variant.has(hostname)]


def check_container_in_variants(
    hostname: str,
    where: Location,
    *,
    variants: Sequence[VariantContainers],
    one_variant: bool,
    serial_too: bool = False,
) -> list[Problem]:
    """Whether `hostname` names a container of one of the endpoint's Direct-mode variants (of
    any variant with `serial_too`; of exactly one with `one_variant`: a metric is about one
    variant)."""
    if is_unknown(hostname):
        return []
    if not isinstance(hostname, str):
        return [where.problem(f"{shown(hostname)} is not a str")]
    direct = [variant for variant in variants if serial_too or variant.direct]
    if not direct:
        return [
            where.problem(
                f"{shown(hostname)} names a container, but every variant of this endpoint is a "
                "Serial pipeline; only a Direct-mode variant invokes its containers by hostname"
            )
        ]
    owners = variants_with_container(hostname, direct)
    if not owners:
        hostnames = dict.fromkeys(name for variant in direct for name in variant.hostnames)
        known = ", ".join(shown(name) for name in hostnames)
        return [
            where.problem(
                f"{shown(hostname)} is not a container of this endpoint's Direct-mode variants "
                f"({known})"
            )
        ]
    if one_variant and len(owners) > 1:
        names = " and ".join(shown(variant.name) for variant in owners)
        return [
            where.problem(
                f"{shown(hostname)} is a container of variants {names}; name the variant with "
                "endpoint.variant(name)"
            )
        ]
    return []


def check_variant_exists(name: str, names: Sequence[str], where: Location) -> list[Problem]:
    """`endpoint.variant(name)` names one of the endpoint's variants."""
    if name in names:
        return []
    known = ", ".join(shown(variant) for variant in names)
    return [where.problem(f"{shown(name)} is not a production variant of this endpoint ({known})")]


def check_one_variant_to_scale(names: Sequence[str], where: Location) -> list[Problem]:
    """`endpoint.auto_scale_instance_count` scales the endpoint's one variant; with several,
    each is scaled with `variant(name)`."""
    if len(names) == 1:
        return []
    known = ", ".join(shown(variant) for variant in names)
    return [
        where.problem(
            f"this endpoint has {len(names)} production variants ({known}); scale each one "
            "with endpoint.variant(name).auto_scale_instance_count(...)"
        )
    ]
