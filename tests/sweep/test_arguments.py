"""The argument sweep: every argument of every public callable (`arguments.SLOTS`) given a
value of a wrong type, None, NaN or an infinity, is refused with one `MceValidationError` that
names its field, shows no memory address, and leaves jsii alive: a new App still synthesizes
(DESIGN.md, guarantee 6)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mce_constructs import MceValidationError

from .arguments import SLOTS, Kind, Slot, value_of
from .profiles import examples

BY_NAME = {slot.name: slot for slot in SLOTS}


def check_refused(slot: Slot, kind: Kind, *, negative: bool = False) -> None:
    """`slot` given a value of `kind` raises one MceValidationError naming its field."""
    stack = cdk.Stack(cdk.App(), "Arguments")
    with pytest.raises(MceValidationError) as raised:
        slot.call(stack, value_of(kind, negative))
    error = raised.value
    fields = [str(problem).split(": ", 1)[0] for problem in error.problems]
    assert any(field.startswith(slot.field) for field in fields), f"{slot.name}: {error}"
    assert " at 0x" not in str(error), f"a message shows a memory address:\n{error}"
    assert_jsii_is_alive()


def assert_jsii_is_alive() -> None:
    """jsii still answers (NaN or an infinity sent to it stops its kernel, and every later CDK
    call of the process fails)."""
    assert cdk.Duration.minutes(1).to_seconds() == 60


def test_after_a_refused_infinity_a_new_app_synthesizes() -> None:
    check_refused(BY_NAME["CapacitySize.instances(count)"], Kind.INFINITY)
    check_refused(BY_NAME["VariantDefinition(initial_weight)"], Kind.NAN)
    app = cdk.App()
    cdk.CfnResource(
        cdk.Stack(app, "Alive"), "Wait", type="AWS::CloudFormation::WaitConditionHandle"
    )
    assert app.synth(skip_validation=True).get_stack_by_name("Alive").template["Resources"]


@settings(max_examples=examples(4.0))
@given(slot=st.sampled_from(SLOTS), kind=st.sampled_from(Kind), negative=st.booleans())
def test_a_value_of_a_wrong_type_is_refused_naming_its_field(
    slot: Slot, kind: Kind, negative: bool
) -> None:
    assume(kind not in slot.takes)
    check_refused(slot, kind, negative=negative)


# The arguments issue 23 found unchecked (each raised an AttributeError, a TypeError or a jsii
# error, or stopped jsii), checked on every run.
FOUND = [
    ("CapacitySize.percent(value)", Kind.NONE),
    ("CapacitySize.percent(value)", Kind.TEXT),
    ("CapacitySize.instances(count)", Kind.INFINITY),
    ("CapacitySize.percent(value)", Kind.NAN),
    ("TrafficRouting.canary(size)", Kind.NONE),
    ("TrafficRouting.canary(size)", Kind.TEXT),
    ("TrafficRouting.linear(wait)", Kind.WHOLE),
    ("DeploymentConfig.blue_green(traffic_routing)", Kind.TEXT),
    ("DeploymentConfig.blue_green(termination_wait)", Kind.WHOLE),
    ("DeploymentConfig.blue_green(rollback_alarms)", Kind.NONE),
    ("DeploymentConfig.blue_green(rollback_alarms)", Kind.LIST),
    ("DeploymentConfig.rolling(batch_size)", Kind.NONE),
    ("DeploymentConfig.rolling(wait)", Kind.NONE),
    ("add_rollback_alarm(alarm)", Kind.NONE),
    ("ContainerImage.from_registry(uri)", Kind.NONE),
    ("ModelData.from_uri(uri)", Kind.NONE),
    ("ModelData.from_s3_prefix(uri)", Kind.NONE),
    ("ModelData.from_asset(uri)", Kind.NONE),
    ("ModelData.from_bucket(bucket)", Kind.NONE),
    ("VariantDefinition(initial_weight)", Kind.INFINITY),
    ("scale_to_track_custom_metric(target_value)", Kind.INFINITY),
    ("from_endpoint_name(variant_name)", Kind.NONE),
    ("from_endpoint_name(container_hostnames)", Kind.TEXT),
    ("from_endpoint_name(container_hostnames)", Kind.LIST),
    ("grant_invoke(grantee)", Kind.NONE),
    ("metric_container_invocations(container_hostname)", Kind.NONE),
    ("scale_on_schedule(min_capacity)", Kind.INFINITY),
    ("scale_on_metric(evaluation_periods)", Kind.NAN),
    ("ScalingInterval(change)", Kind.INFINITY),
    ("scale_on_invocations(scale_in_cooldown)", Kind.WHOLE),
]


@pytest.mark.parametrize(("name", "kind"), FOUND, ids=[f"{n}-{k.name}" for n, k in FOUND])
def test_each_argument_found_unchecked_is_refused(name: str, kind: Kind) -> None:
    check_refused(BY_NAME[name], kind)


def test_every_slot_names_a_field_the_sweep_can_find() -> None:
    assert len(BY_NAME) == len(SLOTS)
    assert all(kind in BY_NAME for kind, _ in FOUND)
