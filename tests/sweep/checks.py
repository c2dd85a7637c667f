"""What every build of the sweep must satisfy.

An accepted configuration is synthesized once (with cdk-nag's AwsSolutions plugin) and each
check in `ACCEPTED_CHECKS` looks at the result; a refused one must raise a `MceValidationError`
whose lines name exactly the expected problems (`check_refusal`). Each check fails with its own
`AssertionError` (raised in its own function), so that Hypothesis reports and shrinks each kind of
failure separately.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.validate import ParamValidator

from mce_constructs import MceValidationError, MultiContainerEndpoint
from mce_constructs.template_rules import template_findings

from .._service_model import sagemaker_model
from ..conftest import cfn_lint_findings
from .iam_lint import Literals, execution_policies, parliament_findings
from .model import (
    ENDPOINT,
    NAME_MAX_LENGTH,
    NAME_PATTERN,
    STACK,
    Case,
    Container,
    Tok,
    TokKind,
    Variant,
    Where,
    literal,
)

MODEL = "AWS::SageMaker::Model"
CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT_TYPE = "AWS::SageMaker::Endpoint"
NAME_PROPERTIES = {MODEL: "ModelName", CONFIG: "EndpointConfigName"}
OPERATIONS = {MODEL: "CreateModel", CONFIG: "CreateEndpointConfig"}
UPDATABLE = frozenset({"Tags"})
"""The properties of a model and an endpoint config that CloudFormation updates in place."""
NO_RESOURCE_LEVEL = frozenset({"ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"})
"""SERVICE_RULES.md: the only actions (with `ec2:Describe*`) that may have `Resource: "*"`."""
PATH = f"{STACK}/{ENDPOINT}"


@dataclass
class Synthesized:
    """An accepted configuration, synthesized."""

    case: Case
    endpoint: MultiContainerEndpoint
    template: dict[str, Any]
    nag_report: dict[str, Any] | None

    def resources(self, resource_type: str) -> dict[str, Any]:
        """Logical id -> properties of the endpoint's resources of one type (at least one:
        the checks would pass vacuously on none)."""
        found = {
            logical_id: resource.get("Properties", {})
            for logical_id, resource in self.template["Resources"].items()
            if resource["Type"] == resource_type and self.owns(resource)
        }
        assert found or resource_type == "AWS::IAM::Policy", f"no {resource_type} in the template"
        return found

    def owns(self, resource: Mapping[str, Any]) -> bool:
        path = resource.get("Metadata", {}).get("aws:cdk:path", "")
        return bool(path.startswith(f"{PATH}/"))

    def policies(self) -> dict[str, Any]:
        owned = {
            logical_id
            for logical_id, resource in self.template["Resources"].items()
            if self.owns(resource)
        }
        return {
            logical_id: document
            for logical_id, document in execution_policies(self.template).items()
            if logical_id in owned
        }


def synthesize(app: Any, outdir: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The stack's template and cdk-nag's report. A finding makes `synth` raise after it
    wrote both: they are read from `outdir`."""
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
    template: dict[str, Any] = json.loads((outdir / f"{STACK}.template.json").read_text())
    report_file = outdir / "validation-report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else None
    return template, report


# --- Refused ----------------------------------------------------------------------------------


def problem_lines(error: MceValidationError) -> list[str]:
    """The problems of an error, one a line, without their "  - " bullet."""
    return [line[4:] for line in str(error).splitlines()[1:] if line.startswith("  - ")]


VARIANT_LABEL = re.compile(r"variants\[(?P<index>\d+)\] \(.*?\)\.(?=[a-z_])")
"""How a problem of one variant starts in the `variants=` form: `variants[1] ('blue').`."""


