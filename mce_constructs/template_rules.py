"""The rules applied to a synthesized template's SageMaker resources, for `SageMakerEndpointChecks`.

The service rules are those the construct applies (`rules/`), fed with the template's
CloudFormation properties instead of the construct's options: a rule added there checks both.
A value CloudFormation resolves at deploy time (`Ref`, `Fn::*`, a dynamic reference) is read
as unknown and skipped. Each finding carries the id of the area its rule belongs to (a warning:
its own id), the location of the property in the resource, the message, and the source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import Problem
from .rules.containers import ContainerSettings, ModelSettings, check_model
from .rules.data_capture import (
    CaptureSettings,
    check_data_capture,
    check_data_capture_in_direct_mode,
)
from .rules.deployment import (
    BlueGreenSettings,
    CapacitySettings,
    DeploymentSettings,
    RollingSettings,
    check_deployment,
)
from .rules.instance_types import check_kms_key_storage
from .rules.location import TEMPLATE, Location
from .rules.names import check_endpoint_name, check_name
from .rules.network import NetworkSettings, check_vpc
from .rules.tags import check_tags
from .rules.values import UNKNOWN
from .rules.variants import VariantSettings, check_variant, check_variants, variant_where

MODEL = "AWS::SageMaker::Model"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT = "AWS::SageMaker::Endpoint"
Template = Mapping[str, Any]
Properties = Mapping[str, Any]
Severity = Literal["error", "warning"]
PROPERTIES = Location(TEMPLATE, "Properties")
"""Where a rule starts in a resource of a template."""

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
class Resource:
    """A resource of a template as a rule reads it: its properties, the template around it
    (for the resources it refers to) and the region its stack deploys to (None: not known)."""

    template: Template
    logical_id: str
    properties: Properties
    region: str | None


@dataclass(frozen=True)
class TemplateRule:
    """A rule of the plugin: its id, its source, the resource types it reads, and its check."""

    rule_id: str
    source: str
    resource_types: frozenset[str]
    check: Callable[[Resource], list[Problem]]


def template_findings(template: Template, region: str | None = None) -> list[Finding]:
    """Every finding of every rule on the SageMaker resources of `template`, deployed to
    `region` (None: not known)."""
    findings: list[Finding] = []
    for logical_id, resource in template.get("Resources", {}).items():
        resource_type = resource.get("Type")
        read = Resource(template, logical_id, resource.get("Properties", {}), region)
        for rule in TEMPLATE_RULES:
            if resource_type not in rule.resource_types:
                continue
            findings.extend(
                Finding(
                    problem.warning_id or rule.rule_id,
                    logical_id,
                    problem.where,
                    problem.message,
                    "warning" if problem.warning_id else "error",
                    rule.source,
                )
                for problem in rule.check(read)
            )
    return findings


def stack_region(template_path: str) -> str | None:
    """The region of the stack whose template is at `template_path`, from the cloud assembly's
    manifest beside it (None for an environment-agnostic stack, or no manifest)."""
    path = Path(template_path)
    manifest = path.parent / "manifest.json"
    if not manifest.exists():
        return None
    artifacts = json.loads(manifest.read_text()).get("artifacts", {})
    for artifact in artifacts.values():
        if artifact.get("properties", {}).get("templateFile") == path.name:
            region = str(artifact.get("environment", "")).rsplit("/", 1)[-1]
            return None if region in ("", "unknown-region") else region
    return None


# --- a template's values, as the rules read them -------------------------------------------------


def _text(value: Any) -> str | None:
    """A string property: None when absent, `UNKNOWN` when CloudFormation decides it at deploy
    time (or it is not a string: the schema's check, not this plugin's)."""
    if value is None:
        return None
    if not isinstance(value, str) or _DYNAMIC_REFERENCE.search(value):
        return UNKNOWN
    return value


def _number(value: Any) -> float | None:
    """A number property: None when absent or decided at deploy time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _whole(value: Any) -> int | None:
    number = _number(value)
    return number if isinstance(number, int) else None


def _count(value: Any) -> int | None:
    """How many items a list property has (None: decided at deploy time)."""
    return len(value) if isinstance(value, list) else None


def _texts(value: Any) -> list[str]:
    return [_text(item) or UNKNOWN for item in value] if isinstance(value, list) else []


