"""What the construct acknowledges to compliance scanners on its own resources, and why.

The one source of the rules each scanner reports on the construct's resources for a reason, and
of those reasons; the compliance table (`make compliance`, docs/security.md) reads them here.
The wildcards of the execution policy are acknowledged per statement, from each statement's
`wildcard_reason` (`_permissions.py`): cdk-nag's `AwsSolutions-IAM5` per wildcard resource,
Guard's `IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE` for the statements whose resource is `*`.

Each scanner reads acknowledgements in its own form:

- cdk-nag's packs, and the Guard plugin (`cdklabs-cdk-validator-cfnguard`) run as a
  policy-validation plugin, read `cdk.Validations` acknowledgements (construct metadata under
  `ACKNOWLEDGED_RULES_METADATA_KEY`, with the reason);
- cfn-guard with the AWS Guard Rules Registry reads the resource's template metadata
  `guard: {SuppressedRules: [...]}`, wherever it runs (the plugin, or cfn-guard on the
  templates): a Guard acknowledgement is written in both forms, the reason in the first;
- checkov reads the resource's template metadata `checkov: {skip: [{id, comment}]}`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from constructs import IConstruct

from ._permissions import Statement, acknowledgements, any_resource_reason


class Scanner(enum.Enum):
    """Who reads an acknowledgement, and so in which form it is written."""

    CDK_NAG = "cdk-nag"
    """A cdk-nag pack: `cdk.Validations` metadata; the rule is qualified by the pack's name."""
    GUARD = "cfn-guard"
    """cfn-guard with the Guard Rules Registry: template metadata, and `cdk.Validations`
    metadata for the Guard plugin (which carries the reason)."""
    CHECKOV = "checkov"
    """checkov: template metadata, with the reason as the skip's comment."""


@dataclass(frozen=True)
class Acknowledgement:
    """One finding a scanner would report on a resource of the construct, and why it stays."""

    scanner: Scanner
    rule: str
    """As the scanner names it (for cdk-nag, qualified: `<pack>::<pack>-<rule>[...]`)."""
    reason: str


REGULATED_PACKS = ("HIPAA.Security", "NIST.800.53.R4", "NIST.800.53.R5", "PCI.DSS.321")
"""cdk-nag's packs for regulated industries that report an inline policy."""
INLINE_POLICY_REASON = (
    "The endpoint's own policy, with exactly what its containers need: created, updated and "
    "deleted with the endpoint by CloudFormation, versioned with the template, attached to its "
    "execution role only. A customer managed policy would replace this resource under a new "
    "logical id (CloudFormation cannot change a resource's type in place, and the library "
    "keeps its logical ids), and would count against the role's quota of managed policies "
    "once for each endpoint that shares the role."
)
GUARD_PLUGIN = "cdk-validator-cfnguard"
"""The Guard plugin's name, which qualifies its rules in `cdk.Validations` acknowledgements."""
GUARD_WILDCARD_RULE = "IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE"
OPEN_EGRESS_RULES = (
    "EC2_SECURITY_GROUP_EGRESS_OPEN_TO_WORLD_RULE",
    "SECURITY_GROUP_EGRESS_ALL_PROTOCOLS_RULE",
)
OPEN_EGRESS_REASON = (
    "The security group the construct creates when no security_groups are given allows no "
    "inbound traffic and all outbound traffic, as a CDK security group does by default: the "
    "containers reach S3, ECR and the other AWS services through the VPC's endpoints or NAT, "
    "and whatever the model itself calls, at addresses that depend on the VPC. To restrict "
    "egress, give security_groups with the outbound rules your VPC needs; then no group is "
    "created."
)
NETWORK_ISOLATION_CHECK = "CKV_AWS_370"
NETWORK_ISOLATION_REASON = (
    "Network isolation is off unless enable_network_isolation=True: containers built on "
    "SageMaker's framework images download their inference code (SAGEMAKER_SUBMIT_DIRECTORY) "
    "and may call other services when they start, which isolation forbids. Turn it on for "
    "containers that make no outbound call."
)