def names_problem(line: str, where: Where) -> bool:
    """Whether a problem line names the field (and the variant and the container) of
    `where`."""
    label = VARIANT_LABEL.match(line)
    if label is not None:
        if where.variant != int(label["index"]):
            return False
        line = line[label.end() :]
    elif where.variant is not None:
        return False
    if where.container is not None:
        head = f"containers[{where.container}]"
        if not line.startswith(head):
            # A check of the ContainerDefinition itself names the field alone.
            return any(line.startswith(f"{name}:") for name in where.fields)
        rest = line[len(head) :].split(": ", 1)[0]
        return any(f".{name}" in rest for name in where.fields)
    return any(
        line.startswith(name) and line[len(name) : len(name) + 1] in (":", ".", "[", "")
        for name in where.fields
    )


def check_refusal(
    case: Case,
    error: MceValidationError,
    expected: list[Where],
    *,
    optional: Callable[[Where], bool] = lambda _: False,
    tolerated: Callable[[str], bool] = lambda _: False,
) -> None:
    """The error starts with the construct path and has a line for each expected problem (but
    the `optional` ones) and none for another (a refusal without a rule in SERVICE_RULES.md,
    unless `tolerated`)."""
    lines = problem_lines(error)
    assert str(error).startswith(PATH), f"the error does not start with {PATH!r}:\n{error}"
    # Every value is shown through one formatter: an object by its type, never its address.
    assert " at 0x" not in str(error), f"a message shows a memory address:\n{error}"
    missing = [
        str(where)
        for where in expected
        if not any(names_problem(line, where) for line in lines)
        and not (where.optional or optional(where))
    ]
    assert not missing, f"the error does not name {missing}:\n{error}"
    unexpected = [
        line
        for line in lines
        if not any(names_problem(line, where) for where in expected) and not tolerated(line)
    ]
    assert not unexpected, (
        "refused for a reason SERVICE_RULES.md does not give "
        f"(expected {[str(where) for where in expected]}):\n{error}"
    )
    for where in expected:
        variant = _variant(case, where)
        name = None if variant is None else literal(variant.name)
        if name is not None:
            named = [line for line in lines if names_problem(line, where)]
            assert all(repr(name) in line for line in named), (
                f"the error does not name variant {where.variant} by its name:\n{error}"
            )
        container = _container(case, where)
        hostname = None if container is None else literal(container.hostname or "")
        named = [line for line in lines if names_problem(line, where)]
        if hostname and named:
            assert any(hostname in line or repr(hostname) in line for line in named), (
                f"the error does not name container {where.container} by its hostname:\n{error}"
            )


def _variant(case: Case, where: Where) -> Variant | None:
    if where.variant is None or not isinstance(case.variants, tuple):
        return None
    variant = case.variants[where.variant]
    return variant if isinstance(variant, Variant) else None


def _container(case: Case, where: Where) -> Container | None:
    items = case.containers_of(where.variant)
    if where.container is None or where.container >= len(items):
        return None
    return items[where.container]


# --- Accepted ---------------------------------------------------------------------------------


def check_cfn_lint(built: Synthesized) -> None:
    """cfn-lint finds no error and no warning (but its false E3024 on distinct tag keys)."""
    findings = [
        finding
        for finding in cfn_lint_findings(built.template)
        if not _bool_like_tag_keys(finding, built.template)
    ]
    assert not findings, "cfn-lint:\n" + "\n".join(findings)


_NOT_UNIQUE_TAGS = re.compile(r"E3024 array items are not unique for keys \['Key'\] at (\[.*\])")


def _bool_like_tag_keys(finding: str, template: Mapping[str, Any]) -> bool:
    """cfn-lint's E3024 on tags whose keys differ: its uniqueness check compares strings as
    CloudFormation booleans (cfnlint/jsonschema/_utils.py `equal`: "0", "false" and "FALSE"
    are one value), but tag keys are strings, which AWS keeps apart."""
    match = _NOT_UNIQUE_TAGS.fullmatch(finding)
    if match is None:
        return False
    tags: Any = template
    for step in ast.literal_eval(match[1]):
        tags = tags[step]
    keys = [tag["Key"] for tag in tags]
    return all(isinstance(key, str) for key in keys) and len(set(keys)) == len(keys)


