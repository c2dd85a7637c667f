"""The rules applied to a synthesized template's SageMaker resources, for `SageMakerEndpointChecks`.

Each rule reads one resource's CloudFormation properties (the template around it, for the
references it follows) and returns its findings, each with the rule's id, the location of the
property in the resource, a message, and the source that makes it an error or a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

MODEL = "AWS::SageMaker::Model"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT = "AWS::SageMaker::Endpoint"
Template = Mapping[str, Any]
Severity = Literal["error", "warning"]

FIXED_PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
"""Pseudo parameters whose value a deployed stack keeps."""
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:[^{}]*\}\}")


@dataclass(frozen=True)
class Finding:
    """One rule broken by one resource of a template."""

    rule_id: str
    logical_id: str
    location: str
    """Where in the resource: `Properties.Containers[0].ContainerHostname`."""
    message: str
    severity: Severity
    source: str
    """What says the service (or CloudFormation) behaves so."""


@dataclass(frozen=True)
class TemplateRule:
    """A rule of the plugin: its id, its source, and the resource types it reads."""

    rule_id: str
    source: str
    resource_types: frozenset[str]
    check: Callable[[Template, str, Mapping[str, Any]], Iterator[tuple[str, str, Severity]]]
    """(template, logical id, properties) -> (location, message, severity) of each finding."""


def template_findings(template: Template) -> list[Finding]:
    """Every finding of every rule on the SageMaker resources of `template`."""
    findings: list[Finding] = []
    for logical_id, resource in template.get("Resources", {}).items():
        resource_type = resource.get("Type")
        properties = resource.get("Properties", {})
        for rule in TEMPLATE_RULES:
            if resource_type in rule.resource_types:
                findings.extend(
                    Finding(rule.rule_id, logical_id, location, message, severity, rule.source)
                    for location, message, severity in rule.check(template, logical_id, properties)
                )
    return findings


# --- values CloudFormation decides at deploy time ------------------------------------------------


def deploy_time_values(value: Any, path: str, *, inside: bool = False) -> Iterator[tuple[str, str]]:
    """(location, what) of each part of `value` that a later deploy can change without a change
    of the template: a parameter (SSM parameters included), an import, a dynamic reference, a
    reference to another resource (which may be replaced). Pseudo parameters a stack keeps are
    not. Within a function (`inside`), every part is located at the property that holds it."""
    if isinstance(value, str):
        for match in _DYNAMIC_REFERENCE.finditer(value):
            yield path, f"the dynamic reference {match.group(0)}"
    elif isinstance(value, Mapping):
        function = _function_values(value, path)
        if function is not None:
            yield from function
            return
        for key, item in value.items():
            within = inside or key.startswith("Fn::")
            yield from deploy_time_values(item, path if within else f"{path}.{key}", inside=within)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from deploy_time_values(
                item, path if inside else f"{path}[{index}]", inside=inside
            )


def _function_values(value: Mapping[str, Any], path: str) -> Iterator[tuple[str, str]] | None:
    """What a reference or an import (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Sub`) makes
    deploy-time at `path`; None for any other mapping (read item by item)."""
    if len(value) != 1:
        return None
    ((key, argument),) = value.items()
    if key == "Ref" and argument not in FIXED_PSEUDO_PARAMETERS:
        return iter([(path, f"Ref {argument}")])
    if key == "Fn::GetAtt":
        target = argument[0] if isinstance(argument, list) else str(argument).split(".")[0]
        return iter([(path, f"Fn::GetAtt of {target}")])
    if key == "Fn::ImportValue":
        return iter([(path, "Fn::ImportValue")])
    if key == "Fn::Sub":
        return _sub_values(argument, path)
    return None


def _sub_values(argument: Any, path: str) -> Iterator[tuple[str, str]]:
    text, variables = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})
    yield from deploy_time_values(variables, path, inside=True)
    if not isinstance(text, str):
        return
    yield from deploy_time_values(text, path, inside=True)
    for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
        if name not in FIXED_PSEUDO_PARAMETERS and name not in variables:
            yield path, f"${{{name}}}"


# --- the rules ------------------------------------------------------------------------------------

NAME_PROPERTIES = {MODEL: "ModelName", ENDPOINT_CONFIG: "EndpointConfigName"}
UPDATED_IN_PLACE = frozenset({"Tags"})
"""The only properties of a model or an endpoint config that CloudFormation updates in place
(every other is create-only in their resource schemas)."""


def _fixed_name_with_deploy_time_values(
    template: Template, logical_id: str, properties: Mapping[str, Any]
) -> Iterator[tuple[str, str, Severity]]:
    name_property = NAME_PROPERTIES[template["Resources"][logical_id]["Type"]]
    name = properties.get(name_property)
    if name is None:
        return
    varying = [
        found
        for key, value in properties.items()
        if key not in UPDATED_IN_PLACE and key != name_property
        for found in deploy_time_values(value, f"Properties.{key}")
    ]
    if not varying:
        return
    location, what = varying[0]
    more = f" (and {len(varying) - 1} more)" if len(varying) > 1 else ""
    yield (
        f"Properties.{name_property}",
        f"{name_property} is fixed ({_shown(name)}), but {location} is {what}{more}, which a later "
        "deploy can change without a change of the template: the resource must then be "
        "replaced, and CloudFormation cannot replace a custom-named resource ('cannot update a "
        f"stack when a custom-named resource requires replacing'). Leave out {name_property}: "
        "CloudFormation then generates the name, and a new one at each replacement",
        "warning",
    )


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else "a value set at deploy time"


TEMPLATE_RULES: Sequence[TemplateRule] = (
    TemplateRule(
        "FixedNameWithDeployTimeValues",
        "CloudFormation: every property of a model and an endpoint config but Tags is "
        "create-only (resource schemas), and a custom-named resource cannot be replaced",
        frozenset(NAME_PROPERTIES),
        _fixed_name_with_deploy_time_values,
    ),
)
"""Every rule the plugin applies, in the order of its report."""
