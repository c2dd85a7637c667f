"""Where a problem is, and how a value is shown in its message."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_kms as kms

from mce_constructs.rules.location import CONSTRUCT, ROOT, SINGLE_VARIANT, TEMPLATE, Location
from mce_constructs.rules.values import SHOWN_LENGTH, UNKNOWN, is_unknown, shown

from .._service_model import STAND_INS


def test_one_path_is_written_in_the_construct_s_and_a_template_s_spelling() -> None:
    for spelling, expected in (
        (CONSTRUCT, "variants[1] ('challenger').containers[0] ('a').container_hostname"),
        (TEMPLATE, "ProductionVariants[1].Containers[0].ContainerHostname"),
    ):
        where = Location(spelling).field("ProductionVariants").index(1, "challenger")
        assert str(where.field("Containers").index(0, "a").field("ContainerHostname")) == expected


def test_a_level_the_construct_does_not_have_is_left_out() -> None:
    path = ["DeploymentConfig", "BlueGreenUpdatePolicy", "TrafficRoutingConfiguration"]
    path.append("CanarySize")
    construct, template = ROOT, Location(TEMPLATE)
    for name in path:
        construct, template = construct.field(name), template.field(name)
    assert str(construct) == "deployment.traffic_routing.size"
    assert str(template) == (
        "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize"
    )


def test_the_single_variant_form_names_its_variant_variant_name() -> None:
    assert str(Location(SINGLE_VARIANT).field("VariantName")) == "variant_name"
    assert str(ROOT.field("VariantName")) == "name"


def test_keys_and_every_item() -> None:
    environment = ROOT.field("Containers").every().field("Environment")
    assert str(environment) == "containers[*].environment"
    assert str(ROOT.field("Tags").key("team")) == "tags['team']"
    assert ROOT.field("Tags").problem("x").where == "tags"


class Color(enum.Enum):
    RED = "red"


@dataclass
class Plain:
    value: int


def test_a_value_is_shown_without_a_memory_address_and_long_ones_are_cut() -> None:
    key = kms.Key.from_key_arn(cdk.Stack(), "Key", STAND_INS["KmsKeyId"])
    assert shown(key) == "<aws_kms.IKey>"
    assert shown(Plain(1)) == "<Plain>"
    assert shown(object()) == "<object>"
    assert shown(Color.RED) == "Color.RED"
    assert shown([1, "a", None]) == "[1, 'a', None]"
    assert shown({"k": (True,)}) == "{'k': (True,)}"
    long = "v" * (SHOWN_LENGTH + 1)
    assert shown(long) == f"{'v' * SHOWN_LENGTH!r}... ({SHOWN_LENGTH + 1} characters)"
    assert " at 0x" not in shown(lambda: None)


def test_values_known_only_at_deploy_time() -> None:
    assert is_unknown(UNKNOWN)
    assert is_unknown(cdk.Aws.REGION)
    assert is_unknown({"Ref": "Param"})
    assert is_unknown({"Fn::GetAtt": ["Model", "ModelName"]})
    assert not is_unknown({"KEY": "value"})
    assert not is_unknown("literal")
