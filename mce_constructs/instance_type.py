"""`InstanceType`: an instance type that this library's pinned list does not know yet.

A plain `str` names one of the types in `_instance_types.py` (the service model's
`ProductionVariantInstanceType`, pinned with botocore), so a typo is refused with a suggestion.
SageMaker adds types between releases of the library: `InstanceType.of("ml....")` accepts any
name of the right shape, `ml.<family>.<size>`, and leaves the rest to the service.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InstanceType:
    """An instance type given by name, checked for its shape only (made by `InstanceType.of`)."""

    name: str

    @staticmethod
    def of(name: str) -> InstanceType:
        """The instance type `name` (`ml.<family>.<size>`, e.g. `"ml.m5.large"`), accepted even
        when the pinned list of the service's instance types does not have it yet."""
        return InstanceType(name)


def instance_type_name(value: str | InstanceType) -> str:
    """The name of an instance type given as a `str` or as an `InstanceType`."""
    return value.name if isinstance(value, InstanceType) else value
