"""`InstanceType`: an instance type by constant, or one that the pinned list does not know yet.

A plain `str` names one of the types in `_instance_types.py` (the service model's
`ProductionVariantInstanceType`, pinned with botocore), so a typo is refused with a suggestion.
The constants (`InstanceType.M5_LARGE`, ...) name the common types, as the alpha L2's do.
SageMaker adds types between releases of the library: `InstanceType.of("ml....")` accepts any
name of the right shape, `ml.<family>.<size>`, and leaves the rest to the service (a name that
looks like a typo of a known type gets a warning with a suggestion).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .errors import Problem
from .rules.instance_types import has_instance_type_shape
from .rules.location import Location
from .rules.values import shown


@dataclass(frozen=True)
class InstanceType:
    """An instance type: a constant of a common type (`InstanceType.M5_LARGE`), or any name
    given to `InstanceType.of`, checked for its shape only."""

    name: str

    T2_MEDIUM: ClassVar[InstanceType]
    T2_LARGE: ClassVar[InstanceType]
    M5_LARGE: ClassVar[InstanceType]
    M5_XLARGE: ClassVar[InstanceType]
    M5_2XLARGE: ClassVar[InstanceType]
    M5_4XLARGE: ClassVar[InstanceType]
    M6I_LARGE: ClassVar[InstanceType]
    M6I_XLARGE: ClassVar[InstanceType]
    M6I_2XLARGE: ClassVar[InstanceType]
    M7I_LARGE: ClassVar[InstanceType]
    M7I_XLARGE: ClassVar[InstanceType]
    C5_LARGE: ClassVar[InstanceType]
    C5_XLARGE: ClassVar[InstanceType]
    C5_2XLARGE: ClassVar[InstanceType]
    C5_4XLARGE: ClassVar[InstanceType]
    C6I_LARGE: ClassVar[InstanceType]
    C6I_XLARGE: ClassVar[InstanceType]
    C6I_2XLARGE: ClassVar[InstanceType]
    C7I_LARGE: ClassVar[InstanceType]
    C7I_XLARGE: ClassVar[InstanceType]
    R5_LARGE: ClassVar[InstanceType]
    R5_XLARGE: ClassVar[InstanceType]
    R5_2XLARGE: ClassVar[InstanceType]
    R6I_LARGE: ClassVar[InstanceType]
    R6I_XLARGE: ClassVar[InstanceType]
    G4DN_XLARGE: ClassVar[InstanceType]
    G4DN_2XLARGE: ClassVar[InstanceType]
    G5_XLARGE: ClassVar[InstanceType]
    G5_2XLARGE: ClassVar[InstanceType]
    G5_12XLARGE: ClassVar[InstanceType]
    G6_XLARGE: ClassVar[InstanceType]
    G6_2XLARGE: ClassVar[InstanceType]
    P3_2XLARGE: ClassVar[InstanceType]
    P4D_24XLARGE: ClassVar[InstanceType]
    P5_48XLARGE: ClassVar[InstanceType]
    INF1_XLARGE: ClassVar[InstanceType]
    INF2_XLARGE: ClassVar[InstanceType]

    @staticmethod
    def of(name: str) -> InstanceType:
        """The instance type `name` (`ml.<family>.<size>`, e.g. `"ml.m5.large"`), accepted even
        when the pinned list of the service's instance types does not have it yet."""
        return InstanceType(name)


InstanceType.T2_MEDIUM = InstanceType("ml.t2.medium")
InstanceType.T2_LARGE = InstanceType("ml.t2.large")
InstanceType.M5_LARGE = InstanceType("ml.m5.large")
InstanceType.M5_XLARGE = InstanceType("ml.m5.xlarge")
InstanceType.M5_2XLARGE = InstanceType("ml.m5.2xlarge")
InstanceType.M5_4XLARGE = InstanceType("ml.m5.4xlarge")
InstanceType.M6I_LARGE = InstanceType("ml.m6i.large")
InstanceType.M6I_XLARGE = InstanceType("ml.m6i.xlarge")
InstanceType.M6I_2XLARGE = InstanceType("ml.m6i.2xlarge")
InstanceType.M7I_LARGE = InstanceType("ml.m7i.large")
InstanceType.M7I_XLARGE = InstanceType("ml.m7i.xlarge")
InstanceType.C5_LARGE = InstanceType("ml.c5.large")
InstanceType.C5_XLARGE = InstanceType("ml.c5.xlarge")
InstanceType.C5_2XLARGE = InstanceType("ml.c5.2xlarge")
InstanceType.C5_4XLARGE = InstanceType("ml.c5.4xlarge")
InstanceType.C6I_LARGE = InstanceType("ml.c6i.large")
InstanceType.C6I_XLARGE = InstanceType("ml.c6i.xlarge")
InstanceType.C6I_2XLARGE = InstanceType("ml.c6i.2xlarge")
InstanceType.C7I_LARGE = InstanceType("ml.c7i.large")
InstanceType.C7I_XLARGE = InstanceType("ml.c7i.xlarge")
InstanceType.R5_LARGE = InstanceType("ml.r5.large")
InstanceType.R5_XLARGE = InstanceType("ml.r5.xlarge")
InstanceType.R5_2XLARGE = InstanceType("ml.r5.2xlarge")
InstanceType.R6I_LARGE = InstanceType("ml.r6i.large")
InstanceType.R6I_XLARGE = InstanceType("ml.r6i.xlarge")
InstanceType.G4DN_XLARGE = InstanceType("ml.g4dn.xlarge")
InstanceType.G4DN_2XLARGE = InstanceType("ml.g4dn.2xlarge")
InstanceType.G5_XLARGE = InstanceType("ml.g5.xlarge")
InstanceType.G5_2XLARGE = InstanceType("ml.g5.2xlarge")
InstanceType.G5_12XLARGE = InstanceType("ml.g5.12xlarge")
InstanceType.G6_XLARGE = InstanceType("ml.g6.xlarge")
InstanceType.G6_2XLARGE = InstanceType("ml.g6.2xlarge")
InstanceType.P3_2XLARGE = InstanceType("ml.p3.2xlarge")
InstanceType.P4D_24XLARGE = InstanceType("ml.p4d.24xlarge")
InstanceType.P5_48XLARGE = InstanceType("ml.p5.48xlarge")
InstanceType.INF1_XLARGE = InstanceType("ml.inf1.xlarge")
InstanceType.INF2_XLARGE = InstanceType("ml.inf2.xlarge")


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
