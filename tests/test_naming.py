"""The pure naming functions: deterministic, order-free, distinct, always a valid SageMaker name."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from mce_constructs import _naming
from mce_constructs._naming import (
    HASH_LENGTH,
    NAME_MAX_LENGTH,
    NAME_PATTERN,
    content_hash,
    physical_name,
    readable_prefix,
)

PROPERTIES: dict[str, Any] = {
    "Containers": [
        {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1", "Environment": {"K": "1"}},
        {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/b:1"},
    ],
    "ExecutionRoleArn": {"Fn::GetAtt": ["MceRole98D723B2", "Arn"]},
    "InferenceExecutionConfig": {"Mode": "Serial"},
}

# Run in a fresh interpreter: hash properties whose environment is built by iterating a set
# (its order follows the hash seed), and print that order and the hash.
_CHILD = """
from mce_constructs import _naming as naming
keys = list({"ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL"})
props = {"Containers": [{"Image": "a:1", "Environment": {k: k.lower() for k in keys}}]}
print(",".join(keys))
print(naming.content_hash(stack_name="S", path="S/Mce/Model", properties=props))
"""


def _in_child_process(hash_seed: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD],
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        stdout=subprocess.PIPE,
        text=True,
    )


def test_hash_is_the_same_in_processes_with_different_hash_seeds() -> None:
    children = [_in_child_process(seed) for seed in ("1", "4242")]
    outputs = [child.communicate(timeout=30)[0].split() for child in children]
    assert all(child.returncode == 0 for child in children)
    (first_order, first_hash), (second_order, second_hash) = outputs
    assert first_order != second_order, "the seeds must build the environment in other orders"
    assert first_hash == second_hash
    environment = {key: key.lower() for key in first_order.split(",")}
    in_this_process = content_hash(
        stack_name="S",
        path="S/Mce/Model",
        properties={"Containers": [{"Image": "a:1", "Environment": environment}]},
    )
    assert first_hash == in_this_process


def _reversed(value: Any) -> Any:
    """The same JSON with every object's keys inserted in the opposite order."""
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


def test_hash_does_not_depend_on_the_order_of_keys() -> None:
    reordered = _reversed(PROPERTIES)
    assert list(reordered) != list(PROPERTIES)
    assert content_hash(stack_name="S", path="S/Mce/Model", properties=reordered) == content_hash(
        stack_name="S", path="S/Mce/Model", properties=PROPERTIES
    )


def test_hash_is_short_lowercase_hex() -> None:
    digest = content_hash(stack_name="S", path="S/Mce/Model", properties=PROPERTIES)
    assert len(digest) == HASH_LENGTH
    assert set(digest) <= set("0123456789abcdef")


def _with(**changes: Any) -> dict[str, Any]:
    return {**PROPERTIES, **changes}


@pytest.mark.parametrize(
    ("stack_name", "path", "properties"),
    [
        pytest.param("Other", "S/Mce/Model", PROPERTIES, id="other stack"),
        pytest.param("S", "S/Team/Mce/Model", PROPERTIES, id="other path"),
        pytest.param(
            "S", "S/Mce/Model", _with(Containers=PROPERTIES["Containers"][::-1]), id="order"
        ),
        pytest.param(
            "S", "S/Mce/Model", _with(Containers=PROPERTIES["Containers"][:1]), id="fewer"
        ),
        pytest.param(
            "S", "S/Mce/Model", _with(InferenceExecutionConfig={"Mode": "Direct"}), id="mode"
        ),
        pytest.param("S", "S/Mce/Model", _with(EnableNetworkIsolation=True), id="added property"),
        pytest.param(
            "S", "S/Mce/Model", _with(ExecutionRoleArn="arn:aws:iam::1:role/r"), id="role"
        ),
    ],
)
def test_hash_differs_for_another_stack_path_or_property(
    stack_name: str, path: str, properties: dict[str, Any]
) -> None:
    base = content_hash(stack_name="S", path="S/Mce/Model", properties=PROPERTIES)
    assert content_hash(stack_name=stack_name, path=path, properties=properties) != base


def test_tags_are_not_hashed_because_cloudformation_updates_them_in_place() -> None:
    tagged = _with(Tags=[{"Key": "team", "Value": "search"}])
    base = content_hash(stack_name="S", path="S/Mce/Model", properties=PROPERTIES)
    assert content_hash(stack_name="S", path="S/Mce/Model", properties=tagged) == base


def test_non_ascii_content_is_hashed_as_escaped_ascii_json() -> None:
    """Unicode is hashed as JSON's `\\u` escapes: the same bytes on every machine, whatever
    its locale, and distinct from the ASCII look-alike."""
    properties = _with(Containers=[{"Image": "a:1", "Environment": {"GREETING": "こんにちは"}}])
    first = content_hash(stack_name="S", path="S/Modèle/Model", properties=properties)
    payload = json.dumps(
        {"path": "S/Modèle/Model", "properties": properties, "stack": "S"},
        sort_keys=True,
        separators=(",", ":"),
    )
    assert first == hashlib.sha256(payload.encode("ascii")).hexdigest()[:HASH_LENGTH]
    assert first != content_hash(stack_name="S", path="S/Modele/Model", properties=properties)


@pytest.mark.parametrize(
    ("construct_id", "prefix"),
    [
        ("Recommender", "Recommender"),
        ("fraud_pipeline_v2", "fraud-pipeline-v2"),
        ("Endpoint 1 (prod)", "Endpoint-1-prod"),
        ("--edge--case--", "edge-case"),
        ("Modèle_推荐", "Mod-le"),
        ("推荐模型", _naming.FALLBACK_PREFIX),
        ("", _naming.FALLBACK_PREFIX),
        ("___", _naming.FALLBACK_PREFIX),
        ("a" * 300, "a" * _naming.PREFIX_MAX_LENGTH),
        ("a" * (_naming.PREFIX_MAX_LENGTH - 1) + "_b", "a" * (_naming.PREFIX_MAX_LENGTH - 1)),
    ],
)
def test_readable_prefix_keeps_what_sagemaker_allows(construct_id: str, prefix: str) -> None:
    assert readable_prefix(construct_id) == prefix


@pytest.mark.parametrize(
    "construct_id",
    [
        "Recommender",
        "x",
        "a" * 1000,
        "_" * 70,
        "-" * 70,
        "a-" * 40,
        "a_" * 40,
        "9" * 63,
        "Modèle_推荐_" * 10,
        "🚀 rocket 🚀",
        "with/slash and space",
    ],
)
def test_physical_name_is_valid_for_sagemaker_whatever_the_id(construct_id: str) -> None:
    digest = content_hash(stack_name="S", path=f"S/{construct_id}/Model", properties=PROPERTIES)
    name = physical_name(construct_id, digest)
    assert len(name) <= NAME_MAX_LENGTH
    assert NAME_PATTERN.fullmatch(name), name
    assert name.endswith(f"-{digest}")
