"""The logical id CDK allocates to a resource, computed in Python without a round trip.

`Stack.allocateLogicalId` names a resource after its construct path below its stack
(aws-cdk-lib, core/lib/private/uniqueid.ts, `makeUniqueId`): the path's ids with "Default"
left out, then the readable part (ids reduced to ASCII letters and digits, an id that ends the
previous one dropped, "Resource" left out, at most 240 characters) and the first 8 hexadecimal
digits of the MD5 of the path, in capitals. A resource that is a stack's direct child keeps its
id. `tests/test_logical_ids.py` checks this against the stack's own allocation.

A stack that allocates its ids another way (a subclass that overrides `allocate_logical_id`),
a rename (`Stack.rename_logical_id`) or an override (`CfnElement.override_logical_id`) gives
another id: a caller checks, before the template is written, the ids it computed here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import aws_cdk as cdk

_HIDDEN = "Default"
_HIDDEN_FROM_HUMANS = "Resource"
_HASH_LENGTH = 8
_MAX_READABLE_LENGTH = 240
_MAX_ID_LENGTH = 255
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


def allocates_by_default(stack: cdk.Stack) -> bool:
    """Whether `stack` allocates logical ids as `cdk.Stack` does (its class does not override
    `allocate_logical_id`)."""
    return type(stack)._allocate_logical_id is cdk.Stack._allocate_logical_id


def default_logical_id(path: Sequence[str]) -> str:
    """The logical id `cdk.Stack` allocates to the element at `path` (the construct ids from
    below the stack down to the element)."""
    components = [component for component in path if component != _HIDDEN]
    if not components:
        raise ValueError("a logical id needs at least one construct id besides 'Default'")
    if len(components) == 1:
        single = _NOT_ALPHANUMERIC.sub("", components[0])
        if len(single) <= _MAX_ID_LENGTH:
            return single
    digest = hashlib.md5("/".join(components).encode("utf-8"), usedforsecurity=False)
    readable = "".join(
        _NOT_ALPHANUMERIC.sub("", component)
        for component in _without_repeats(components)
        if component != _HIDDEN_FROM_HUMANS
    )
    return readable[:_MAX_READABLE_LENGTH] + digest.hexdigest()[:_HASH_LENGTH].upper()


def _without_repeats(components: Sequence[str]) -> list[str]:
    """The components, each left out when the one kept before it ends with it."""
    kept: list[str] = []
    for component in components:
        if not kept or not kept[-1].endswith(component):
            kept.append(component)
    return kept
