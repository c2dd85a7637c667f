"""Run the scanners on an app, offline, and collect their findings on its resources.

- cdk-nag's packs and the Guard plugin run as policy-validation plugins, as a user adds them:
  `cdk.Validations.of(app).add_plugins(...)`; their findings, and those an acknowledgement
  suppressed with its reason, are read from the validation report.
- Guard skips a rule that a resource's template metadata suppresses, without a trace: the app
  is synthesized a second time without that metadata, with the Guard plugin only, so that
  each such finding shows with the reason of its `cdk.Validations` acknowledgement.
- checkov runs on the templates of the first synthesis (no download, no update check).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from cdk_nag import (
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    NIST80053R4Checks,
    NIST80053R5Checks,
    PCIDSS321Checks,
)
from cdklabs.cdk_validator_cfnguard import CfnGuardValidator
from constructs import IConstruct

from mce_constructs import MultiContainerEndpoint
from mce_constructs._acknowledgements import GUARD_PLUGIN

from .table import REGISTRY_RULES, Finding, Scanners

PATH_METADATA = "aws:cdk:path"
PATH_METADATA_CONTEXT = "aws:cdk:enable-path-metadata"
FAIL_ON_FINDINGS_CONTEXT = "@aws-cdk/core:failSynthOnValidationErrors"


@dataclass(frozen=True)
class Synthesis:
    """A synthesized app: where its templates are, its resources by construct path and by
    logical id, and the construct paths of its endpoints."""

    app: str
    directory: Path
    templates: tuple[Path, ...]
    types: Mapping[str, str]
    """Resource type by construct path."""
    paths: Mapping[str, str]
    """Construct path by logical id."""
    endpoints: tuple[str, ...]

    def finding(self, scanner: str, rule: str, path: str, reason: str | None) -> Finding:
        """A finding on the resource at `path`, with the endpoint's child that makes it."""
        endpoint = next((e for e in self.endpoints if path.startswith(f"{e}/")), None)
        child = path[len(endpoint) + 1 :].split("/", 1)[0] if endpoint is not None else ""
        return Finding(scanner, rule, self.app, path, self.types.get(path, ""), child, reason)


@jsii.implements(cdk.IAspect)
class _WithoutGuardMetadata:
    """Removes the `guard` template metadata of every resource."""

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, cdk.CfnResource):
            metadata = node.cfn_options.metadata or {}
            if "guard" in metadata:
                node.cfn_options.metadata = {k: v for k, v in metadata.items() if k != "guard"}


def synthesize(
    name: str,
    build: Callable[[cdk.App], cdk.App],
    directory: Path,
    plugins: Callable[[cdk.App], Sequence[cdk.IPolicyValidationPlugin]],
    *,
    without_guard_metadata: bool = False,
) -> tuple[Synthesis, dict[str, Any]]:
    """Synthesize the app into `directory` with `plugins`; return it and the validation
    report (a failed validation is a result here, not an error)."""
    shutil.rmtree(directory, ignore_errors=True)
    app = cdk.App(
        outdir=str(directory),
        # The resources' construct paths in the templates (as the cdk CLI writes them), for
        # checkov's findings; a failed validation writes its report without raising.
        context={PATH_METADATA_CONTEXT: True, FAIL_ON_FINDINGS_CONTEXT: False},
    )
    build(app)
    cdk.Validations.of(app).add_plugins(*plugins(app))
    if without_guard_metadata:
        cdk.Aspects.of(app).add(_WithoutGuardMetadata())
    endpoints = tuple(
        node.node.path for node in app.node.find_all() if isinstance(node, MultiContainerEndpoint)
    )
    app.synth()
    report_file = directory / "validation-report.json"
    report: dict[str, Any] = json.loads(report_file.read_text()) if report_file.exists() else {}
    templates = tuple(sorted(directory.glob("*.template.json")))
    types: dict[str, str] = {}
    paths: dict[str, str] = {}
    for template in templates:
        for logical_id, resource in json.loads(template.read_text())["Resources"].items():
            path = resource.get("Metadata", {}).get(PATH_METADATA, "")
            types[path] = resource["Type"]
            paths[logical_id] = path
    return Synthesis(name, directory, templates, types, paths, endpoints), report