def _container(properties: Any) -> ContainerSettings | None:
    if not isinstance(properties, Mapping):
        return None
    source = properties.get("ModelDataSource", {}).get("S3DataSource", {})
    environment = properties.get("Environment", {})
    return ContainerSettings(
        image=_text(properties.get("Image")),
        hostname=_text(properties.get("ContainerHostname")),
        model_data_url=_text(properties.get("ModelDataUrl")),
        model_data_prefix=_text(source.get("S3Uri"))
        if source.get("S3DataType") == "S3Prefix"
        else None,
        environment={str(key): _text(value) or UNKNOWN for key, value in environment.items()}
        if isinstance(environment, Mapping)
        else {},
        pulled_through_vpc=properties.get("ImageConfig", {}).get("RepositoryAccessMode") == "Vpc",
        model_package=_text(properties.get("ModelPackageName")),
    )


def model_settings(properties: Properties) -> ModelSettings | None:
    """A model's containers (`Containers`, or the one `PrimaryContainer`) and mode (None when
    its containers are decided at deploy time)."""
    containers = properties.get("Containers")
    if containers is None and "PrimaryContainer" in properties:
        containers = [properties["PrimaryContainer"]]
    if not isinstance(containers, list):
        return None
    mode = properties.get("InferenceExecutionConfig", {}).get("Mode", "Serial")
    return ModelSettings(
        containers=[_container(container) for container in containers],
        mode=_text(mode),
        in_vpc="VpcConfig" in properties,
    )


