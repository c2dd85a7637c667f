"""The compliance table: what each scanner reports on the construct's resources, and why.

The source of the table that `make compliance` prints and docs/security.md carries: the
scanners with the versions pinned in compliance/requirements.txt, and for each rule that
reports a resource of the construct, whether it is acknowledged (with the construct's reason,
from `mce_constructs._acknowledgements` and `_permissions`) or the user's choice (with how to
meet it). Every other rule of each scanner passes. `make compliance` fails on a finding that no
row explains, and on a row that no finding needs.

`python -m compliance.table` prints the table; `--write` puts it into docs/security.md.
"""

from __future__ import annotations

import argparse
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mce_constructs._acknowledgements import (
    GUARD_WILDCARD_RULE,
    INLINE_POLICY_REASON,
    NETWORK_ISOLATION_CHECK,
    NETWORK_ISOLATION_REASON,
    OPEN_EGRESS_REASON,
    OPEN_EGRESS_RULES,
    REGULATED_PACKS,
)
from mce_constructs._permissions import (
    CAPTURE_REASON,
    DESCRIBE_REASON,
    GENERATED_LOGS_REASON,
    METRICS_REASON,
    NAMED_LOGS_REASON,
    NETWORK_INTERFACE_REASON,
    PREFIX_REASON,
    SUBNET_LIST_REASON,
    TOKEN_REASON,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REQUIREMENTS = HERE / "requirements.txt"
DOCS = REPO / "docs" / "security.md"
BEGIN = "<!-- compliance table: python -m compliance.table --write -->"
END = "<!-- end of the compliance table -->"

GUARD_VERSION = "3.1.1"
"""The cfn-guard that the Guard plugin ships (its guard-version.json)."""
REGISTRY_COMMIT = "7f7340c26ae5d5e8874651dbffeb12e0e9f505b6"
"""The AWS Guard Rules Registry's commit that compliance/guard-rules-registry/ copies."""
REGISTRY_RULES = HERE / "guard-rules-registry" / "rules"
AWS_SOLUTIONS = "AwsSolutions"
GUARD_PLUGIN_PACKAGE = "cdklabs.cdk-validator-cfnguard"
GUARD_KMS_RULE = "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED"
KMS_PACK_RULE = "SageMakerEndpointConfigurationKMSKeyConfigured"


class Outcome(enum.Enum):
    PASSED = "passed"
    ACKNOWLEDGED = "acknowledged"
    USERS_CHOICE = "user's choice"
    FOUND = "**finding**"
    """A finding that no row explains (make compliance fails)."""
    NOT_FOUND = "**not found**"
    """A row that no finding needs (make compliance fails: the table is stale)."""


@dataclass(frozen=True)
class Resource:
    """Which of the construct's resources a row is about."""

    type: str
    """Its CloudFormation type."""
    child: str
    """The construct id of the endpoint's child that makes it (a prefix: `Model` for every
    model); empty for a row about every resource."""
    label: str

    def matches(self, resource_type: str, child: str) -> bool:
        return resource_type == self.type and child.startswith(self.child)


EVERY_RESOURCE = Resource("", "", "every resource of the construct")
POLICY = Resource("AWS::IAM::Policy", "ExecutionPolicy", "`<endpoint>/ExecutionPolicy`")
ANY_RESOURCE_STATEMENTS = Resource(
    "AWS::IAM::Policy",
    "ExecutionPolicy",
    "`<endpoint>/ExecutionPolicy`: `GetEcrToken`, `PutMetrics`, `DescribeNetwork` (with `vpc`)",
)
CONFIG_WITHOUT_KEY = Resource(
    "AWS::SageMaker::EndpointConfig",
    "EndpointConfig",
    "`<endpoint>/EndpointConfig` without `kms_key`",
)
CREATED_SECURITY_GROUP = Resource(
    "AWS::EC2::SecurityGroup",
    "SecurityGroup",
    "`<endpoint>/SecurityGroup` (created with `vpc` and no `security_groups`)",
)
MODEL_WITHOUT_ISOLATION = Resource(
    "AWS::SageMaker::Model", "Model", "each `<endpoint>/Model…` without `enable_network_isolation`"
)

KMS_HOW_TO_MEET = (
    "Give `kms_key`: SageMaker then encrypts the instances' storage volumes with your key "
    "([encryption](#network-isolation-encryption))."
)
WILDCARD_REASONS = (
    TOKEN_REASON,
    METRICS_REASON,
    DESCRIBE_REASON,
    NAMED_LOGS_REASON,
    GENERATED_LOGS_REASON,
    PREFIX_REASON,
    CAPTURE_REASON,
    SUBNET_LIST_REASON,
    NETWORK_INTERFACE_REASON,
)
"""Every reason a statement gives for a wildcard resource."""


@dataclass(frozen=True)
class Row:
    scanner: str
    """The scanner, its version and its rule set."""
    rule: str
    """The rule (an `AwsSolutions-IAM5` row covers each `AwsSolutions-IAM5[...]` finding)."""
    resource: Resource
    outcome: Outcome
    note: str = ""
    """The reason (acknowledged) or how to meet the rule (the user's choice)."""
    reasons: tuple[str, ...] = ()
    """The reasons an acknowledgement of this row may give, joined (default: the note)."""

    def explains(self, finding: Finding) -> bool:
        """Whether the finding is this row's: its rule, its resource, and for an
        acknowledgement a reason made of this row's reasons."""
        if finding.scanner != self.scanner or not self.resource.matches(
            finding.resource_type, finding.child
        ):
            return False
        if not (finding.rule == self.rule or finding.rule.startswith(f"{self.rule}[")):
            return False
        if self.outcome is Outcome.USERS_CHOICE:
            return finding.reason is None
        if self.outcome is Outcome.ACKNOWLEDGED and finding.reason is not None:
            return made_of(finding.reason, self.reasons or (self.note,))
        return False


@dataclass(frozen=True)
class Finding:
    """One rule a scanner reported on one resource, and the reason it is acknowledged with
    (None: not acknowledged)."""

    scanner: str
    rule: str
    app: str
    path: str
    """The resource's construct path."""
    resource_type: str
    child: str
    """The construct id of the endpoint's child that makes the resource; empty when the
    resource is not an endpoint's."""
    reason: str | None


def made_of(reason: str, parts: Sequence[str]) -> bool:
    """Whether `reason` is some of `parts` (each at most once, in any order), joined by
    spaces."""
    rest = reason
    for part in sorted(parts, key=len, reverse=True):
        rest = rest.replace(part, "", 1)
    return rest != reason and not rest.strip()


def pins(requirements: Path = REQUIREMENTS) -> dict[str, str]:
    """The exact versions of compliance/requirements.txt, by normalized package name."""
    found = {}
    for line in requirements.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            found[normalized(match[1])] = match[2]
    return found


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Scanners:
    """The label of each scanner in the table, with its version."""

    cdk_nag: str
    guard_plugin: str
    checkov: str

    @staticmethod
    def pinned(requirements: Path = REQUIREMENTS) -> Scanners:
        versions = pins(requirements)
        return Scanners(
            cdk_nag=versions["cdk-nag"],
            guard_plugin=versions[normalized(GUARD_PLUGIN_PACKAGE)],
            checkov=versions["checkov"],
        )

    def pack(self, name: str) -> str:
        return f"cdk-nag {self.cdk_nag} {name}"

    @property
    def guard(self) -> str:
        return (
            f"cdk-validator-cfnguard {self.guard_plugin} (cfn-guard {GUARD_VERSION}): "
            f"AWS Guard Rules Registry ({REGISTRY_COMMIT[:7]}) and Control Tower rules"
        )

    @property
    def checkov_label(self) -> str:
        return f"checkov {self.checkov}"


def rows(scanners: Scanners) -> list[Row]:
    """The table."""
    aws_solutions = scanners.pack(AWS_SOLUTIONS)
    table = [
        Row(
            aws_solutions,
            "AwsSolutions-IAM5",
            POLICY,
            Outcome.ACKNOWLEDGED,
            "Each wildcard resource that IAM cannot narrow, with its reason: see "
            "[cdk-nag](#cdk-nag).",
            WILDCARD_REASONS,
        ),
        Row(aws_solutions, "every other rule", EVERY_RESOURCE, Outcome.PASSED),
    ]
    for pack in REGULATED_PACKS:
        label = scanners.pack(pack)
        table += [
            Row(
                label,
                f"{pack}-IAMNoInlinePolicy",
                POLICY,
                Outcome.ACKNOWLEDGED,
                INLINE_POLICY_REASON,
            ),
            Row(
                label,
                f"{pack}-{KMS_PACK_RULE}",
                CONFIG_WITHOUT_KEY,
                Outcome.USERS_CHOICE,
                KMS_HOW_TO_MEET,
            ),
            Row(label, "every other rule", EVERY_RESOURCE, Outcome.PASSED),
        ]
    guard = scanners.guard
    any_resource = (TOKEN_REASON, METRICS_REASON, DESCRIBE_REASON)
    table += [
        Row(
            guard,
            GUARD_WILDCARD_RULE,
            ANY_RESOURCE_STATEMENTS,
            Outcome.ACKNOWLEDGED,
            " ".join(any_resource),
            any_resource,
        ),
        *(
            Row(guard, rule, CREATED_SECURITY_GROUP, Outcome.ACKNOWLEDGED, OPEN_EGRESS_REASON)
            for rule in OPEN_EGRESS_RULES
        ),
        Row(guard, GUARD_KMS_RULE, CONFIG_WITHOUT_KEY, Outcome.USERS_CHOICE, KMS_HOW_TO_MEET),
        Row(guard, "every other rule", EVERY_RESOURCE, Outcome.PASSED),
        Row(
            scanners.checkov_label,
            NETWORK_ISOLATION_CHECK,
            MODEL_WITHOUT_ISOLATION,
            Outcome.ACKNOWLEDGED,
            NETWORK_ISOLATION_REASON,
        ),
        Row(scanners.checkov_label, "every other check", EVERY_RESOURCE, Outcome.PASSED),
    ]
    return table


def observed(table: Sequence[Row], findings: Sequence[Finding]) -> tuple[list[Row], list[Finding]]:
    """The table as the findings show it (a row no finding needs is marked not found), and
    the findings that no row explains."""
    needed: set[Row] = set()
    unexplained = []
    for finding in findings:
        row = next((row for row in table if row.explains(finding)), None)
        if row is None:
            unexplained.append(finding)
        else:
            needed.add(row)
    shown = [
        row
        if row.outcome is Outcome.PASSED or row in needed
        else Row(row.scanner, row.rule, row.resource, Outcome.NOT_FOUND, row.note)
        for row in table
    ]
    return shown, unexplained


def render(table: Iterable[Row]) -> str:
    """The table as Markdown."""
    lines = ["| scanner | rule | resource | outcome |", "|---|---|---|---|"]
    for row in table:
        outcome = row.outcome.value + (f": {row.note}" if row.note else "")
        cells = (row.scanner, f"`{row.rule}`" if row.outcome is not Outcome.PASSED else row.rule)
        lines.append(f"| {cells[0]} | {cells[1]} | {row.resource.label} | {outcome} |")
    return "\n".join(lines) + "\n"


def in_docs(text: str) -> str:
    """The table docs/security.md carries, between its markers."""
    start = text.index(BEGIN) + len(BEGIN)
    return text[start : text.index(END, start)].strip("\n") + "\n"


def write_docs(table: str, docs: Path = DOCS) -> None:
    text = docs.read_text()
    start = text.index(BEGIN) + len(BEGIN)
    docs.write_text(f"{text[:start]}\n{table}{text[text.index(END, start) :]}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="put the table into the docs")
    table = render(rows(Scanners.pinned()))
    if parser.parse_args(argv).write:
        write_docs(table)
    else:
        print(table, end="")


if __name__ == "__main__":
    main()
