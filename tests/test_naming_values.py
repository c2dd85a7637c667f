"""Names and values known only at deploy time: CloudFormation names what a synth-time name
cannot follow; fixed values (pseudo parameters, imports, pinned SSM versions) keep content
names; values read when the template is written (`Lazy`) are hashed then.

One app, synthesized once; each endpoint is checked in the template CloudFormation receives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_ssm as ssm

from mce_constructs import ContainerDefinition, MultiContainerEndpoint
from mce_constructs._logical_ids import default_logical_id
from mce_constructs._naming import NAME_CHANGED_WARNING, NAME_PATTERN, OWN_ID_CHANGE, find_values

from .conftest import REGISTRY, PathIdStack, Template, assert_lint_clean, logical_id

IMAGE = f"{REGISTRY}/a:1"


@jsii.implements(cdk.IStringProducer)
class Uncached:
    """An uncached `Lazy` whose value is set after the construct is created."""

    value = "unset"

    def produce(self, context: cdk.IResolveContext) -> str:
        return self.value


def endpoint_with(scope: cdk.Stack, id: str, image: str, **environment: str) -> Any:
    return MultiContainerEndpoint(
        scope,
        id,
        containers=[ContainerDefinition(image=image, environment=environment)],
    )


class Built:
    def __init__(self) -> None:
        self.app = cdk.App()
        stack = self.stack = cdk.Stack(self.app, "Values")
        image_parameter = cdk.CfnParameter(stack, "Image").value_as_string
        self.endpoints = {
            "Parameter": endpoint_with(stack, "Parameter", image_parameter),
            "Ssm": endpoint_with(
                stack,
                "Ssm",
                IMAGE,
                TAG=ssm.StringParameter.value_for_string_parameter(stack, "/mce/tag"),
            ),
            "Dynamic": endpoint_with(stack, "Dynamic", IMAGE, TAG="{{resolve:ssm:/mce/tag}}"),
            "Pinned": endpoint_with(stack, "Pinned", IMAGE, TAG="{{resolve:ssm:/mce/tag:3}}"),
            "Import": endpoint_with(stack, "Import", cdk.Fn.import_value("SharedImage")),
            "Pseudo": endpoint_with(
                stack,
                "Pseudo",
                f"{cdk.Aws.ACCOUNT_ID}.dkr.ecr.{cdk.Aws.REGION}.{cdk.Aws.URL_SUFFIX}/a:1",
            ),
            "Bucket": endpoint_with(
                stack, "Bucket", IMAGE, BUCKET=s3.Bucket(stack, "Data").bucket_name
            ),
        }
        self.uncached = Uncached()
        self.endpoints["Uncached"] = endpoint_with(
            stack, "Uncached", cdk.Lazy.uncached_string(self.uncached)
        )
        hatched = self.endpoints["Hatched"] = endpoint_with(stack, "Hatched", IMAGE)
        hatched.model.add_property_override("Containers.0.Environment.TAG", image_parameter)
        # A property set after the construct that takes the parameter away: content names.
        unhatched = self.endpoints["Unhatched"] = endpoint_with(stack, "Unhatched", image_parameter)
        unhatched.model.containers = [sagemaker.CfnModel.ContainerDefinitionProperty(image=IMAGE)]
        # A tag is updated in place: a parameter there keeps the content name after a hatch.
        tagged = self.endpoints["TaggedHatched"] = endpoint_with(stack, "TaggedHatched", IMAGE)
        cdk.Tags.of(tagged).add("team", cdk.CfnParameter(stack, "Team").value_as_string)
        tagged.model.add_property_override("Containers.0.Environment.TAG", "2")
        self.uncached.value = f"{REGISTRY}/late:1"
        # The endpoint's own role under another logical id than CDK's: renamed before the
        # construct or after it, overridden.
        stack.rename_logical_id(role_id("RenamedBefore"), "RenamedBeforeRole")
        self.endpoints["RenamedBefore"] = endpoint_with(stack, "RenamedBefore", IMAGE)
        self.endpoints["Renamed"] = endpoint_with(stack, "Renamed", IMAGE)
        stack.rename_logical_id(role_id("Renamed"), "RenamedRole")
        overridden = self.endpoints["Overridden"] = endpoint_with(stack, "Overridden", IMAGE)
        cfn_role = overridden.role.node.default_child
        assert isinstance(cfn_role, cdk.CfnElement)
        cfn_role.override_logical_id("OverriddenRole")
        # The same endpoints at the same paths in another app: the late value as a literal,
        # the roles under CDK's logical ids.
        other_stack = cdk.Stack(cdk.App(), "Values")
        literal = endpoint_with(other_stack, "Uncached", f"{REGISTRY}/late:1")
        self.literal_names = (literal.model_name, literal.endpoint_config_name)
        self.default_id_names = {
            id: endpoint_with(other_stack, id, IMAGE).model_name for id in OWN_ROLE_IDS
        }
        self.template: Template = self.app.synth().get_stack_by_name("Values").template

    def resources(self, id: str) -> dict[str, dict[str, Any]]:
        """Part ("Model", "EndpointConfig", "Endpoint") -> resource of endpoint `id`."""
        found = {}
        for part in ("Model", "EndpointConfig", "Endpoint"):
            element = self.endpoints[id].node.find_child(part)
            logical_id = self.stack.resolve(element.logical_id)
            found[part] = {"LogicalId": logical_id, **self.template["Resources"][logical_id]}
        return found


def role_id(endpoint_id: str) -> str:
    """The logical id CDK gives the role of endpoint `endpoint_id`, a child of its stack."""
    return default_logical_id((endpoint_id, "Role", "Resource"))


OWN_ROLE_IDS = {
    "RenamedBefore": "RenamedBeforeRole",
    "Renamed": "RenamedRole",
    "Overridden": "OverriddenRole",
}


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


GENERATED = ["Parameter", "Ssm", "Dynamic", "Hatched"]
CONTENT_NAMED = ["Pinned", "Import", "Pseudo", "Bucket", "Uncached", "TaggedHatched", "Unhatched"]


@pytest.mark.parametrize("id", GENERATED)
def test_cloudformation_names_what_a_deploy_time_value_decides(built: Built, id: str) -> None:
    """No custom name can be stuck: the model and config are named by CloudFormation at every
    replacement, and the config and endpoint follow them with Fn::GetAtt (no redundant
    DependsOn, which cfn-lint would flag)."""
    parts = built.resources(id)
    model, config, endpoint = parts["Model"], parts["EndpointConfig"], parts["Endpoint"]
    assert "ModelName" not in model["Properties"]
    assert "EndpointConfigName" not in config["Properties"]
    variant = config["Properties"]["ProductionVariants"][0]
    assert variant["ModelName"] == {"Fn::GetAtt": [model["LogicalId"], "ModelName"]}
    assert endpoint["Properties"]["EndpointConfigName"] == {
        "Fn::GetAtt": [config["LogicalId"], "EndpointConfigName"]
    }
    assert model["LogicalId"] not in config.get("DependsOn", [])
    assert config["LogicalId"] not in endpoint.get("DependsOn", [])


@pytest.mark.parametrize("id", CONTENT_NAMED)
def test_values_fixed_for_a_deployed_stack_keep_content_names(built: Built, id: str) -> None:
    parts = built.resources(id)
    model_name = parts["Model"]["Properties"]["ModelName"]
    config_name = parts["EndpointConfig"]["Properties"]["EndpointConfigName"]
    assert NAME_PATTERN.fullmatch(model_name)
    assert NAME_PATTERN.fullmatch(config_name)
    assert parts["EndpointConfig"]["Properties"]["ProductionVariants"][0]["ModelName"] == (
        model_name
    )
    assert parts["Endpoint"]["Properties"]["EndpointConfigName"] == config_name
    # A literal name implies no order: CloudFormation creates them in this one.
    assert parts["Model"]["LogicalId"] in parts["EndpointConfig"]["DependsOn"]
    assert parts["EndpointConfig"]["LogicalId"] in parts["Endpoint"]["DependsOn"]


def test_a_lazy_value_is_hashed_as_the_template_holds_it(built: Built) -> None:
    parts = built.resources("Uncached")
    assert parts["Model"]["Properties"]["Containers"][0]["Image"] == f"{REGISTRY}/late:1"
    names = (
        parts["Model"]["Properties"]["ModelName"],
        parts["EndpointConfig"]["Properties"]["EndpointConfigName"],
    )
    assert names == built.literal_names
    endpoint = built.endpoints["Uncached"]
    assert built.stack.resolve([endpoint.model_name, endpoint.endpoint_config_name]) == list(names)


def test_names_read_from_the_construct_resolve_to_what_cloudformation_names(built: Built) -> None:
    endpoint = built.endpoints["Parameter"]
    model_id = built.resources("Parameter")["Model"]["LogicalId"]
    assert built.stack.resolve(endpoint.model_name) == {"Fn::GetAtt": [model_id, "ModelName"]}


def test_an_escape_hatch_after_the_construct_warns_that_names_read_before_are_stale(
    built: Built,
) -> None:
    warnings = [
        entry.data
        for entry in built.endpoints["Hatched"].node.metadata
        if entry.type == "aws:cdk:warning"
    ]
    # The model, and the config whose reference to it followed.
    assert [str(warning).split(" ")[0] for warning in warnings] == [
        "Values/Hatched/Model",
        "Values/Hatched/EndpointConfig",
    ]
    assert all(f"[ack: {NAME_CHANGED_WARNING}]" in str(warning) for warning in warnings)
    assert all("CloudFormation generates it" in str(warning) for warning in warnings)


@pytest.mark.parametrize("id", OWN_ROLE_IDS)
def test_names_follow_a_renamed_or_overridden_logical_id_of_the_own_role(
    built: Built, id: str
) -> None:
    """A role under another logical id is a new role: the model that refers to it is replaced,
    so it gets another name than with CDK's id, and the config and the endpoint follow."""
    parts = built.resources(id)
    model = parts["Model"]["Properties"]
    assert model["ExecutionRoleArn"] == {"Fn::GetAtt": [OWN_ROLE_IDS[id], "Arn"]}
    config_name = parts["EndpointConfig"]["Properties"]["EndpointConfigName"]
    assert NAME_PATTERN.fullmatch(model["ModelName"])
    assert model["ModelName"] != built.default_id_names[id]
    assert (
        parts["EndpointConfig"]["Properties"]["ProductionVariants"][0]["ModelName"]
        == (model["ModelName"])
    )
    assert parts["Endpoint"]["Properties"]["EndpointConfigName"] == config_name
    warnings = [
        str(entry.data)
        for entry in built.endpoints[id].node.metadata
        if entry.type == "aws:cdk:warning"
    ]
    assert [warning.split(" ")[0] for warning in warnings] == [
        f"Values/{id}/Model",
        f"Values/{id}/EndpointConfig",
    ]
    assert all(OWN_ID_CHANGE in warning for warning in warnings)
    assert all(f"[ack: {NAME_CHANGED_WARNING}]" in warning for warning in warnings)