def check_service_model(built: Synthesized) -> None:
    """The Model's and the EndpointConfig's properties are valid parameters of CreateModel and
    CreateEndpointConfig: botocore's validation, plus the maximum lengths and values, patterns
    and enums of the service model that botocore leaves to the service. Fields that hold an
    intrinsic are skipped."""
    for resource_type, operation in OPERATIONS.items():
        for properties in built.resources(resource_type).values():
            parameters, skipped = api_parameters(properties)
            name = NAME_PROPERTIES[resource_type]
            if name not in parameters:
                skipped.add(name)  # CloudFormation generates the name
            shape = sagemaker_model().operation_model(operation).input_shape
            report = ParamValidator().validate(parameters, shape)
            errors = [
                error
                for error in report._errors
                if not (
                    error[0] == "missing required field"
                    and _path(error[1], error[2]["required_name"]) in skipped
                )
            ]
            formatted = [report._format_error(error) for error in errors]
            formatted += list(shape_problems(parameters, shape, ""))
            assert not formatted, f"{operation}:\n" + "\n".join(formatted)


def _path(name: str, member: str) -> str:
    return f"{name}.{member}".lstrip(".")


def is_intrinsic(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and len(value) == 1
        and next(iter(value)).startswith(("Fn::", "Ref"))
    )


def api_parameters(value: Any, path: str = "") -> tuple[Any, set[str]]:
    """CloudFormation properties as API parameters (the same names and shapes), without the
    fields that hold intrinsics; and the paths of those fields."""
    skipped: set[str] = set()
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            item_path = _path(path, key)
            if is_intrinsic(item) or _has_intrinsic_text(item):
                skipped.add(item_path)
                continue
            result[key], inner = api_parameters(item, item_path)
            skipped |= inner
        return result, skipped
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            if is_intrinsic(item):
                skipped.add(f"{path}[{index}]")
                continue
            converted, inner = api_parameters(item, f"{path}[{index}]")
            items.append(converted)
            skipped |= inner
        return items, skipped
    return value, skipped


def _has_intrinsic_text(value: Any) -> bool:
    return isinstance(value, list) and any(is_intrinsic(item) for item in value)


def shape_problems(value: Any, shape: Shape, path: str) -> Iterator[str]:
    """The service model's constraints that botocore's client does not check."""
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        for key, item in value.items():
            if key in shape.members:
                yield from shape_problems(item, shape.members[key], _path(path, key))
    elif isinstance(shape, ListShape | MapShape) and isinstance(value, list | Mapping):
        yield from _collection_problems(value, shape, path)
    elif isinstance(value, str):
        yield from _text_problems(value, shape, path)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield from _above_max(value, shape.metadata, path)


def _collection_problems(value: Any, shape: ListShape | MapShape, path: str) -> Iterator[str]:
    """A list's or a map's length, and each of its items."""
    maximum = shape.metadata.get("max")
    if isinstance(shape, ListShape) and isinstance(value, list):
        if maximum is not None and len(value) > maximum:
            yield f"{path}: {len(value)} items, at most {maximum}"
        for index, item in enumerate(value):
            yield from shape_problems(item, shape.member, f"{path}[{index}]")
    elif isinstance(shape, MapShape) and isinstance(value, Mapping):
        if maximum is not None and len(value) > maximum:
            yield f"{path}: {len(value)} entries, at most {maximum}"
        for key, item in value.items():
            yield from shape_problems(key, shape.key, f"{path} key {key!r}")
            yield from shape_problems(item, shape.value, f"{path}[{key!r}]")


