"""A model in a VPC: 1 to 5 security groups and 1 to 16 subnets."""

from __future__ import annotations

import pytest

from mce_constructs.rules.location import ROOT
from mce_constructs.rules.network import NetworkSettings, check_vpc

from ..conftest import lines


def vpc(security_groups: int | None, subnets: int | None) -> list[str]:
    network = NetworkSettings(security_group_count=security_groups, subnet_count=subnets)
    return lines(check_vpc(network, ROOT))


EXAMPLES = [
    (
        lambda: vpc(6, 1),
        "security_groups: 6 security groups; a model in a VPC has 1 to 5 security groups",
    ),
    (lambda: vpc(1, 17), "vpc_subnets: 17 subnets; a model in a VPC has 1 to 16 subnets"),
]


@pytest.mark.parametrize(
    ("security_groups", "subnets", "accepted"),
    [
        (None, None, True),
        (1, 1, True),
        (5, 16, True),
        (0, 1, False),
        (6, 1, False),
        (1, 0, False),
        (1, 17, False),
    ],
)
def test_vpc_counts(security_groups: int | None, subnets: int | None, accepted: bool) -> None:
    assert (vpc(security_groups, subnets) == []) is accepted