def test_a_stack_that_allocates_its_own_logical_ids_names_after_them() -> None:
    """The ids are read from the stack (no warning), and the role's is in the hash."""
    app = cdk.App()
    endpoint = endpoint_with(PathIdStack(app, "Values"), "Custom", IMAGE)
    template = app.synth().get_stack_by_name("Values").template
    model = template["Resources"]["ValuesCustomModel"]["Properties"]
    assert model["ExecutionRoleArn"] == {"Fn::GetAtt": ["ValuesCustomRoleResource", "Arn"]}
    assert model["ModelName"] == endpoint.model_name
    default = endpoint_with(cdk.Stack(cdk.App(), "Values"), "Custom", IMAGE)
    assert endpoint.model_name != default.model_name
    assert not [entry for entry in endpoint.node.metadata if entry.type == "aws:cdk:warning"]


IMAGE2 = f"{REGISTRY}/a:2"
OVERRIDES: dict[str, Callable[[cdk.CfnResource], None]] = {
    "add_override": lambda model: model.add_override("Properties.Containers.0.Image", IMAGE2),
    "add_property_override": lambda model: model.add_property_override(
        "Containers.0.Image", IMAGE2
    ),
    "add_deletion_override": lambda model: model.add_deletion_override(
        "Properties.Containers.0.Environment"
    ),
    "add_property_deletion_override": lambda model: model.add_property_deletion_override(
        "Containers.0.Environment"
    ),
    "by keyword": lambda model: model.add_property_override(
        property_path="Containers.0.Image", value=IMAGE2
    ),
}


