"""A repository or a bucket of the app that the execution role reads from or writes to: what
its resource policy must allow when it is in another account than the endpoint (the image and
model data sources and the data capture make them; `_role.py` adds the statements)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam


@dataclass(frozen=True)
class SourceResource:
    """A resource of the app, what the role does with it, and how to allow it."""

    resource: cdk.IResource
    actions: tuple[str, ...]
    resource_arns: tuple[str, ...]
    add_to_resource_policy: Callable[[iam.PolicyStatement], iam.AddToResourcePolicyResult]
