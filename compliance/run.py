"""`make compliance`: every scanner on the sample app and on the app with every option.

Prints the compliance table (compliance/table.py) as the scanners found it, and fails on a
finding that is neither acknowledged with its reason nor the user's choice, on a row of the
table that no finding needs, and on a scanner whose version is not the pinned one.
"""

from __future__ import annotations

import argparse
import json
import tarfile
from collections.abc import Sequence
from importlib import metadata, resources

from .apps import APPS
from .scan import scan
from .table import (
    DOCS,
    GUARD_PLUGIN_PACKAGE,
    GUARD_VERSION,
    REGISTRY_COMMIT,
    REGISTRY_RULES,
    REPO,
    Finding,
    Outcome,
    Scanners,
    in_docs,
    normalized,
    observed,
    pins,
    render,
    rows,
)

OUTPUT = REPO / "build" / "compliance"


def version_problems() -> list[str]:
    """The scanners installed, the cfn-guard the plugin ships and the registry's copy, each
    against the version the table names."""
    problems = [
        f"{package} {metadata.version(package)} is installed; the table names {pinned}"
        for package, pinned in pins().items()
        if package in ("cdk-nag", "checkov", normalized(GUARD_PLUGIN_PACKAGE))
        and metadata.version(package) != pinned
    ]
    bundle = next(
        entry
        for entry in resources.files("cdklabs.cdk_validator_cfnguard._jsii").iterdir()
        if entry.name.endswith(".jsii.tgz")
    )
    with resources.as_file(bundle) as path, tarfile.open(path) as archive:
        member = archive.extractfile("package/guard-version.json")
        shipped = json.load(member)["version"] if member else None
    if shipped != GUARD_VERSION:
        problems.append(f"the Guard plugin ships cfn-guard {shipped}, not {GUARD_VERSION}")
    readme = (REGISTRY_RULES.parent / "README.md").read_text()
    if REGISTRY_COMMIT not in readme:
        problems.append(f"compliance/guard-rules-registry is not the copy of {REGISTRY_COMMIT}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every finding")
    arguments = parser.parse_args(argv)
    scanners = Scanners.pinned()
    problems = version_problems()
    findings: list[Finding] = []
    for name, build in APPS.items():
        found, trouble = scan(name, build, OUTPUT / name, scanners)
        findings += found
        problems += trouble
    table = rows(scanners)
    shown, unexplained = observed(table, findings)
    print(render(shown), end="")
    for finding in unexplained:
        reason = f" (acknowledged: {finding.reason})" if finding.reason else ""
        problems.append(
            f"{finding.scanner}: {finding.rule} on {finding.app}: {finding.path} is neither "
            f"acknowledged with a reason of the table nor the user's choice{reason}"
        )
    problems += [
        f"{row.scanner}: {row.rule} on {row.resource.label}: no finding needs this row"
        for row in shown
        if row.outcome is Outcome.NOT_FOUND
    ]
    if in_docs(DOCS.read_text()) != render(table):
        problems.append("docs/security.md has another table: python -m compliance.table --write")
    if arguments.details:
        print()
        for finding in findings:
            outcome = f"acknowledged: {finding.reason}" if finding.reason else "reported"
            print(f"{finding.scanner} | {finding.rule} | {finding.app}: {finding.path} | {outcome}")
    print()
    if problems:
        print("\n".join(f"FAIL {problem}" for problem in problems))
        return 1
    apps = ", ".join(APPS)
    print(
        f"{len(findings)} findings on the construct's resources ({apps}), each acknowledged "
        "with its reason or the user's choice; every other rule passed."
    )
    return 0
