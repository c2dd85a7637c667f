"""`SageMakerEndpointChecks`: the service rules, for every SageMaker endpoint of an app.

A CDK policy-validation plugin, as cdk-nag's packs are: added with
`cdk.Validations.of(app).add_plugins(SageMakerEndpointChecks())`, it reads the synthesized
templates and applies the rules to every `AWS::SageMaker::Model`, `AWS::SageMaker::EndpointConfig`
and `AWS::SageMaker::Endpoint`, whoever wrote them: hand-written L1, the alpha L2, another
construct library or this one. Each finding names the construct path (CDK adds it from the
template's logical id), a rule id, the message and its source; an error fails the synthesis, a
warning does not. A finding is acknowledged like any plugin's:
`cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id="SageMakerEndpointChecks::<rule>",
reason="..."))`.

A value CloudFormation resolves at deploy time (`Ref`, `Fn::*`, a dynamic reference) is skipped,
never guessed, as the construct skips a token.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
import jsii

from .template_rules import TEMPLATE_RULES, Finding, stack_region, template_findings

PLUGIN_NAME = "SageMakerEndpointChecks"


@jsii.implements(cdk.IPolicyValidationPlugin)
class SageMakerEndpointChecks:
    """The service rules of this library, applied to every SageMaker model, endpoint config and
    endpoint in an app's templates (a policy-validation plugin)."""

    @property
    def name(self) -> str:
        """The plugin's name: the namespace of its rule ids in acknowledgements."""
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        """This package's version."""
        return _package_version()

    @property
    def rule_ids(self) -> list[str]:
        """Every rule the plugin applies."""
        return [rule.rule_id for rule in TEMPLATE_RULES]

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """Check every template of the app; an error among the findings fails the synthesis."""
        findings = [
            (path, finding)
            for path in context.template_paths
            for finding in template_findings(json.loads(Path(path).read_text()), stack_region(path))
        ]
        return cdk.PolicyValidationPluginReport(
            success=not any(finding.severity == "error" for _, finding in findings),
            violations=_violations(findings),
            plugin_version=self.version,
        )


def _violations(findings: Sequence[tuple[str, Finding]]) -> list[cdk.PolicyViolation]:
    """One violation per rule and message, listing each resource it was found on."""
    grouped: dict[tuple[str, str, str, str], list[cdk.PolicyViolatingResource]] = {}
    for path, finding in findings:
        key = (finding.rule_id, finding.message, finding.severity, finding.source)
        grouped.setdefault(key, []).append(
            cdk.PolicyViolatingResource(
                resource_logical_id=finding.logical_id,
                template_path=path,
                locations=[finding.location],
            )
        )
    return [
        cdk.PolicyViolation(
            rule_name=rule_id,
            description=message,
            severity=severity,
            rule_metadata={"source": source},
            violating_resources=resources,
        )
        for (rule_id, message, severity, source), resources in grouped.items()
    ]


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mce-constructs")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"