INLINE_POLICY = tuple(
    Acknowledgement(Scanner.CDK_NAG, f"{pack}::{pack}-IAMNoInlinePolicy", INLINE_POLICY_REASON)
    for pack in REGULATED_PACKS
)
OPEN_EGRESS = tuple(
    Acknowledgement(Scanner.GUARD, rule, OPEN_EGRESS_REASON) for rule in OPEN_EGRESS_RULES
)
NO_NETWORK_ISOLATION = (
    Acknowledgement(Scanner.CHECKOV, NETWORK_ISOLATION_CHECK, NETWORK_ISOLATION_REASON),
)


def execution_policy_acknowledgements(
    statements: Sequence[Statement], render: Callable[[str], str]
) -> list[Acknowledgement]:
    """The execution policy's: each wildcard resource a statement explains (cdk-nag's
    AwsSolutions, Guard), and the inline policy (cdk-nag's regulated packs).

    `render` spells a resource as cdk-nag does in its finding ids."""
    found = [
        Acknowledgement(Scanner.CDK_NAG, finding, reason)
        for finding, reason in acknowledgements(statements, render).items()
    ]
    found += INLINE_POLICY
    any_resource = any_resource_reason(statements)
    if any_resource is not None:
        found.append(Acknowledgement(Scanner.GUARD, GUARD_WILDCARD_RULE, any_resource))
    return found


def validation_id(acknowledgement: Acknowledgement) -> str | None:
    """The id a `cdk.Validations` acknowledgement takes (None: not read from there)."""
    if acknowledgement.scanner is Scanner.CDK_NAG:
        return acknowledgement.rule
    if acknowledgement.scanner is Scanner.GUARD:
        return f"{GUARD_PLUGIN}::{acknowledgement.rule}"
    return None


def _by_form(
    found: Iterable[Acknowledgement],
) -> tuple[dict[str, str], list[str], list[dict[str, str]]]:
    """`found` in the form each scanner reads: `cdk.Validations` ids with their reasons, Guard's
    suppressed rules, checkov's skips."""
    validations: dict[str, str] = {}
    guard: list[str] = []
    checkov: list[dict[str, str]] = []
    for acknowledgement in found:
        qualified = validation_id(acknowledgement)
        if qualified is not None:
            validations[qualified] = acknowledgement.reason
        if acknowledgement.scanner is Scanner.GUARD:
            guard.append(acknowledgement.rule)
        elif acknowledgement.scanner is Scanner.CHECKOV:
            checkov.append({"id": acknowledgement.rule, "comment": acknowledgement.reason})
    return validations, guard, checkov


def record(
    construct: IConstruct,
    found: Iterable[Acknowledgement],
    *,
    resource: cdk.CfnResource | None = None,
) -> None:
    """Acknowledge `found` on `construct` and its CloudFormation resource (default: its
    default child, looked up only when the template needs metadata), each in the form its
    scanner reads."""
    validations, guard, checkov = _by_form(found)
    node = construct.node if validations or resource is None else None
    if node is not None and validations:
        # What `cdk.Validations.of(construct).acknowledge(...)` records, in one entry: that
        # call also captures a stack trace for each finding, at every synth
        # (docs/benchmarks.md); the validation report reads the entry alike.
        node.add_metadata(_acknowledged_rules_key(), validations)
    if not (guard or checkov):
        return
    if resource is None:
        child = node.default_child if node is not None else None
        if not isinstance(child, cdk.CfnResource):
            raise TypeError(f"{construct.node.path} has no CloudFormation resource")
        resource = child
    if guard:
        resource.add_metadata("guard", {"SuppressedRules": guard})
    if checkov:
        resource.add_metadata("checkov", {"skip": checkov})


def acknowledge_open_egress(group: IConstruct) -> None:
    """The security group the construct creates: its open egress, for Guard."""
    record(group, OPEN_EGRESS)


def acknowledge_network_isolation(model: cdk.CfnResource, *, isolated: bool) -> None:
    """A model without network isolation: checkov's CKV_AWS_370."""
    if not isolated:
        record(model, NO_NETWORK_ISOLATION, resource=model)


@functools.cache
def _acknowledged_rules_key() -> str:
    """The metadata key of acknowledged validation findings, read once per process."""
    return cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