def _text_problems(value: str, shape: Shape, path: str) -> Iterator[str]:
    """A string's length, enum and pattern."""
    metadata = shape.metadata
    if "max" in metadata and len(value) > metadata["max"]:
        yield f"{path}: {len(value)} characters, at most {metadata['max']}"
    if shape.enum and value not in shape.enum:
        yield f"{path}: {value!r} is not one of the service model's {shape.name}"
    pattern = metadata.get("pattern")
    if pattern and regex.fullmatch(pattern, value) is None:
        yield f"{path}: {value!r} does not match {pattern!r}"


def _above_max(value: float, metadata: Mapping[str, Any], path: str) -> Iterator[str]:
    if "max" in metadata and value > metadata["max"]:
        yield f"{path}: {value}, at most {metadata['max']}"


def check_names(built: Synthesized) -> None:
    """Every name in the template (endpoint, variants, hostnames) that is a literal is valid
    for SageMaker and at most 63 characters."""
    names: list[tuple[str, Any]] = []
    for properties in built.resources(ENDPOINT_TYPE).values():
        names.append(("EndpointName", properties.get("EndpointName")))
    for properties in built.resources(CONFIG).values():
        for variant in properties["ProductionVariants"]:
            names.append(("VariantName", variant["VariantName"]))
    for properties in built.resources(MODEL).values():
        for container in properties["Containers"]:
            names.append(("ContainerHostname", container.get("ContainerHostname")))
    invalid = [
        f"{kind} {name!r}"
        for kind, name in names
        if isinstance(name, str)
        and (len(name) > NAME_MAX_LENGTH or not NAME_PATTERN.fullmatch(name))
    ]
    assert not invalid, f"invalid names: {invalid}"


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = document["Statement"]
    return list(found) if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def check_policy_scope(built: Synthesized) -> None:
    """SERVICE_RULES.md: only the actions without resource-level permissions may have
    `Resource: "*"` (PutMetricData limited by `cloudwatch:namespace`); every other resource is
    an ARN of the action's service; no statement lists a resource twice."""
    literals = Literals(built.template, built.case.region)
    problems = [
        problem
        for logical_id, document in built.policies().items()
        for statement in statements(document)
        for problem in _statement_problems(f"{logical_id}/{statement.get('Sid')}", statement)
        + _arn_problems(f"{logical_id}/{statement.get('Sid')}", statement, literals)
    ]
    assert not problems, "execution policy:\n" + "\n".join(problems)


def _statement_problems(sid: str, statement: Mapping[str, Any]) -> list[str]:
    """An Allow statement, each resource once, `*` only for the actions that need it."""
    problems = []
    actions = as_list(statement["Action"])
    resources = as_list(statement["Resource"])
    if statement.get("Effect") != "Allow":
        problems.append(f"{sid}: not an Allow statement")
    rendered = [json.dumps(resource, sort_keys=True) for resource in resources]
    if len(set(rendered)) != len(rendered):
        problems.append(f"{sid}: a resource is listed twice: {resources}")
    if "*" not in resources:
        return problems
    wide = [
        action
        for action in actions
        if action not in NO_RESOURCE_LEVEL and not action.startswith("ec2:Describe")
    ]
    if wide:
        problems.append(f"{sid}: {wide} on Resource '*'")
    if "cloudwatch:PutMetricData" in actions and "cloudwatch:namespace" not in json.dumps(
        statement.get("Condition", {})
    ):
        problems.append(f"{sid}: PutMetricData without a cloudwatch:namespace condition")
    return problems


def _arn_problems(sid: str, statement: Mapping[str, Any], literals: Literals) -> list[str]:
    """Every resource but `*` is an ARN of one of the statement's services."""
    services = {action.split(":")[0] for action in as_list(statement["Action"])}
    problems = []
    for resource in as_list(literals.resolve(statement["Resource"])):
        parts = str(resource).split(":")
        if resource != "*" and (len(parts) < 6 or parts[0] != "arn" or parts[2] not in services):
            problems.append(f"{sid}: {resource!r} is not an ARN of {sorted(services)}")
    return problems


