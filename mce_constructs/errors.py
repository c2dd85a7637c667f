"""The error every refusal raises, the problems it lists, and the one place problems are
raised (errors) or annotated (warnings)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from constructs import IConstruct


@dataclass(frozen=True)
class Problem:
    """One rule broken: where (a field path a user recognises) and what is allowed.

    A problem with a `warning_id` is a warning: the sources do not say that the service
    refuses it, so the construct is still created and the user can acknowledge the warning.
    """

    where: str
    message: str
    warning_id: str | None = None

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


def report(scope: IConstruct, problems: Sequence[Problem]) -> None:
    """Raise the errors among `problems` as one `MceValidationError` naming `scope`'s path, or
    add the warnings to `scope` (each acknowledgeable by its id) when there is no error."""
    errors = [problem for problem in problems if problem.warning_id is None]
    if errors:
        raise MceValidationError(scope.node.path, errors)
    for problem in problems:
        if problem.warning_id is not None:
            cdk.Annotations.of(scope).add_warning_v2(problem.warning_id, str(problem))
