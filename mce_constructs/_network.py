"""Where a model's containers run in a VPC: the subnets a selection picks, the security groups
(one created when none is given), and the model's `VpcConfig` (for the endpoint's own models
and for `MultiContainerModel`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ._acknowledgements import acknowledge_open_egress
from ._permissions import Network
from .errors import report
from .rules.location import ROOT

if TYPE_CHECKING:
    # Imported where used: an app without a VPC does not pay for aws_ec2 (docs/benchmarks.md).
    from aws_cdk import aws_ec2 as ec2

SECURITY_GROUP_ID = "SecurityGroup"
"""The child id of the security group created when none is given."""


@dataclass(frozen=True)
class Subnets:
    """The subnets `vpc_subnets` selects in the VPC, or what CDK said when it found none."""

    ids: Sequence[str] = ()
    error: str | None = None


def select_subnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | None) -> Subnets:
    """The subnets `selection` picks in `vpc` (its default selection when None), or what CDK
    says when it finds none of them (for the validation to report)."""
    try:
        if selection is None:
            return Subnets(vpc.select_subnets().subnet_ids)
        return Subnets(
            vpc.select_subnets(
                availability_zones=selection.availability_zones,
                one_per_az=selection.one_per_az,
                subnet_filters=selection.subnet_filters,
                subnet_group_name=selection.subnet_group_name,
                subnets=selection.subnets,
                subnet_type=selection.subnet_type,
            ).subnet_ids
        )
    except RuntimeError as error:  # jsii raises CDK's errors as RuntimeError
        return Subnets(error=str(error).splitlines()[0])


def place_in_vpc(
    scope: Construct,
    vpc: ec2.IVpc | None,
    security_groups: Sequence[ec2.ISecurityGroup] | None,
    subnet_ids: Sequence[str],
) -> tuple[Network | None, ec2.Connections | None]:
    """The subnets and security groups of the containers (one group is created under `scope`
    when none is given) and their connections, or None outside a VPC."""
    if vpc is None:
        return None, None
    from aws_cdk import aws_ec2 as ec2

    groups = list(security_groups or ())
    if not groups:
        groups.append(ec2.SecurityGroup(scope, SECURITY_GROUP_ID, vpc=vpc))
        acknowledge_open_egress(groups[0])
    network = Network(
        subnet_ids=tuple(subnet_ids),
        security_group_ids=tuple(group.security_group_id for group in groups),
    )
    return network, ec2.Connections(security_groups=groups)


def vpc_config(network: Network | None) -> sagemaker.CfnModel.VpcConfigProperty | None:
    """A model's `VpcConfig` (None outside a VPC)."""
    if network is None:
        return None
    return sagemaker.CfnModel.VpcConfigProperty(
        security_group_ids=list(network.security_group_ids),
        subnets=list(network.subnet_ids),
    )


def required_connections(
    scope: Construct, connections: ec2.Connections | None, what: str
) -> ec2.Connections:
    """The security groups of the containers of `scope` (`what`: "the endpoint", "the model");
    refused when it is not in a VPC."""
    if connections is None:
        report(
            scope,
            [
                ROOT.field("connections").problem(
                    f"{what} is not in a VPC, so it has no security groups; give vpc (and "
                    "optionally security_groups) to connect it",
                )
            ],
        )
    assert connections is not None  # report() raised otherwise
    return connections
