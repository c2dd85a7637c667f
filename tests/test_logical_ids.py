"""The logical ids the namer computes in Python are those the stack allocates, and a stack that
allocates them another way is known."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from constructs import Construct
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mce_constructs._logical_ids import allocates_by_default, default_logical_id

from .conftest import PathIdStack

PATHS = [
    ("Topic",),
    ("Endpoint", "Role", "Resource"),
    ("Default", "Role", "Resource"),
    ("Endpoint", "Default"),
    ("Resource", "Resource"),
    ("Endpoint", "EndpointRole", "Role"),
    ("Endpoint", "Point", "Role"),
    ("Modèle-1", "rôle_2", "Resource"),
    ("a.b c", "-", "Resource"),
    ("é1",),
    ("x" * 200, "y" * 100, "Resource"),
    ("z" * 300,),
]

# Construct ids: any text without "/", not a token; kept short enough to build quickly.
IDS = st.text(st.characters(exclude_characters="/$#"), min_size=1, max_size=12)


def allocated(path: tuple[str, ...], stack: cdk.Stack | None = None) -> str:
    """The logical id `stack` (a new one by default) allocates to a resource at `path`."""
    stack = stack or cdk.Stack(cdk.App(), "Stack")
    scope: Construct = stack
    for construct_id in path[:-1]:
        scope = Construct(scope, construct_id)
    element = cdk.CfnResource(scope, path[-1], type="AWS::SNS::Topic")
    return str(stack.resolve(element.logical_id))


@pytest.mark.parametrize("path", PATHS)
def test_computed_logical_id_is_the_one_cdk_allocates(path: tuple[str, ...]) -> None:
    assert default_logical_id(path) == allocated(path)


@settings(max_examples=30, deadline=None)
@given(path=st.lists(IDS, min_size=1, max_size=4).map(tuple))
def test_any_path_gets_the_logical_id_cdk_allocates(path: tuple[str, ...]) -> None:
    kept = [construct_id for construct_id in path if construct_id != "Default"]
    if not kept:
        with pytest.raises(ValueError, match="at least one construct id"):
            default_logical_id(path)
        return
    # A stack's direct child keeps its id, which CDK refuses when nothing of it is alphanumeric.
    assume(len(kept) > 1 or any(c.isascii() and c.isalnum() for c in kept[0]))
    assert default_logical_id(path) == allocated(path)


class SubclassedStack(cdk.Stack):
    """A stack subclass that keeps CDK's allocation."""


def test_stacks_that_allocate_by_default_are_known() -> None:
    app = cdk.App()
    parent = cdk.Stack(app, "Parent")
    assert allocates_by_default(parent)
    assert allocates_by_default(cdk.NestedStack(parent, "Nested"))
    assert allocates_by_default(SubclassedStack(app, "Subclassed"))
    custom = PathIdStack(app, "Custom")
    assert not allocates_by_default(custom)
    assert allocated(("Topic",), custom) == "CustomTopic"
