"""The checks the construct makes when it is created (the core set; see test_validation)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from mce_constructs import (
    ContainerDefinition,
    InvocationMode,
    MceValidationError,
    MultiContainerEndpoint,
)

from .conftest import REGISTRY


def containers(*hostnames: str | None) -> list[ContainerDefinition]:
    return [
        ContainerDefinition(image=f"{REGISTRY}/img{index}:1", container_hostname=hostname)
        for index, hostname in enumerate(hostnames)
    ]


def error_for(stack: cdk.Stack, **options: object) -> MceValidationError:
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(stack, "Mce", **options)  # type: ignore[arg-type]
    return caught.value


def test_error_is_a_value_error_that_starts_with_the_construct_path(stack: cdk.Stack) -> None:
    error = error_for(stack, containers=[])
    assert isinstance(error, ValueError)
    assert str(error).startswith("TestStack/Mce: ")
    assert error.path == "TestStack/Mce"


@pytest.mark.parametrize("count", [0, 16])
def test_container_count_outside_1_to_15_is_refused(stack: cdk.Stack, count: int) -> None:
    error = error_for(stack, containers=containers(*[f"h{i}" for i in range(count)]))
    assert [str(problem) for problem in error.problems] == [
        f"containers: {count} containers given; a multi-container endpoint has 1 to 15"
    ]


def test_fifteen_containers_are_accepted(stack: cdk.Stack) -> None:
    endpoint = MultiContainerEndpoint(
        stack,
        "Mce",
        containers=containers(*[f"h{i}" for i in range(15)]),
        mode=InvocationMode.DIRECT,
    )
    assert len(endpoint.model.containers) == 15  # type: ignore[arg-type]


def test_direct_mode_needs_a_hostname_on_every_container(stack: cdk.Stack) -> None:
    error = error_for(stack, containers=containers("a", None, None), mode=InvocationMode.DIRECT)
    assert [problem.where for problem in error.problems] == [
        "containers[1].container_hostname",
        "containers[2].container_hostname",
    ]
    assert "required in Direct mode" in str(error)


def test_invalid_and_duplicate_hostnames_are_all_reported_at_once(stack: cdk.Stack) -> None:
    error = error_for(
        stack,
        containers=containers("first", "bad_name", "FIRST", "-x"),
        mode=InvocationMode.DIRECT,
    )
    message = str(error)
    assert message.splitlines()[0] == "TestStack/Mce: 3 problems in the multi-container endpoint:"
    assert "containers[1] ('bad_name').container_hostname: 'bad_name' is not a valid" in message
    assert (
        "containers[2] ('FIRST').container_hostname: 'FIRST' is already used by containers[0]"
        in message
    )
    assert "containers[3] ('-x').container_hostname: '-x' is not a valid" in message


def test_nothing_is_added_to_the_stack_when_refused(stack: cdk.Stack) -> None:
    error_for(stack, containers=[])
    assert stack.node.try_find_child("Mce") is not None
    assert stack.node.find_child("Mce").node.children == []
