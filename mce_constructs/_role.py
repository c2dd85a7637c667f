"""The execution role SageMaker assumes, and the policy of the endpoint's own that it needs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ._acknowledgements import execution_policy_acknowledgements, record
from ._permissions import (
    Environment,
    Network,
    Statement,
    execution_statements,
    flatten_reference,
    without_repeated_resources,
)
from ._sources import SourceResource
from ._tokens import StackFacts, is_unresolved, known_length, stack_facts
from .errors import report

if TYPE_CHECKING:
    from .container import BoundContainer
    from .data_capture import BoundCapture
from .rules.location import ROOT
from .rules.role import check_role_account


def create_execution_role(scope: Construct, id: str) -> iam.Role:
    """A role that only SageMaker can assume, with no managed policy: the endpoint's own
    policy adds exactly what it needs."""
    return iam.Role(
        scope,
        id,
        assumed_by=_sagemaker(),
        description="Execution role of a SageMaker multi-container endpoint",
        # A name only when a repository or bucket of another account must name the role.
        role_name=_generate_if_needed(),
    )


@functools.cache
def _sagemaker() -> iam.ServicePrincipal:
    """SageMaker's service principal: a value, not a construct, made once per process."""
    return iam.ServicePrincipal("sagemaker.amazonaws.com")


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

    The policy is separate from the role's default policy so that its acknowledgements
    (cdk-nag, Guard) cover only these statements, never one a user adds to the role.
    An immutable or another account's role attaches nothing: the policy is then not
    synthesized, and the role is used as it is.
    """
    facts = stack_facts(stack)
    spelling = _as_cdk_nag_spells(statements, facts, stack)
    statements = without_repeated_resources(statements, spelling)
    document = {"Version": "2012-10-17", "Statement": [s.to_json() for s in statements]}
    # CloudFormation would attach the policy by the role's name in whatever account deploys an
    # environment-agnostic stack: a given role of a known account gets none, but a warning.
    unattached = (
        [] if role_is_created else check_role_account(facts.account, role.env.account, ROOT)
    )
    report(scope, unattached)
    policy = iam.Policy(
        scope,
        id,
        document=iam.PolicyDocument.from_json(document),
        roles=None if unattached else [role],
    )
    # The findings IAM cannot avoid, each with its reason, in the form each scanner reads
    # (tests/test_cdk_nag.py, tests/test_acknowledgements.py).
    record(policy, execution_policy_acknowledgements(statements, spelling))
    return policy


def _as_cdk_nag_spells(
    statements: Sequence[Statement], facts: StackFacts, stack: cdk.Stack
) -> Callable[[str], str]:
    """Each resource of the statements as cdk-nag spells it in a finding (and as the template
    writes it, up to that spelling): the partition, the region and the account are replaced by
    their spelling (read once per stack); the resources with any other token are resolved
    together, in one round trip to the jsii runtime, each as a list of one (a list token must
    stand alone)."""
    spelled: dict[str, str] = {}
    for statement in statements:
        for resource in statement.resources:
            value = resource
            for token, resolved in facts.resolved.items():
                value = value.replace(token, flatten_reference(resolved))
            spelled[resource] = value
    others = [resource for resource, value in spelled.items() if is_unresolved(value)]
    if others:
        values = stack.resolve([[resource] for resource in others])
        for resource, value in zip(others, values, strict=True):
            spelled[resource] = flatten_reference(
                value if known_length([resource]) is None else value[0]
            )
    return lambda resource: spelled.get(resource, resource)


EXECUTION_POLICY_ID = "ExecutionPolicy"
"""The child id of the policy of the construct's own."""


def grant_execution(
    scope: Construct,
    role: iam.IRole,
    containers: Sequence[BoundContainer],
    environment: Environment,
    *,
    endpoint_name: str | None,
    network: Network | None,
    capture: BoundCapture | None = None,
    created_role: bool,
    stack: cdk.Stack,
) -> iam.Policy:
    """The execution role's policy of `scope`'s own (`ExecutionPolicy`: exactly what the
    containers need, and the endpoint's logs, capture and network), and the statements the
    app's repositories and buckets in other accounts need."""
    images = [container.image for container in containers if container.image is not None]
    model_data = [data for container in containers for data in container.read]
    statements = execution_statements(
        environment,
        endpoint_name=endpoint_name,
        repository_arns=[image.repository_arn for image in images if image.repository_arn],
        model_data=[data.access for data in model_data if data.access is not None],
        network=network,
        credentials_provider_arns=[
            image.credentials_provider_arn
            for image in images
            if image.credentials_provider_arn is not None
        ],
        capture=None if capture is None else capture.access,
    )
    policy = attach_execution_policy(
        scope, EXECUTION_POLICY_ID, role, statements, stack, role_is_created=created_role
    )
    sources = [
        *(source for image in images for source in image.sources),
        *(source for data in model_data for source in data.sources),
        *(capture.sources if capture else ()),
    ]
    allow_role_in_other_accounts(role, stack_facts(stack).account, sources)
    return policy
