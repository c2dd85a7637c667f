"""A model in a VPC (`VpcConfig`): its security groups and subnets."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem
from .location import Location

SECURITY_GROUPS_RANGE = (1, 5)
SUBNETS_RANGE = (1, 16)


@dataclass(frozen=True, kw_only=True)
class NetworkSettings:
    """`VpcConfig`: how many security groups and subnets (None when the count is known only
    at deploy time, as a list parameter's)."""

    security_group_count: int | None
    subnet_count: int | None


def check_vpc(network: NetworkSettings, where: Location) -> list[Problem]:
    """A model in a VPC has 1 to 5 security groups and 1 to 16 subnets."""
    problems = []
    for name, count, (low, high), noun in (
        (
            "SecurityGroupIds",
            network.security_group_count,
            SECURITY_GROUPS_RANGE,
            "security groups",
        ),
        ("Subnets", network.subnet_count, SUBNETS_RANGE, "subnets"),
    ):
        if count is not None and not low <= count <= high:
            problems.append(
                where.field("VpcConfig")
                .field(name)
                .problem(f"{count} {noun}; a model in a VPC has {low} to {high} {noun}")
            )
    return problems