def _referenced(resource: Resource, value: Any, resource_type: str) -> Properties | None:
    """The properties of the resource of `resource_type` that `value` names with `Ref` or
    `Fn::GetAtt` (None: no such resource in the template)."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((key, argument),) = value.items()
    if key == "Fn::GetAtt":
        logical_id = argument[0] if isinstance(argument, list) else str(argument).split(".")[0]
    elif key == "Ref":
        logical_id = argument
    else:
        return None
    target = resource.template.get("Resources", {}).get(logical_id, {})
    found: Properties | None = (
        target.get("Properties") if target.get("Type") == resource_type else None
    )
    return found


def _variants(resource: Resource) -> list[VariantSettings | None]:
    variants = resource.properties.get("ProductionVariants")
    if not isinstance(variants, list):
        return []
    read: list[VariantSettings | None] = []
    for variant in variants:
        if not isinstance(variant, Mapping):
            read.append(None)
            continue
        model = _referenced(resource, variant.get("ModelName"), MODEL)
        settings = None if model is None else model_settings(model)
        read.append(
            VariantSettings(
                name=_text(variant.get("VariantName")) or UNKNOWN,
                mode=None if settings is None else settings.mode,
                instance_type=_text(variant.get("InstanceType")),
                # A template cannot say that a type is newer than the pinned list: warn only.
                listed_instance_type=False,
                initial_instance_count=_whole(variant.get("InitialInstanceCount")),
                initial_variant_weight=_number(variant.get("InitialVariantWeight")),
                volume_size_in_gb=_number(variant.get("VolumeSizeInGB")),
                model_data_download_timeout_in_seconds=_number(
                    variant.get("ModelDataDownloadTimeoutInSeconds")
                ),
                container_startup_health_check_timeout_in_seconds=_number(
                    variant.get("ContainerStartupHealthCheckTimeoutInSeconds")
                ),
            )
        )
    return read


def _capture(config: Any) -> CaptureSettings | None:
    if not isinstance(config, Mapping):
        return None
    modes = [
        option.get("CaptureMode")
        for option in config.get("CaptureOptions", [])
        if isinstance(option, Mapping)
    ]
    header = config.get("CaptureContentTypeHeader", {})
    return CaptureSettings(
        destination=_text(config.get("DestinationS3Uri")),
        sampling_percentage=_whole(config.get("InitialSamplingPercentage")),
        capture_input="Input" in modes,
        capture_output="Output" in modes,
        csv_content_types=_texts(header.get("CsvContentTypes")),
        json_content_types=_texts(header.get("JsonContentTypes")),
    )


def _capacity(size: Any) -> CapacitySettings | None:
    if not isinstance(size, Mapping):
        return None
    return CapacitySettings(_text(size.get("Type")) or UNKNOWN, _number(size.get("Value")))


def _deployment(config: Any) -> DeploymentSettings | None:
    if not isinstance(config, Mapping):
        return None
    blue_green = config.get("BlueGreenUpdatePolicy")
    rolling = config.get("RollingUpdatePolicy")
    alarms = config.get("AutoRollbackConfiguration", {}).get("Alarms", [])
    return DeploymentSettings(
        blue_green=_blue_green(blue_green) if isinstance(blue_green, Mapping) else None,
        rolling=_rolling(rolling) if isinstance(rolling, Mapping) else None,
        alarm_count=_count(alarms) or 0,
    )


def _blue_green(policy: Mapping[str, Any]) -> BlueGreenSettings:
    routing = policy.get("TrafficRoutingConfiguration", {})
    return BlueGreenSettings(
        routing_type=_text(routing.get("Type")) or UNKNOWN,
        size=_capacity(routing.get("CanarySize") or routing.get("LinearStepSize")),
        wait_seconds=_number(routing.get("WaitIntervalInSeconds")),
        termination_wait_seconds=_number(policy.get("TerminationWaitInSeconds", 0)),
        maximum_execution_timeout_seconds=_number(policy.get("MaximumExecutionTimeoutInSeconds")),
    )


def _rolling(policy: Mapping[str, Any]) -> RollingSettings:
    return RollingSettings(
        batch_size=_capacity(policy.get("MaximumBatchSize")) or CapacitySettings(UNKNOWN, None),
        wait_seconds=_number(policy.get("WaitIntervalInSeconds")),
        rollback_batch_size=_capacity(policy.get("RollbackMaximumBatchSize")),
        maximum_execution_timeout_seconds=_number(policy.get("MaximumExecutionTimeoutInSeconds")),
    )


def _tags(properties: Properties) -> dict[str, str]:
    tags = properties.get("Tags")
    if not isinstance(tags, list):
        return {}
    return {
        _text(tag.get("Key")) or UNKNOWN: _text(tag.get("Value")) or ""
        for tag in tags
        if isinstance(tag, Mapping)
    }


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


# --- the rules, by area ---------------------------------------------------------------------------


def _model_rules(resource: Resource) -> list[Problem]:
    model = model_settings(resource.properties)
    return [] if model is None else check_model(model, resource.region, PROPERTIES)


def _network_rules(resource: Resource) -> list[Problem]:
    vpc = resource.properties.get("VpcConfig")
    if not isinstance(vpc, Mapping):
        return []
    network = NetworkSettings(
        security_group_count=_count(vpc.get("SecurityGroupIds")),
        subnet_count=_count(vpc.get("Subnets")),
    )
    return check_vpc(network, PROPERTIES)


def _primary_and_containers(resource: Resource) -> list[Problem]:
    if "PrimaryContainer" in resource.properties and "Containers" in resource.properties:
        return [
            PROPERTIES.field("PrimaryContainer").problem(
                "given with Containers: a model has one or the other (the Developer Guide's "
                "multi-container endpoints use Containers instead of PrimaryContainer), and the "
                "API reference does not say which SageMaker uses",
                PRIMARY_AND_CONTAINERS_WARNING,
            )
        ]
    return []


def _names(resource: Resource) -> list[Problem]:
    properties = resource.properties
    problems = check_endpoint_name(_text(properties.get("EndpointName")), PROPERTIES)
    for name_property, what in (("ModelName", "model name"), ("EndpointConfigName", "name")):
        name = _text(properties.get(name_property))
        if name is not None:
            problems += check_name(name, PROPERTIES.field(name_property), what)
    return problems


def _variant_rules(resource: Resource) -> list[Problem]:
    variants = _variants(resource)
    problems = check_variants(variants, PROPERTIES)
    for index, variant in enumerate(variants):
        if variant is not None:
            problems += check_variant(variant, variant_where(PROPERTIES, index, variant.name))
    names = [variant.instance_type for variant in variants if variant is not None]
    problems += check_kms_key_storage(names, "KmsKeyId" in resource.properties, PROPERTIES)
    return problems


def _capture_rules(resource: Resource) -> list[Problem]:
    capture = _capture(resource.properties.get("DataCaptureConfig"))
    if capture is None:
        return []
    return check_data_capture(capture, PROPERTIES) + check_data_capture_in_direct_mode(
        _variants(resource), PROPERTIES
    )


def _deployment_rules(resource: Resource) -> list[Problem]:
    deployment = _deployment(resource.properties.get("DeploymentConfig"))
    if deployment is None:
        return []
    config = _referenced(resource, resource.properties.get("EndpointConfigName"), ENDPOINT_CONFIG)
    variants = config.get("ProductionVariants") if config is not None else None
    return check_deployment(
        deployment, len(variants) if isinstance(variants, list) else 1, PROPERTIES
    )


def _tag_rules(resource: Resource) -> list[Problem]:
    return check_tags(_tags(resource.properties), PROPERTIES)


NAME_PROPERTIES = {MODEL: "ModelName", ENDPOINT_CONFIG: "EndpointConfigName"}
UPDATED_IN_PLACE = frozenset({"Tags"})
"""The only properties of a model or an endpoint config that CloudFormation updates in place
(every other is create-only in their resource schemas)."""


def _fixed_name_with_deploy_time_values(resource: Resource) -> list[Problem]:
    properties = resource.properties
    name_property = NAME_PROPERTIES[resource.template["Resources"][resource.logical_id]["Type"]]
    name = properties.get(name_property)
    if name is None:
        return []
    varying = [
        found
        for key, value in properties.items()
        if key not in UPDATED_IN_PLACE and key != name_property
        for found in deploy_time_values(value, f"Properties.{key}")
    ]
    if not varying:
        return []
    location, what = varying[0]
    more = f" (and {len(varying) - 1} more)" if len(varying) > 1 else ""
    return [
        PROPERTIES.field(name_property).problem(
            f"{name_property} is fixed ({_shown(name)}), but {location} is {what}{more}, "
            "which a later deploy can change without a change of the template: the resource "
            "must then be replaced, and CloudFormation cannot replace a custom-named resource "
            "('cannot update a stack when a custom-named resource requires replacing'). Leave "
            f"out {name_property}: "
            "CloudFormation then generates the name, and a new one at each replacement",
            FIXED_NAME_WARNING,
        )
    ]


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else "a value set at deploy time"


PRIMARY_AND_CONTAINERS_WARNING = "PrimaryContainerWithContainers"
FIXED_NAME_WARNING = "FixedNameWithDeployTimeValues"
SERVICE_RULES_SOURCE = "docs/refusals.md gives each rule's source"
TEMPLATE_RULES: Sequence[TemplateRule] = (
    TemplateRule(
        "ModelContainers",
        "SageMaker API reference (CreateModel: Containers, ContainerDefinition, "
        "InferenceExecutionConfig), Developer Guide (multi-container endpoints); "
        + SERVICE_RULES_SOURCE,
        frozenset({MODEL}),
        _model_rules,
    ),
    TemplateRule(
        "ModelVpc", "SageMaker API reference (VpcConfig)", frozenset({MODEL}), _network_rules
    ),
    TemplateRule(
        PRIMARY_AND_CONTAINERS_WARNING,
        "Developer Guide, multi-container endpoints: use Containers instead of PrimaryContainer",
        frozenset({MODEL}),
        _primary_and_containers,
    ),
    TemplateRule(
        "Names",
        "SageMaker API reference (ModelName, EndpointConfigName, EndpointName: 1 to 63 letters, "
        "digits and hyphens)",
        frozenset({MODEL, ENDPOINT_CONFIG, ENDPOINT}),
        _names,
    ),
    TemplateRule(
        "ProductionVariants",
        "SageMaker API reference (CreateEndpointConfig: ProductionVariants), Developer Guide "
        "(feature matrix); " + SERVICE_RULES_SOURCE,
        frozenset({ENDPOINT_CONFIG}),
        _variant_rules,
    ),
    TemplateRule(
        "DataCapture",
        "SageMaker API reference (DataCaptureConfig), Developer Guide (Model Monitor); "
        + SERVICE_RULES_SOURCE,
        frozenset({ENDPOINT_CONFIG}),
        _capture_rules,
    ),
    TemplateRule(
        "DeploymentGuardrails",
        "SageMaker API reference (DeploymentConfig), Developer Guide (deployment guardrails); "
        + SERVICE_RULES_SOURCE,
        frozenset({ENDPOINT}),
        _deployment_rules,
    ),
    TemplateRule(
        "Tags",
        "SageMaker API reference (Tag), CloudFormation resource schemas",
        frozenset({MODEL, ENDPOINT_CONFIG, ENDPOINT}),
        _tag_rules,
    ),
    TemplateRule(
        FIXED_NAME_WARNING,
        "CloudFormation: every property of a model and an endpoint config but Tags is "
        "create-only (resource schemas), and a custom-named resource cannot be replaced",
        frozenset(NAME_PROPERTIES),
        _fixed_name_with_deploy_time_values,
    ),
)
"""Every rule the plugin applies, in the order of its report."""
