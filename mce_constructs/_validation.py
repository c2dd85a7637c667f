"""The service's rules as pure functions: an endpoint's settings in, a list of problems out.

Each rule returns the problems it finds; `validate` runs them all so that a user sees every
problem at once. A value that is an unresolved CDK token is skipped, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._tokens import is_unresolved
from .container import ContainerDefinition, InvocationMode

MAX_CONTAINERS = 15
HOSTNAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
HOSTNAME_MAX_LENGTH = 63


@dataclass(frozen=True)
class EndpointSpec:
    """The settings of one endpoint that the rules look at (all plain values)."""

    containers: Sequence[ContainerDefinition]
    mode: InvocationMode


@dataclass(frozen=True)
class Problem:
    """One rule broken: where (a field path a user recognises) and what is allowed."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class MceValidationError(ValueError):
    """A multi-container endpoint's settings break one or more of the service's rules."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{path}: {count} {noun} in the multi-container endpoint:\n{lines}")


def container_label(index: int, container: ContainerDefinition) -> str:
    """How a problem names a container: its index, and its hostname when it has one."""
    hostname = container.container_hostname
    if hostname is None:
        return f"containers[{index}]"
    return f"containers[{index}] ({hostname!r})"


def check_container_count(spec: EndpointSpec) -> list[Problem]:
    count = len(spec.containers)
    if 1 <= count <= MAX_CONTAINERS:
        return []
    return [
        Problem(
            "containers",
            f"{count} containers given; a multi-container endpoint has 1 to {MAX_CONTAINERS}",
        )
    ]


def check_hostnames(spec: EndpointSpec) -> list[Problem]:
    problems: list[Problem] = []
    hostnames = [container.container_hostname for container in spec.containers]
    missing = [index for index, hostname in enumerate(hostnames) if hostname is None]
    if spec.mode is InvocationMode.DIRECT:
        problems.extend(
            Problem(
                f"{container_label(index, spec.containers[index])}.container_hostname",
                "required in Direct mode (each request names its container by hostname)",
            )
            for index in missing
        )
    elif missing and len(missing) < len(hostnames):
        problems.extend(
            Problem(
                f"{container_label(index, spec.containers[index])}.container_hostname",
                "missing; in Serial mode give a hostname to all containers or to none",
            )
            for index in missing
        )
    seen: dict[str, int] = {}
    for index, hostname in enumerate(hostnames):
        if hostname is None or is_unresolved(hostname):
            continue
        where = f"{container_label(index, spec.containers[index])}.container_hostname"
        if len(hostname) > HOSTNAME_MAX_LENGTH or not HOSTNAME_PATTERN.fullmatch(hostname):
            problems.append(
                Problem(
                    where,
                    f"{hostname!r} is not a valid hostname: 1 to {HOSTNAME_MAX_LENGTH} letters, "
                    "digits and hyphens, starting and ending with a letter or digit",
                )
            )
        first = seen.setdefault(hostname.lower(), index)
        if first != index:
            problems.append(
                Problem(
                    where,
                    f"{hostname!r} is already used by containers[{first}] "
                    "(hostnames are compared case-insensitively)",
                )
            )
    return problems


RULES: tuple[Callable[[EndpointSpec], list[Problem]], ...] = (
    check_container_count,
    check_hostnames,
)


def validate(spec: EndpointSpec) -> list[Problem]:
    """Every problem with `spec`, in a stable order (empty when the endpoint is valid)."""
    return [problem for rule in RULES for problem in rule(spec)]