def all_plugins(app: cdk.App) -> list[cdk.IPolicyValidationPlugin]:
    """Every cdk-nag pack, and the Guard plugin with its Control Tower rules (its default) and
    the Guard Rules Registry's."""
    return [
        AwsSolutionsChecks(app),
        HIPAASecurityChecks(app),
        NIST80053R4Checks(app),
        NIST80053R5Checks(app),
        PCIDSS321Checks(app),
        *guard_plugin(app),
    ]


def guard_plugin(_app: cdk.App) -> list[cdk.IPolicyValidationPlugin]:
    """The Guard plugin with its Control Tower rules and the Guard Rules Registry's."""
    return [CfnGuardValidator(rules=[str(REGISTRY_RULES)])]


def report_findings(
    synthesis: Synthesis, report: Mapping[str, Any], scanners: Scanners
) -> Iterator[Finding]:
    """Each violation of the report, and each that an acknowledgement suppressed."""
    for plugin in report.get("pluginReports", []):
        name = plugin["pluginName"]
        label = scanners.guard if name == GUARD_PLUGIN else scanners.pack(name)
        entries = [(v, None) for v in plugin["violations"]]
        entries += [(v, v["reason"]) for v in plugin.get("suppressedViolations") or []]
        for violation, reason in entries:
            for construct in violation["violatingConstructs"]:
                yield synthesis.finding(
                    label, violation["ruleName"], construct["constructPath"], reason
                )


def scan_with_plugins(
    name: str, build: Callable[[cdk.App], cdk.App], directory: Path, scanners: Scanners
) -> tuple[Synthesis, list[Finding], list[str]]:
    """cdk-nag's packs and the Guard plugin: the findings, and the problems found on the way
    (a Guard acknowledgement written in one form only)."""
    synthesis, report = synthesize(name, build, directory / "app", all_plugins)
    findings = list(report_findings(synthesis, report, scanners))
    _, guard_report = synthesize(
        name, build, directory / "without-guard-metadata", guard_plugin, without_guard_metadata=True
    )
    stripped = list(report_findings(synthesis, guard_report, scanners))
    # Paths are the same in both syntheses; the first one knows them.
    problems = [
        f"{name}: Guard reports {f.rule} on {f.path}, acknowledged with cdk.Validations only: "
        "the template has no guard metadata for it (cfn-guard on the templates reports it)"
        for f in findings
        if f.scanner == scanners.guard and f.reason is not None
    ]
    reported = {(f.rule, f.path) for f in findings if f.scanner == scanners.guard}
    problems += [
        f"{name}: the template's guard metadata suppresses {f.rule} on {f.path}, and no "
        "cdk.Validations acknowledgement gives the reason"
        for f in stripped
        if f.reason is None and (f.rule, f.path) not in reported
    ]
    findings += [f for f in stripped if f.reason is not None]
    return synthesis, findings, problems


def scan_with_checkov(synthesis: Synthesis, scanners: Scanners) -> list[Finding]:
    """checkov's failed and skipped checks on the app's templates."""
    command = [str(Path(sys.executable).with_name("checkov")), "--framework", "cloudformation"]
    command += ["--skip-download", "--output", "json"]
    for template in synthesis.templates:
        command += ["--file", str(template)]
    environment = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"checkov failed ({result.returncode}):\n{result.stderr}")
    output = json.loads(result.stdout)
    reports = output if isinstance(output, list) else [output]
    findings = []
    for report in reports:
        results = report.get("results", {})
        if results.get("parsing_errors"):
            raise RuntimeError(f"checkov could not parse {results['parsing_errors']}")
        entries = [(check, None) for check in results.get("failed_checks", [])]
        entries += [
            (check, check["check_result"].get("suppress_comment", ""))
            for check in results.get("skipped_checks", [])
        ]
        for check, reason in entries:
            logical_id = check["resource"].split(".", 1)[1]
            findings.append(
                synthesis.finding(
                    scanners.checkov_label,
                    check["check_id"],
                    synthesis.paths.get(logical_id, logical_id),
                    reason,
                )
            )
    return findings


def scan(
    name: str, build: Callable[[cdk.App], cdk.App], directory: Path, scanners: Scanners
) -> tuple[list[Finding], list[str]]:
    """Every scanner on one app: its findings, and the problems found on the way."""
    synthesis, findings, problems = scan_with_plugins(name, build, directory, scanners)
    return findings + scan_with_checkov(synthesis, scanners), problems