def check_parliament(built: Synthesized) -> None:
    """parliament knows every action, resource type and condition key of the policy."""
    literals = Literals(built.template, built.case.region)
    findings = [
        f"{logical_id}: {finding}"
        for logical_id, document in built.policies().items()
        for finding in parliament_findings(literals.resolve(document))
    ]
    assert not findings, "parliament:\n" + "\n".join(findings)


def check_cdk_nag(built: Synthesized) -> None:
    """cdk-nag's AwsSolutions pack finds nothing unacknowledged in the endpoint."""
    assert built.nag_report is not None, "no validation report"
    violations = [
        f"{violation['ruleName']} at {construct['constructPath']}: {violation['description']}"
        for report in built.nag_report["pluginReports"]
        for violation in report["violations"]
        for construct in violation["violatingConstructs"]
        if construct["constructPath"].startswith(f"{PATH}/")
    ]
    assert not violations, "cdk-nag:\n" + "\n".join(violations)


def check_cloudformation_names_models_and_configs(built: Synthesized) -> None:
    """DESIGN.md guarantee 3: no model or config has a name of its own, so that CloudFormation
    can replace it under a new one whatever changed (a literal, a parameter, a late value)."""
    named = [
        f"{logical_id}: {name_property} {properties[name_property]!r}"
        for resource_type, name_property in NAME_PROPERTIES.items()
        for logical_id, properties in built.resources(resource_type).items()
        if name_property in properties
    ]
    assert not named, "named in the template:\n" + "\n".join(named)


def _values(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)


def check_late_values_reach_the_template(built: Synthesized) -> None:
    """A token whose value is set after the construct (a late `Lazy`) is written with that
    value, not an early one."""
    texts = [value for value in _values(built.template) if isinstance(value, str)]
    stale = [
        token
        for token in built.case.tokens()
        if isinstance(token, Tok)
        and token.kind is TokKind.LATE
        and not any(token.value in text for text in texts)
    ]
    assert not stale, f"late values missing from the template: {stale}"


_ACKNOWLEDGE_ID = re.compile(r"\[ack: ([^\]]+)\]$")


def check_the_checks_plugin_agrees(built: Synthesized) -> None:
    """`SageMakerEndpointChecks` on the template finds no error where the construct accepted,
    and warns of nothing the construct did not warn of; but where a `Lazy` gives a value only
    when the template is written (the construct skipped it as a token, the plugin reads it: two
    variants that a Lazy names alike are refused there, rightly)."""
    if any(token.kind in (TokKind.LAZY, TokKind.LATE) for token in built.case.tokens()):
        return
    region = cdk.Stack.of(built.endpoint).region
    findings = template_findings(
        built.template, None if cdk.Token.is_unresolved(region) else region
    )
    owned = {
        logical_id
        for logical_id, resource in built.template["Resources"].items()
        if built.owns(resource)
    }
    mine = [finding for finding in findings if finding.logical_id in owned]
    errors = [
        f"{finding.location}: {finding.message}" for finding in mine if finding.severity == "error"
    ]
    assert not errors, "the plugin refuses what the construct accepted:\n" + "\n".join(errors)
    warned = {
        match.group(1)
        for node in built.endpoint.node.find_all()
        for entry in node.node.metadata
        if entry.type == "aws:cdk:warning"
        and (match := _ACKNOWLEDGE_ID.search(str(entry.data))) is not None
    }
    extra = {finding.rule_id for finding in mine if finding.severity == "warning"} - warned
    assert not extra, f"the plugin warns of {sorted(extra)}, the construct did not"


ACCEPTED_CHECKS: tuple[Callable[[Synthesized], None], ...] = (
    check_cfn_lint,
    check_service_model,
    check_names,
    check_policy_scope,
    check_parliament,
    check_cdk_nag,
    check_cloudformation_names_models_and_configs,
    check_late_values_reach_the_template,
    check_the_checks_plugin_agrees,
)
