"""The execution role SageMaker assumes, and the policy of the endpoint's own that it needs."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ._permissions import Statement, acknowledgements, flatten_reference
from ._tokens import StackFacts, is_unresolved, stack_facts
from .container import SourceResource

OTHER_ACCOUNT_ROLE_WARNING = "mce-constructs:roleOfOtherAccount"


def create_execution_role(scope: Construct, id: str) -> iam.Role:
    """A role that only SageMaker can assume, with no managed policy: the endpoint's own
    policy adds exactly what it needs."""
    return iam.Role(
        scope,
        id,
        assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
        description="Execution role of a SageMaker multi-container endpoint",
        # A name only when a repository or bucket of another account must name the role.
        role_name=_generate_if_needed(),
    )


@functools.cache
def _generate_if_needed() -> str:
    return cdk.PhysicalName.GENERATE_IF_NEEDED


def allow_role_in_other_accounts(
    role: iam.IRole, account: str, sources: Sequence[SourceResource]
) -> None:
    """Let `role` read the repositories and buckets of the app that are in another account
    than the endpoint: cross-account access needs the resource's policy too (what
    `repository.grant_pull` and `bucket.grant_read` add)."""
    for source in sources:
        if _in_other_account(source.resource.env.account, account):
            source.add_to_resource_policy(
                iam.PolicyStatement(
                    actions=list(source.actions),
                    resources=list(source.resource_arns) or None,
                    principals=[iam.ArnPrincipal(role.role_arn)],
                )
            )


def _in_other_account(account: str, stack_account: str) -> bool:
    return not is_unresolved([account, stack_account]) and account != stack_account


def attach_execution_policy(
    scope: Construct,
    id: str,
    role: iam.IRole,
    statements: Sequence[Statement],
    stack: cdk.Stack,
    *,
    role_is_created: bool,
) -> iam.Policy:
    """Attach `statements` to `role` as a policy of the endpoint's own.

    The policy is separate from the role's default policy so that its cdk-nag
    acknowledgements cover only these statements, never one a user adds to the role.
    An immutable or another account's role attaches nothing: the policy is then not
    synthesized, and the role is used as it is.
    """
    document = {"Version": "2012-10-17", "Statement": [s.to_json() for s in statements]}
    policy = iam.Policy(scope, id, document=iam.PolicyDocument.from_json(document))
    facts = stack_facts(stack)
    if not role_is_created and is_unresolved(facts.account) and not is_unresolved(role.env.account):
        # CloudFormation would attach the policy by the role's name in whatever account
        # deploys the stack: to another role, or to none.
        cdk.Annotations.of(scope).add_warning_v2(
            OTHER_ACCOUNT_ROLE_WARNING,
            f"The role of account {role.env.account} receives no policy from an "
            "environment-agnostic stack (the stack's account is known only at deploy time): it "
            "must already allow what the endpoint needs (docs/security.md), or give the stack "
            "an account.",
        )
    else:
        role.attach_inline_policy(policy)
    found = acknowledgements(statements, functools.partial(_as_cdk_nag_spells, facts, stack))
    if found:
        cdk.Validations.of(policy).acknowledge(
            *(cdk.Acknowledgment(id=finding, reason=reason) for finding, reason in found.items())
        )
    return policy


def _as_cdk_nag_spells(facts: StackFacts, stack: cdk.Stack, value: str) -> str:
    """A resource of a statement as cdk-nag spells it in a finding: the partition, the region
    and the account are replaced by their spelling (read once per stack); a value with any
    other token is resolved."""
    for token, resolved in facts.resolved.items():
        value = value.replace(token, flatten_reference(resolved))
    return flatten_reference(stack.resolve(value)) if is_unresolved(value) else value