@pytest.fixture(scope="module")
def overridden() -> tuple[dict[str, MultiContainerEndpoint], Template]:
    """One endpoint per override method, each applied after the construct, and one whose
    tags are overridden (updated in place: no new name)."""
    app = cdk.App()
    stack = cdk.Stack(app, "Overrides")
    endpoints = {}
    for method, apply in [*OVERRIDES.items(), ("tags", _override_tags)]:
        endpoint = endpoints[method] = endpoint_with(
            stack, re.sub("[^a-z]", "", method), IMAGE, K="1"
        )
        apply(endpoint.model)
    return endpoints, app.synth().get_stack_by_name("Overrides").template


def _override_tags(model: cdk.CfnResource) -> None:
    model.add_property_override("Tags", [{"Key": "team", "Value": "search"}])


@pytest.mark.parametrize("method", OVERRIDES)
def test_every_override_method_renames_the_model_and_the_config(
    overridden: tuple[dict[str, MultiContainerEndpoint], Template], method: str
) -> None:
    endpoints, template = overridden
    endpoint = endpoints[method]
    model = template["Resources"][logical_id(endpoint.model)]["Properties"]
    config = template["Resources"][logical_id(endpoint.endpoint_config)]["Properties"]
    assert model["ModelName"] != endpoint.model_name
    assert config["EndpointConfigName"] != endpoint.endpoint_config_name
    assert config["ProductionVariants"][0]["ModelName"] == model["ModelName"]


