"""Recognise unresolved CDK tokens without a round trip to the jsii runtime.

CDK encodes a token in a string as `${Token[...]}`, in a list as a single `#{Token[...]}`
element, and in a number as a double around -1.888e+289. Checking the encoding in Python keeps
validation pure and free (a jsii call costs more than all the rules together).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk

_STRING_TOKEN_MARKER = "${Token["
_LIST_TOKEN_MARKER = "#{Token["
_NUMBER_TOKEN_LIMIT = -1e288


def is_unresolved(value: object) -> bool:
    """True if `value` is, or contains, an unresolved CDK token."""
    if isinstance(value, str):
        return _STRING_TOKEN_MARKER in value or value.startswith(_LIST_TOKEN_MARKER)
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return math.isfinite(value) and value <= _NUMBER_TOKEN_LIMIT
    if isinstance(value, Sequence):
        return any(is_unresolved(item) for item in value)
    return False


def unconvertible_duration(duration: cdk.Duration) -> bool:
    """A duration whose amount is a token in another unit than seconds (`Duration.minutes(
    token)`), which CDK cannot convert to the seconds a template writes."""
    return duration.is_unresolved() and duration.unit_label() != "seconds"


def unconvertible_size(size: cdk.Size) -> bool:
    """A size whose amount is a token in another unit than gibibytes, which CDK cannot convert
    to the GiB a template writes (`Size` does not say its unit: CDK is asked)."""
    if not size.is_unresolved():
        return False
    try:
        size.to_gibibytes()
    except RuntimeError:  # jsii raises CDK's errors as RuntimeError
        return True
    return False


def known_length(values: Sequence[object]) -> int | None:
    """How many items `values` has, or None when it is an encoded list token, whose length is
    known only at deploy time (a list of string tokens still has a known length)."""
    if any(isinstance(value, str) and value.startswith(_LIST_TOKEN_MARKER) for value in values):
        return None
    return len(values)


@functools.cache
def aws_partition() -> str:
    """The `AWS::Partition` token (what `Stack.partition` returns for every stack), read from
    the jsii runtime once per process instead of once per ARN."""
    return cdk.Aws.PARTITION


@dataclass(frozen=True)
class StackFacts:
    """What every endpoint of a stack reads from it, read from the jsii runtime once per stack
    (and kept on the stack object: a synthesis of many endpoints pays for it once)."""

    region: str
    account: str
    resolved: Mapping[str, Any]
    """The CloudFormation value of each token among the partition, the region and the account."""
    endpoint_names: dict[str, str] = field(default_factory=dict)
    """The names given to the stack's endpoints so far: lower case -> the endpoint's path
    (CreateEndpoint compares names case-insensitively)."""


_FACTS_ATTRIBUTE = "_mce_constructs_stack_facts"


def stack_facts(stack: cdk.Stack) -> StackFacts:
    """The `StackFacts` of `stack`."""
    facts: StackFacts | None = stack.__dict__.get(_FACTS_ATTRIBUTE)
    if facts is None:
        region, account = stack.region, stack.account
        tokens = [token for token in (aws_partition(), region, account) if is_unresolved(token)]
        resolved = dict(zip(tokens, stack.resolve(tokens), strict=True)) if tokens else {}
        facts = StackFacts(region, account, resolved)
        stack.__dict__[_FACTS_ATTRIBUTE] = facts
    return facts
