"""Names: of models, endpoint configs, endpoints and production variants, and container
hostnames (the same rule for all, from the service model)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import Problem
from .location import Location
from .values import is_unknown, shown

NAME_MAX_LENGTH = 63
NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
"""Names of models, configs, endpoints and variants, and container hostnames."""
NAME_RULE = (
    f"1 to {NAME_MAX_LENGTH} letters, digits and hyphens, "
    "starting and ending with a letter or digit"
)


def is_valid_name(name: str) -> bool:
    """Whether `name` is a valid SageMaker name (a token is not known to be)."""
    return len(name) <= NAME_MAX_LENGTH and NAME_PATTERN.fullmatch(name) is not None


def check_name(name: str, where: Location, what: str) -> list[Problem]:
    """A SageMaker name or a hostname: `what` says which ("endpoint name", "hostname")."""
    if is_unknown(name) or is_valid_name(name):
        return []
    return [where.problem(f"{shown(name)} is not a valid {what}: {NAME_RULE}")]


def check_endpoint_name(name: str | None, where: Location) -> list[Problem]:
    """A given endpoint name is a valid SageMaker name."""
    return [] if name is None else check_name(name, where.field("EndpointName"), "endpoint name")


def check_endpoint_name_unique(
    name: str | None, taken: Mapping[str, str], where: Location
) -> list[Problem]:
    """Endpoint names are unique in an account and region, and "case-insensitive in
    CreateEndpoint" (its `EndpointName`): a name another endpoint of the stack has, in any case
    (`taken`: each name's lower case -> the path of the endpoint that has it), fails to deploy."""
    if name is None or is_unknown(name):
        return []
    other = taken.get(name.lower())
    if other is None:
        return []
    return [
        where.field("EndpointName").problem(
            f"{shown(name)} is already the name of {other} (in any case: CreateEndpoint compares "
            "endpoint names case-insensitively); give each endpoint a name of its own"
        )
    ]