def test_a_tag_override_keeps_the_names(
    overridden: tuple[dict[str, MultiContainerEndpoint], Template],
) -> None:
    endpoints, template = overridden
    endpoint = endpoints["tags"]
    model = template["Resources"][logical_id(endpoint.model)]["Properties"]
    assert model["Tags"] == [{"Key": "team", "Value": "search"}]
    assert model["ModelName"] == endpoint.model_name
    assert not [entry for entry in endpoint.node.metadata if entry.type == "aws:cdk:warning"]


def test_the_templates_pass_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)


@pytest.mark.parametrize(
    ("value", "references", "deploy_time"),
    [
        ({"Ref": "AWS::Region"}, set(), False),
        ({"Ref": "AWS::NotificationARNs"}, set(), True),
        ({"Ref": "Param"}, {"Param"}, False),
        ({"Fn::GetAtt": ["Role", "Arn"]}, {"Role"}, False),
        ({"Fn::GetAtt": "Role.Arn"}, {"Role"}, False),
        (
            {"Fn::Sub": "${AWS::Region}-${Bucket}-${Role.Arn}-${!Literal}"},
            {"Bucket", "Role"},
            False,
        ),
        ({"Fn::Sub": ["${X}-${Y}", {"X": {"Ref": "Z"}}]}, {"Y", "Z"}, False),
        ({"Fn::ImportValue": "Shared"}, set(), False),
        ({"Fn::FindInMap": ["M", "a", "b"]}, set(), True),
        ({"Fn::If": ["C", "a", "b"]}, set(), True),
        ("{{resolve:ssm:/p:12}}", set(), False),
        ("{{resolve:ssm:/p}}", set(), True),
        ("{{resolve:secretsmanager:s:SecretString:k}}", set(), True),
        ({"Fn::Join": ["", ["a", {"Ref": "B"}]]}, {"B"}, False),
    ],
)
def test_find_values(value: Any, references: set[str], deploy_time: bool) -> None:
    found = find_values(value)
    assert found.logical_ids == references
    assert bool(found.deploy_time) == deploy_time
