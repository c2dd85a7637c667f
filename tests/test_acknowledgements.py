"""What the construct acknowledges to the compliance scanners on its own resources, in the form
each one reads: cdk.Validations metadata with the reason (cdk-nag, the Guard plugin), template
metadata (Guard's `guard.SuppressedRules`, checkov's `checkov.skip`). `make compliance` runs the
scanners themselves; here the rules' own text is read from the registry's copy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from mce_constructs import ContainerDefinition, InvocationMode, MultiContainerEndpoint
from mce_constructs._acknowledgements import (
    GUARD_WILDCARD_RULE,
    INLINE_POLICY_REASON,
    NETWORK_ISOLATION_CHECK,
    NETWORK_ISOLATION_REASON,
    OPEN_EGRESS_REASON,
    OPEN_EGRESS_RULES,
)
from mce_constructs._permissions import (
    DESCRIBE_REASON,
    METRICS_REASON,
    TOKEN_REASON,
    Statement,
    any_resource_reason,
)

from .conftest import REGISTRY, REPO, SUBNET_IDS, Template, imported_vpc, resources_of_type

REGISTRY_RULES = REPO / "compliance" / "guard-rules-registry" / "rules"

INLINE_POLICY_IDS = [
    f"{pack}::{pack}-IAMNoInlinePolicy"
    for pack in ("HIPAA.Security", "NIST.800.53.R4", "NIST.800.53.R5", "PCI.DSS.321")
]
GUARD_ID = "cdk-validator-cfnguard::"


class Synthesized:
    """Three endpoints: outside a VPC; in a VPC with a created security group; in a VPC with
    a given one and network isolation."""

    def __init__(self, outdir: Path) -> None:
        app = cdk.App(outdir=str(outdir))
        stack = cdk.Stack(app, "Compliance")
        vpc = imported_vpc(
            stack, availability_zones=["us-east-1a"], private_subnet_ids=SUBNET_IDS[:1]
        )
        containers = [
            ContainerDefinition(image=f"{REGISTRY}/a:1", container_hostname="a"),
            ContainerDefinition(image=f"{REGISTRY}/b:1", container_hostname="b"),
        ]
        MultiContainerEndpoint(stack, "Plain", containers=containers, mode=InvocationMode.DIRECT)
        MultiContainerEndpoint(stack, "InVpc", containers=containers, vpc=vpc)
        MultiContainerEndpoint(
            stack,
            "Isolated",
            containers=containers,
            vpc=vpc,
            security_groups=[ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-0123")],
            enable_network_isolation=True,
        )
        assembly = app.synth()
        self.template: Template = assembly.get_stack_by_name("Compliance").template
        metadata = json.loads((Path(assembly.directory) / "Compliance.metadata.json").read_text())
        self.acknowledged: dict[str, dict[str, str]] = {}
        for path, entries in metadata.items():
            for entry in entries:
                if entry["type"] == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                    self.acknowledged.setdefault(path.strip("/"), {}).update(entry["data"])

    def metadata(self, resource_type: str, prefix: str) -> dict[str, Any]:
        """The template metadata of the one resource of `resource_type` whose logical id
        starts with `prefix`, without CDK's own."""
        (resource,) = [
            resource
            for logical_id, resource in resources_of_type(self.template, resource_type).items()
            if logical_id.startswith(prefix)
        ]
        found: dict[str, Any] = resource.get("Metadata", {})
        return {key: value for key, value in found.items() if not key.startswith("aws:")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return Synthesized(tmp_path_factory.mktemp("compliance"))


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        ("Plain", f"{TOKEN_REASON} {METRICS_REASON}"),
        ("InVpc", f"{TOKEN_REASON} {METRICS_REASON} {DESCRIBE_REASON}"),
    ],
)
def test_policy_suppresses_guards_wildcard_rule_with_the_reasons_of_its_any_resource_statements(
    built: Synthesized, endpoint: str, reason: str
) -> None:
    assert built.metadata("AWS::IAM::Policy", f"{endpoint}ExecutionPolicy") == {
        "guard": {"SuppressedRules": [GUARD_WILDCARD_RULE]}
    }
    acknowledged = built.acknowledged[f"Compliance/{endpoint}/ExecutionPolicy"]
    assert acknowledged[GUARD_ID + GUARD_WILDCARD_RULE] == reason


def test_policy_acknowledges_the_inline_policy_to_each_regulated_pack(built: Synthesized) -> None:
    for endpoint in ("Plain", "InVpc", "Isolated"):
        acknowledged = built.acknowledged[f"Compliance/{endpoint}/ExecutionPolicy"]
        assert {rule: acknowledged[rule] for rule in INLINE_POLICY_IDS} == dict.fromkeys(
            INLINE_POLICY_IDS, INLINE_POLICY_REASON
        )
        assert not [rule for rule in acknowledged if "KMSKey" in rule]


def test_created_security_group_acknowledges_its_open_egress_to_guard(built: Synthesized) -> None:
    assert built.metadata("AWS::EC2::SecurityGroup", "InVpcSecurityGroup") == {
        "guard": {"SuppressedRules": list(OPEN_EGRESS_RULES)}
    }
    assert built.acknowledged["Compliance/InVpc/SecurityGroup"] == {
        GUARD_ID + rule: OPEN_EGRESS_REASON for rule in OPEN_EGRESS_RULES
    }
    # A given security group is the user's: nothing is created, nothing acknowledged.
    assert len(resources_of_type(built.template, "AWS::EC2::SecurityGroup")) == 1
    assert not [path for path in built.acknowledged if path.startswith("Compliance/Isolated/Sg")]


def test_a_model_without_network_isolation_acknowledges_it_to_checkov(built: Synthesized) -> None:
    skip = {
        "checkov": {"skip": [{"id": NETWORK_ISOLATION_CHECK, "comment": NETWORK_ISOLATION_REASON}]}
    }
    assert built.metadata("AWS::SageMaker::Model", "PlainModel") == skip
    assert built.metadata("AWS::SageMaker::Model", "InVpcModel") == skip
    assert built.metadata("AWS::SageMaker::Model", "IsolatedModel") == {}


def test_guard_suppression_joins_the_reasons_of_the_any_resource_statements_only() -> None:
    token = Statement("GetEcrToken", ("ecr:GetAuthorizationToken",), ("*",), wildcard_reason="T")
    metrics = Statement("PutMetrics", ("cloudwatch:PutMetricData",), ("*",), wildcard_reason="M")
    scoped = Statement("Logs", ("logs:PutLogEvents",), ("arn:logs:*",), wildcard_reason="L")
    assert any_resource_reason([token, scoped, metrics, token]) == "T M"
    assert any_resource_reason([scoped]) is None
    # A "*" without a reason is never hidden: the whole policy stays reported.
    unexplained = Statement("Anything", ("s3:GetObject",), ("*",))
    assert any_resource_reason([token, unexplained]) is None


def guard_rule_text(rule: str) -> str:
    (path,) = [
        path for path in REGISTRY_RULES.rglob("*.guard") if f"rule {rule} " in path.read_text()
    ]
    return path.read_text()


@pytest.mark.parametrize("rule", [GUARD_WILDCARD_RULE, *OPEN_EGRESS_RULES])
def test_the_pinned_registry_has_the_rule_and_reads_its_suppression_from_the_guard_metadata(
    rule: str,
) -> None:
    text = guard_rule_text(rule)
    assert f'Metadata.guard.SuppressedRules.* != "{rule}"' in text
