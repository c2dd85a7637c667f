"""`InstanceType`: an instance type that this library's pinned list does not know yet.

A plain `str` names one of the types in `_instance_types.py` (the service model's
`ProductionVariantInstanceType`, pinned with botocore), so a typo is refused with a suggestion.
SageMaker adds types between releases of the library: `InstanceType.of("ml....")` accepts any
name of the right shape, `ml.<family>.<size>`, and leaves the rest to the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Problem
from .rules.instance_types import has_instance_type_shape
from .rules.location import Location
from .rules.values import shown


@dataclass(frozen=True)
class InstanceType:
    """An instance type given by name, checked for its shape only (made by `InstanceType.of`)."""

    name: str

    @staticmethod
    def of(name: str) -> InstanceType:
        """The instance type `name` (`ml.<family>.<size>`, e.g. `"ml.m5.large"`), accepted even
        when the pinned list of the service's instance types does not have it yet."""
        return InstanceType(name)


def instance_type_name(value: object) -> str | None:
    """The name of an instance type given as a `str` or an `InstanceType` (None for a value of
    another type)."""
    name = value.name if isinstance(value, InstanceType) else value
    return name if isinstance(name, str) else None


def check_instance_type_argument(value: object, where: Location) -> list[Problem]:
    """An instance type is a `str` (which the rules look up in the service's list) or an
    `InstanceType` whose name has the shape of one."""
    at = where.field("InstanceType")
    if not isinstance(value, InstanceType):
        if isinstance(value, str):
            return []
        return [at.problem(f"{shown(value)} is not a str or an InstanceType")]
    given = f"InstanceType.of({shown(value.name)})"
    if not isinstance(value.name, str):
        return [at.problem(f"{given}: {shown(value.name)} is not a str")]
    if has_instance_type_shape(value.name):
        return []
    return [
        at.problem(
            f"{given} is not the name of an instance type: ml.<family>.<size>, as in 'ml.m5.large'"
        )
    ]
