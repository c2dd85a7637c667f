"""The execution role the user gives, as the stack can use it."""

from __future__ import annotations

from ..errors import Problem
from .location import Location
from .values import is_unknown

OTHER_ACCOUNT_ROLE_WARNING = "mce-constructs:roleOfOtherAccount"


def check_role_account(stack_account: str, role_account: str, where: Location) -> list[Problem]:
    """An environment-agnostic stack cannot attach a policy to a role of a known account
    (CloudFormation would look the role up by name in whatever account deploys): a warning."""
    if not is_unknown(stack_account) or is_unknown(role_account):
        return []
    return [
        where.field("role").problem(
            f"The role of account {role_account} receives no policy from an "
            "environment-agnostic stack (the stack's account is known only at deploy time): it "
            "must already allow what the endpoint needs (docs/security.md), or give the stack "
            "an account.",
            OTHER_ACCOUNT_ROLE_WARNING,
        )
    ]
