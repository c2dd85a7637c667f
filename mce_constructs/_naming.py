"""Deterministic physical names for the model and the endpoint config.

CloudFormation replaces a SageMaker model or endpoint config on any change to a create-only
property, and a custom-named resource cannot be replaced under the same name. So each name is a
readable prefix plus a hash of exactly those properties, the deployed stack and the construct
path: the name changes exactly when a replacement is due, and never otherwise. The hash is
computed from JSON with sorted keys, so it is the same in every process, whatever
`PYTHONHASHSEED`, the machine or the order in which the properties were built.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from constructs import Construct

NAME_MAX_LENGTH = 63
NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
HASH_LENGTH = 16
"""Hex characters of SHA-256 kept in a name: 64 bits, enough to never collide by chance."""
PREFIX_MAX_LENGTH = NAME_MAX_LENGTH - HASH_LENGTH - 1
FALLBACK_PREFIX = "mce"
UPDATABLE_PROPERTIES = frozenset({"Tags"})
"""Properties of `AWS::SageMaker::Model` and `AWS::SageMaker::EndpointConfig` that CloudFormation
updates in place (every other one is create-only, per the resource schemas): not hashed, so that
changing them does not rename, and so replace, the resource."""


def content_hash(*, stack_name: str, path: str, properties: Mapping[str, Any]) -> str:
    """A short hash of a resource's create-only CloudFormation properties (resolved, tokens as
    their intrinsic JSON), the name of the stack it is deployed in and its construct path."""
    create_only = {
        key: value for key, value in properties.items() if key not in UPDATABLE_PROPERTIES
    }
    payload = json.dumps(
        {"stack": stack_name, "path": path, "properties": create_only},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:HASH_LENGTH]


def readable_prefix(construct_id: str) -> str:
    """The construct id reduced to what a SageMaker name allows (ASCII letters, digits and
    single hyphens between them), cut to leave room for the hash."""
    words = re.findall(r"[a-zA-Z0-9]+", construct_id)
    prefix = "-".join(words)[:PREFIX_MAX_LENGTH].strip("-")
    return prefix or FALLBACK_PREFIX


def physical_name(construct_id: str, digest: str) -> str:
    """`<readable prefix>-<hash>`: at most 63 characters and valid for SageMaker."""
    return f"{readable_prefix(construct_id)}-{digest}"


@dataclass(frozen=True)
class ContentNamer:
    """Names an endpoint's model and config after their content (read once per endpoint:
    every read of a CDK attribute is a round trip to the jsii runtime)."""

    stack: cdk.Stack
    stack_name: str
    """The name of the CloudFormation stack that holds the resources (see `deployed_stack`)."""
    path: str
    """The endpoint's construct path."""
    construct_id: str

    @staticmethod
    def for_endpoint(endpoint: Construct, stack: cdk.Stack, construct_id: str) -> ContentNamer:
        return ContentNamer(
            stack, deployed_stack(stack).stack_name, endpoint.node.path, construct_id
        )

    def name(self, resource: cdk.CfnResource, child_id: str) -> str:
        """A name for `resource` (created without one, as child `child_id` of the endpoint)
        that changes exactly when one of its create-only properties changes, as they will be
        written to the template."""
        properties = self.stack.resolve(resource._render_properties(resource._cfn_properties))
        digest = content_hash(
            stack_name=self.stack_name, path=f"{self.path}/{child_id}", properties=properties
        )
        return physical_name(self.construct_id, digest)


def deployed_stack(stack: cdk.Stack) -> cdk.Stack:
    """The CloudFormation stack that holds `stack`'s resources: itself, or for a nested stack
    (whose own name is known only at deploy time) its top-level parent."""
    while stack.nested_stack_parent is not None:
        stack = stack.nested_stack_parent
    return stack
