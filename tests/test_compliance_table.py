"""The compliance table of docs/security.md: in step with its source (compliance/table.py),
naming the pinned scanners, and explaining a finding only by its row's rule, resource and
reasons. Cheap: nothing here runs a scanner (`make compliance` does).
"""

from __future__ import annotations

import re

from compliance.table import (
    DOCS,
    POLICY,
    REGISTRY_COMMIT,
    REGISTRY_RULES,
    WILDCARD_REASONS,
    Finding,
    Outcome,
    Row,
    Scanners,
    in_docs,
    made_of,
    observed,
    pins,
    render,
    rows,
)
from mce_constructs._permissions import DESCRIBE_REASON, METRICS_REASON, TOKEN_REASON

from .conftest import REPO


def test_the_registry_copy_is_the_pinned_commit_and_whole() -> None:
    assert REGISTRY_COMMIT in (REGISTRY_RULES.parent / "README.md").read_text()
    assert len(list(REGISTRY_RULES.rglob("*.guard"))) == 209
    assert (REGISTRY_RULES.parent / "LICENSE").exists()


def test_each_guard_rule_of_the_table_is_in_the_registrys_copy() -> None:
    scanners = Scanners.pinned()
    named = {
        row.rule
        for row in rows(scanners)
        if row.scanner == scanners.guard and row.outcome is not Outcome.PASSED
    }
    defined = {
        name
        for path in REGISTRY_RULES.rglob("*.guard")
        for name in re.findall(r"^rule (\w+) ", path.read_text(), re.MULTILINE)
    }
    assert named
    assert named <= defined


def test_docs_carry_the_compliance_table() -> None:
    """Regenerate with `.venv/bin/python -m compliance.table --write`."""
    assert in_docs(DOCS.read_text()) == render(rows(Scanners.pinned()))


def test_the_compliance_scanners_run_on_the_cdk_of_the_tests() -> None:
    """compliance/requirements.txt pins what synthesizes as requirements-dev.txt does."""
    development = pins(REPO / "requirements-dev.txt")
    compliance = pins()
    for package in ("aws-cdk-lib", "constructs", "jsii", "cdk-nag"):
        assert compliance[package] == development[package], package
    assert all(re.fullmatch(r"[0-9][0-9a-z.]*", version) for version in compliance.values())


def finding(rule: str, child: str, reason: str | None, scanner: str = "") -> Finding:
    label = scanner or Scanners.pinned().pack("AwsSolutions")
    return Finding(
        label, rule, "app", f"Stack/Endpoint/{child}/Resource", POLICY.type, child, reason
    )


def test_a_finding_is_explained_only_by_its_rows_reasons() -> None:
    table = rows(Scanners.pinned())
    iam5 = "AwsSolutions-IAM5[Resource::*]"
    explained = finding(iam5, "ExecutionPolicy", f"{TOKEN_REASON} {METRICS_REASON}")
    other_reason = finding(iam5, "ExecutionPolicy", f"{TOKEN_REASON} Because.")
    elsewhere = finding(iam5, "DefaultPolicy", TOKEN_REASON)
    unacknowledged = finding(iam5, "ExecutionPolicy", None)
    shown, unexplained = observed(table, [explained, other_reason, elsewhere, unacknowledged])
    assert unexplained == [other_reason, elsewhere, unacknowledged]
    assert shown[0] == table[0]
    # Every other row that is not "passed" was needed by no finding: the table would be stale.
    assert {row.outcome for row in shown[1:]} == {Outcome.PASSED, Outcome.NOT_FOUND}


def test_a_reason_is_made_of_whole_known_reasons() -> None:
    assert made_of(f"{DESCRIBE_REASON} {TOKEN_REASON}", WILDCARD_REASONS)
    assert not made_of(TOKEN_REASON[:-1], WILDCARD_REASONS)
    assert not made_of("", WILDCARD_REASONS)
    row = Row("s", "r", POLICY, Outcome.USERS_CHOICE, "how")
    assert row.explains(Finding("s", "r", "app", "p", POLICY.type, "ExecutionPolicy", None))
    assert not row.explains(Finding("s", "r", "app", "p", POLICY.type, "ExecutionPolicy", "x"))
