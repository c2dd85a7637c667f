"""The update oracle on small hand-written templates (one behaviour each) and on the sample app's
template of release 0.2.0."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import resource_schema
from .update_oracle import (
    NAME_PROPERTIES,
    Deploy,
    Fate,
    UpdatePlan,
    assert_safe_update,
    create_only_pointers,
    name_property,
    plan_update,
    violations,
)

MODEL = "AWS::SageMaker::Model"
CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT = "AWS::SageMaker::Endpoint"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1"
ROLE_ARN = "arn:aws:iam::123456789012:role/mce"
RELEASE_0_2_0 = Path(__file__).parent / "templates" / "sample-app-0.2.0.template.json"
"""The sample app's template in release 0.2.0 (content-hashed literal names), as its snapshot
was at commit c55896f."""

Template = dict[str, Any]
Reference = Callable[[str, str], Any]
CASCADE = {"Model": Fate.REPLACED, "Config": Fate.REPLACED, "Endpoint": Fate.UPDATED}


def get_att(logical_id: str, attribute: str) -> Any:
    return {"Fn::GetAtt": [logical_id, attribute]}


def stack(
    image: Any = IMAGE,
    *,
    to_model: Reference = get_att,
    to_config: Reference = get_att,
    model: dict[str, Any] | None = None,
    endpoint: dict[str, Any] | None = None,
    parameters: dict[str, Any] | None = None,
    model_id: str = "Model",
) -> Template:
    """A model, a config that reads its name and an endpoint that reads the config's, as in the
    third wave's templates; `model` and `endpoint` add or override properties."""
    model_properties = {
        "ExecutionRoleArn": ROLE_ARN,
        "Containers": [{"Image": image}, {"Image": IMAGE.replace("a:1", "b:1")}],
        "InferenceExecutionConfig": {"Mode": "Serial"},
        **(model or {}),
    }
    template: Template = {
        "Resources": {
            model_id: {"Type": MODEL, "Properties": model_properties},
            "Config": {
                "Type": CONFIG,
                "Properties": {
                    "ProductionVariants": [
                        {
                            "ModelName": to_model(model_id, "ModelName"),
                            "VariantName": "AllTraffic",
                            "InstanceType": "ml.m5.large",
                            "InitialInstanceCount": 1,
                        }
                    ]
                },
            },
            "Endpoint": {
                "Type": ENDPOINT,
                "Properties": {
                    "EndpointConfigName": to_config("Config", "EndpointConfigName"),
                    **(endpoint or {}),
                },
            },
        }
    }
    if parameters:
        template["Parameters"] = parameters
    return template


def only(resource_type: str, properties: dict[str, Any], logical_id: str = "Thing") -> Template:
    return {"Resources": {logical_id: {"Type": resource_type, "Properties": properties}}}


def reasons(plan: UpdatePlan, logical_id: str) -> str:
    return str(plan.changes[logical_id])


# --- what is replaced, what is updated ---------------------------------------------------------


def test_the_same_template_changes_nothing() -> None:
    plan = plan_update(stack(), copy.deepcopy(stack()))
    assert set(plan.changes) == {"Model", "Config", "Endpoint"}
    assert {change.fate for change in plan.changes.values()} == {Fate.UNCHANGED}
    assert plan.fates() == {}
    assert plan.violations == ()
    assert plan.summary() == "No resource changes."


def test_create_only_properties_come_from_the_schemas() -> None:
    assert "/properties/Containers" in create_only_pointers(MODEL)
    assert create_only_pointers(ENDPOINT) == ("/properties/EndpointName",)
    assert create_only_pointers("Custom::Anything") == ()


@pytest.mark.parametrize(
    "change",
    [
        {"Containers": [{"Image": IMAGE.replace("a:1", "a:2")}]},
        {"ExecutionRoleArn": ROLE_ARN + "-2"},
        {"InferenceExecutionConfig": {"Mode": "Direct"}},
        {"EnableNetworkIsolation": True},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_create_only_change_replaces_the_resource(change: dict[str, Any]) -> None:
    properties = {"ExecutionRoleArn": ROLE_ARN, "Containers": [{"Image": IMAGE}]}
    plan = plan_update(only(MODEL, properties), only(MODEL, {**properties, **change}))
    assert plan.fates() == {"Thing": Fate.REPLACED}
    assert next(iter(change)) in reasons(plan, "Thing")
    assert plan.violations == ()


def test_the_reason_names_the_property_that_changed() -> None:
    plan = plan_update(stack(), stack(IMAGE.replace("a:1", "a:2")))
    assert reasons(plan, "Model") == (
        f"Model ({MODEL}): replaced: Containers[0].Image changed in the template"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"Tags": [{"Key": "team", "Value": "ml"}]},
        {"DeploymentConfig": {"AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "a"}]}}},
        {"RetainAllVariantProperties": True},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_change_outside_the_create_only_properties_updates_in_place(
    change: dict[str, Any],
) -> None:
    plan = plan_update(stack(), stack(endpoint=change))
    assert plan.fates() == {"Endpoint": Fate.UPDATED}
    assert f"{next(iter(change))} added to the template" in reasons(plan, "Endpoint")
    assert plan.violations == ()


def test_a_reference_to_a_resource_updated_in_place_is_unchanged() -> None:
    """The model's tags are not create-only: the model keeps its name, the config is kept."""
    plan = plan_update(stack(), stack(model={"Tags": [{"Key": "team", "Value": "ml"}]}))
    assert plan.fates() == {"Model": Fate.UPDATED}


@pytest.mark.parametrize(
    "reference",
    [
        get_att,
        lambda logical_id, attribute: {"Fn::GetAtt": f"{logical_id}.{attribute}"},
        lambda logical_id, _: {"Ref": logical_id},
        lambda logical_id, attribute: {"Fn::Sub": f"${{{logical_id}.{attribute}}}"},
        lambda logical_id, _: {"Fn::Sub": f"prefix-${{{logical_id}}}"},
        lambda logical_id, attribute: {
            "Fn::Sub": ["${Name}", {"Name": {"Fn::GetAtt": [logical_id, attribute]}}]
        },
        lambda logical_id, attribute: {"Fn::Join": ["", [get_att(logical_id, attribute)]]},
        lambda logical_id, _: {"Fn::Select": [0, [{"Ref": logical_id}, "other"]]},
    ],
    ids=[
        "GetAtt",
        "GetAttString",
        "Ref",
        "SubAttribute",
        "SubRef",
        "SubVariable",
        "Join",
        "Select",
    ],
)
def test_a_replaced_model_replaces_the_config_and_updates_the_endpoint(
    reference: Reference,
) -> None:
    old = stack(to_model=reference, to_config=reference)
    new = stack(IMAGE.replace("a:1", "a:2"), to_model=reference, to_config=reference)
    plan = plan_update(old, new)
    assert plan.fates() == CASCADE
    assert "via reference to Model (replaced)" in reasons(plan, "Config")
    assert "ProductionVariants[0].ModelName changed" in reasons(plan, "Config")
    assert "EndpointConfigName changed via reference to Config (replaced)" in reasons(
        plan, "Endpoint"
    )
    assert plan.violations == ()


def test_a_replaced_resource_changes_every_reference_to_it_not_only_names() -> None:
    """A role replaced (its path is create-only) replaces the model that reads its ARN."""
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, "Path": "/"}}
    old = stack(model={"ExecutionRoleArn": get_att("Role", "Arn")})
    old["Resources"]["Role"] = role
    new = copy.deepcopy(old)
    new["Resources"]["Role"]["Properties"]["Path"] = "/mce/"
    assert plan_update(old, new).fates() == {"Role": Fate.REPLACED, **CASCADE}


# --- values known only when deploying ----------------------------------------------------------


@pytest.mark.parametrize("parameter_type", ["String", "AWS::SSM::Parameter::Value<String>"])
def test_a_parameter_value_change_replaces_the_model_and_cascades(parameter_type: str) -> None:
    image = {"Fn::Sub": IMAGE.replace("a:1", "a:${ImageTag}")}
    template = stack(image, parameters={"ImageTag": {"Type": parameter_type}})

    def deploy(tag: str) -> Deploy:
        return Deploy(parameters={"ImageTag": tag})

    assert plan_update(template, template).fates() == {}
    assert (
        plan_update(template, template, old_deploy=deploy("1"), new_deploy=deploy("1")).fates()
        == {}
    )
    plan = plan_update(template, template, old_deploy=deploy("1"), new_deploy=deploy("2"))
    assert plan.fates() == CASCADE
    assert "Containers[0].Image changed via parameter ImageTag" in reasons(plan, "Model")
    assert plan.violations == ()


def test_a_parameter_given_as_a_literal_in_the_old_template_is_equal() -> None:
    """Resolved values are compared, not their spelling."""
    template = stack({"Ref": "Image"}, parameters={"Image": {"Type": "String"}})
    plan = plan_update(stack(), template, new_deploy=Deploy(parameters={"Image": IMAGE}))
    assert plan.fates() == {}


@pytest.mark.parametrize(
    "spelling",
    [
        {"Fn::Join": ["", [IMAGE[:20], IMAGE[20:]]]},
        {"Fn::Sub": IMAGE},
        {"Fn::Select": [1, ["other", IMAGE]]},
        {"Fn::Join": ["/", {"Fn::Split": ["/", IMAGE]}]},
        {"Fn::If": ["Always", IMAGE, {"Ref": "AWS::NoValue"}]},
    ],
    ids=["Join", "Sub", "Select", "Split", "If"],
)
def test_the_same_value_spelled_otherwise_is_unchanged(spelling: Any) -> None:
    new = stack(spelling)
    new["Conditions"] = {"Always": {"Fn::Equals": ["a", "a"]}}
    assert plan_update(stack(), new).fates() == {}
    assert plan_update(stack(IMAGE + "-2"), new).fates() == CASCADE


def test_the_escaped_placeholder_of_a_sub_is_literal_text() -> None:
    old = stack(IMAGE.replace("a:1", "a:${Tag}"))
    assert plan_update(old, stack({"Fn::Sub": IMAGE.replace("a:1", "a:${!Tag}")})).fates() == {}


def test_a_dynamic_reference_is_resolved_per_deploy() -> None:
    reference = "{{resolve:ssm:/mce/image-tag}}"
    template = stack(IMAGE.replace("a:1", f"a:{reference}"))

    def deploy(tag: str) -> Deploy:
        return Deploy(dynamic_references={reference: tag})

    assert plan_update(template, template).fates() == {}
    assert (
        plan_update(template, template, old_deploy=deploy("1"), new_deploy=deploy("1")).fates()
        == {}
    )
    plan = plan_update(template, template, old_deploy=deploy("1"), new_deploy=deploy("2"))
    assert plan.fates() == CASCADE
    assert f"via dynamic reference {reference}" in reasons(plan, "Model")


def test_pseudo_parameters_are_the_same_in_both_deploys_and_imports_unless_given() -> None:
    image = {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/a:1"}
    role = {"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-role"}}
    template = stack(image, model={"ExecutionRoleArn": role})
    assert plan_update(template, copy.deepcopy(template)).fates() == {}
    named = stack(image, model={"ExecutionRoleArn": {"Fn::ImportValue": "mce-role"}})
    plan = plan_update(
        named,
        named,
        old_deploy=Deploy(imports={"mce-role": ROLE_ARN}),
        new_deploy=Deploy(imports={"mce-role": ROLE_ARN + "-2"}),
    )
    assert plan.fates() == CASCADE
    assert 'via import "mce-role"' in reasons(plan, "Model")


def test_a_condition_picks_the_value_of_each_deploy() -> None:
    template = stack(
        {"Fn::If": ["Canary", IMAGE.replace("a:1", "a:2"), IMAGE]},
        parameters={"Stage": {"Type": "String"}},
    )
    template["Conditions"] = {"Canary": {"Fn::Equals": [{"Ref": "Stage"}, "canary"]}}

    def deploy(stage: str) -> Deploy:
        return Deploy(parameters={"Stage": stage})

    same = plan_update(template, template, old_deploy=deploy("prod"), new_deploy=deploy("beta"))
    assert same.fates() == {}
    plan = plan_update(template, template, old_deploy=deploy("prod"), new_deploy=deploy("canary"))
    assert plan.fates() == CASCADE
    assert "via parameter Stage" in reasons(plan, "Model")


def test_a_resource_whose_condition_becomes_false_is_removed() -> None:
    template = stack(parameters={"WithTags": {"Type": "String"}})
    template["Conditions"] = {"Tagged": {"Fn::Not": [{"Fn::Equals": [{"Ref": "WithTags"}, ""]}]}}
    template["Resources"]["Alarm"] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Condition": "Tagged",
        "Properties": {"Threshold": 1},
    }
    plan = plan_update(
        template,
        template,
        old_deploy=Deploy(parameters={"WithTags": "yes"}),
        new_deploy=Deploy(parameters={"WithTags": ""}),
    )
    assert plan.fates() == {"Alarm": Fate.REMOVED}


@pytest.mark.parametrize(
    "attributes",
    [
        {"DependsOn": ["Other"]},
        {"Metadata": {"aws:cdk:path": "Stack/Moved/Resource"}},
        {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"},
        {"Condition": "Always"},
    ],
    ids="".join,
)
def test_attributes_that_are_not_properties_update_nothing(attributes: dict[str, Any]) -> None:
    old = stack()
    old["Resources"]["Other"] = {"Type": "AWS::SNS::Topic", "Properties": {}}
    old["Conditions"] = {"Always": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "AWS::Region"}]}}
    new = copy.deepcopy(old)
    new["Resources"]["Model"].update(attributes)
    plan = plan_update(old, new)
    assert plan.fates() == {}
    assert f"{next(iter(attributes))} changed (not a property" in reasons(plan, "Model")


# --- create-only pointers below the top level ----------------------------------------------------


def replicator(*infos: dict[str, Any]) -> Template:
    return only("AWS::MSK::Replicator", {"ReplicatorName": "r", "ReplicationInfoList": list(infos)})


def info(source: str, topics: list[str]) -> dict[str, Any]:
    return {
        "SourceKafkaClusterArn": source,
        "TargetKafkaClusterArn": "arn:target",
        "TargetCompressionType": "NONE",
        "TopicReplication": {"TopicsToReplicate": topics},
    }


def test_a_change_below_a_nested_create_only_pointer_replaces_the_resource() -> None:
    pointers = create_only_pointers("AWS::MSK::Replicator")
    assert "/properties/ReplicationInfoList/*/SourceKafkaClusterArn" in pointers
    assert "/properties/ReplicationInfoList" not in pointers
    old = replicator(info("arn:a", ["t1"]), info("arn:b", ["t2"]))
    updated = replicator(info("arn:a", ["t1"]), info("arn:b", ["t2", "t3"]))
    assert plan_update(old, updated).fates() == {"Thing": Fate.UPDATED}
    moved = replicator(info("arn:a", ["t1"]), info("arn:c", ["t2"]))
    plan = plan_update(old, moved)
    assert plan.fates() == {"Thing": Fate.REPLACED}
    assert "ReplicationInfoList[1].SourceKafkaClusterArn changed" in reasons(plan, "Thing")
    added = replicator(info("arn:a", ["t1"]), info("arn:b", ["t2"]), info("arn:c", ["t3"]))
    assert plan_update(old, added).fates() == {"Thing": Fate.REPLACED}


def test_a_nested_pointer_under_an_object_replaces_only_for_its_own_field() -> None:
    def environment(**resources: Any) -> Template:
        return only(
            "AWS::Batch::ComputeEnvironment",
            {"Type": "MANAGED", "ComputeResources": {"Type": "SPOT", "MaxvCpus": 4, **resources}},
        )

    assert "/properties/ComputeResources/SpotIamFleetRole" in create_only_pointers(
        "AWS::Batch::ComputeEnvironment"
    )
    old = environment(SpotIamFleetRole="arn:a")
    assert plan_update(old, environment(SpotIamFleetRole="arn:a", MaxvCpus=8)).fates() == {
        "Thing": Fate.UPDATED
    }
    assert plan_update(old, environment(SpotIamFleetRole="arn:b")).fates() == {
        "Thing": Fate.REPLACED
    }


# --- violations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old_name", "new_name"),
    [
        ("recommender-model", "recommender-model"),
        ("Recommender-Model", "recommender-model"),  # SageMaker names ignore case
        ({"Ref": "ModelName"}, {"Ref": "ModelName"}),  # a name the user fixed
        ({"Fn::Sub": "${AWS::StackName}-model"}, {"Fn::Sub": "${AWS::StackName}-model"}),
    ],
    ids=["Literal", "CaseOnly", "Parameter", "StackName"],
)
def test_a_replaced_model_that_keeps_its_custom_name_fails(old_name: Any, new_name: Any) -> None:
    parameters = {"ModelName": {"Type": "String"}}
    old = stack(model={"ModelName": old_name}, parameters=parameters)
    new = stack(IMAGE.replace("a:1", "a:2"), model={"ModelName": new_name}, parameters=parameters)
    found = violations(old, new)
    assert len(found) == 1, found
    assert found[0].startswith(f"Model ({MODEL}): replaced: Containers[0].Image changed")
    assert "custom-named resource requires replacing" in found[0]
    assert "(ModelName)" in found[0]
    with pytest.raises(AssertionError, match="custom-named") as failure:
        assert_safe_update(old, new)
    assert "Endpoint (AWS::SageMaker::Endpoint): updated in place" in str(failure.value)


@pytest.mark.parametrize(
    ("old_name", "new_name", "deploys"),
    [
        ("model-1", "model-2", (None, None)),
        ("model-1", None, (None, None)),  # the third wave: CloudFormation names it from now on
        (None, "model-1", (None, None)),
        (
            {"Ref": "ModelName"},
            {"Ref": "ModelName"},
            (
                Deploy(parameters={"ModelName": "model-1"}),
                Deploy(parameters={"ModelName": "model-2"}),
            ),
        ),
    ],
    ids=["Renamed", "NameRemoved", "NameAdded", "ParameterChanged"],
)
def test_a_replaced_model_under_another_name_is_safe(
    old_name: Any, new_name: Any, deploys: tuple[Deploy | None, Deploy | None]
) -> None:
    parameters = {"ModelName": {"Type": "String"}}

    def named(name: Any) -> dict[str, Any]:
        return {} if name is None else {"ModelName": name}

    old = stack(model=named(old_name), parameters=parameters)
    new = stack(IMAGE.replace("a:1", "a:2"), model=named(new_name), parameters=parameters)
    plan = assert_safe_update(old, new, old_deploy=deploys[0], new_deploy=deploys[1])
    assert plan.fates() == CASCADE


@pytest.mark.parametrize("new_name", ["recommender-model", "RECOMMENDER-MODEL"])
def test_a_new_logical_id_taking_a_deleted_resource_s_name_fails(new_name: str) -> None:
    old = stack(model={"ModelName": "recommender-model"})
    new = stack(model={"ModelName": new_name}, model_id="ModelV2")
    plan = plan_update(old, new)
    assert plan.fates() == {
        "Model": Fate.REMOVED,
        "ModelV2": Fate.ADDED,
        "Config": Fate.REPLACED,
        "Endpoint": Fate.UPDATED,
    }
    assert len(plan.violations) == 1, plan.violations
    assert plan.violations[0].startswith(f"ModelV2 ({MODEL}) is added under the name")
    assert "of Model, which this update deletes" in plan.violations[0]
    assert "created before the old one is deleted" in plan.violations[0]


def test_a_replacement_taking_the_name_of_a_replaced_resource_fails() -> None:
    old = only("AWS::IAM::Role", {"RoleName": "a", "Path": "/"}, "First")
    old["Resources"]["Second"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"RoleName": "b", "Path": "/"},
    }
    new = copy.deepcopy(old)
    new["Resources"]["First"]["Properties"] = {"RoleName": "b", "Path": "/x/"}
    new["Resources"]["Second"]["Properties"] = {"RoleName": "c", "Path": "/x/"}
    found = violations(old, new)
    assert len(found) == 1, found
    assert "First (AWS::IAM::Role) is replaced under the name 'b'" in found[0]
    assert "of Second, which this update replaces" in found[0]


def test_names_of_other_types_or_other_values_do_not_conflict() -> None:
    old = stack(model={"ModelName": "recommender"})
    new = stack(model={"ModelName": "recommender-2"}, model_id="ModelV2")
    new["Resources"]["Config"]["Properties"]["EndpointConfigName"] = "recommender"
    assert violations(old, new) == []


def test_a_replaced_endpoint_fails() -> None:
    old = stack(endpoint={"EndpointName": "recommender"})
    new = stack(endpoint={"EndpointName": "recommender-2"})
    plan = plan_update(old, new)
    assert plan.fates() == {"Endpoint": Fate.REPLACED}
    assert plan.violations == (
        f"Endpoint ({ENDPOINT}): replaced: EndpointName changed in the template: "
        "a resource of this type must only be updated in place",
    )
    assert violations(old, new, never_replaced=frozenset()) == []


def test_the_types_never_replaced_can_be_chosen() -> None:
    old = only("AWS::IAM::Role", {"AssumeRolePolicyDocument": {}, "Path": "/"})
    new = only("AWS::IAM::Role", {"AssumeRolePolicyDocument": {}, "Path": "/mce/"})
    assert violations(old, new) == []
    found = violations(old, new, never_replaced={"AWS::IAM::Role"})
    assert found == [
        "Thing (AWS::IAM::Role): replaced: Path changed in the template: "
        "a resource of this type must only be updated in place"
    ]


def test_a_changed_resource_type_fails() -> None:
    old = stack()
    new = copy.deepcopy(old)
    new["Resources"]["Endpoint"]["Type"] = "AWS::SageMaker::InferenceComponent"
    plan = plan_update(old, new)
    assert plan.fates() == {"Endpoint": Fate.REPLACED}
    assert plan.violations == (
        "Endpoint (AWS::SageMaker::InferenceComponent): replaced: type changed from "
        f"{ENDPOINT} to AWS::SageMaker::InferenceComponent: CloudFormation refuses it "
        "(Update of resource type is not permitted)",
    )


# --- names --------------------------------------------------------------------------------------


def test_the_table_of_name_properties_agrees_with_the_schemas() -> None:
    for resource_type, prop in NAME_PROPERTIES.items():
        schema = resource_schema(resource_type)
        assert prop in schema["properties"], resource_type
        assert f"/properties/{prop}" in schema["createOnlyProperties"], resource_type


@pytest.mark.parametrize(
    ("resource_type", "prop"),
    [
        ("AWS::Lambda::Function", "FunctionName"),  # named after the type
        ("AWS::DynamoDB::Table", "TableName"),
        ("AWS::ECR::Repository", "RepositoryName"),
        ("AWS::CloudWatch::CompositeAlarm", "AlarmName"),  # the name that identifies it
        ("AWS::AutoScaling::ScheduledAction", None),  # identified by its group's name and more
        ("AWS::Events::Rule", "Name"),  # its RuleName is read-only
        ("AWS::Cognito::UserPool", None),  # its UserPoolName changes in place
        ("AWS::IAM::Policy", None),
        ("AWS::CDK::Metadata", None),
        ("Custom::Anything", None),
    ],
)
def test_other_name_properties_are_derived_from_the_schemas(
    resource_type: str, prop: str | None
) -> None:
    assert resource_type not in NAME_PROPERTIES
    assert name_property(resource_type) == prop


# --- the sample app of release 0.2.0 --------------------------------------------------------------


def release_0_2_0() -> Template:
    template: Template = json.loads(RELEASE_0_2_0.read_text())
    return template


def generated_names(template: Template) -> Template:
    """The template with the models' and configs' literal names left to CloudFormation, each
    use of one replaced by `Fn::GetAtt` (the third wave's naming)."""
    uses: dict[str, Any] = {}
    new = copy.deepcopy(template)
    for logical_id, resource in new["Resources"].items():
        prop = {MODEL: "ModelName", CONFIG: "EndpointConfigName"}.get(resource["Type"])
        if prop is not None:
            uses[resource["Properties"].pop(prop)] = get_att(logical_id, prop)

    def replace(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: replace(value) for key, value in node.items()}
        if isinstance(node, list):
            return [replace(value) for value in node]
        return uses.get(node, node) if isinstance(node, str) else node

    assert len(uses) == 5
    replaced: Template = replace(new)
    return replaced


def of_type(template: Template, *types: str) -> set[str]:
    return {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] in types
    }


def test_release_0_2_0_against_itself_changes_nothing() -> None:
    plan = assert_safe_update(release_0_2_0(), release_0_2_0())
    assert plan.fates() == {}
    assert len(plan.changes) == 11


def test_release_0_2_0_to_generated_names_replaces_models_and_configs_only() -> None:
    old = release_0_2_0()
    plan = assert_safe_update(old, generated_names(old))
    assert plan.fates() == {
        **dict.fromkeys(of_type(old, MODEL, CONFIG), Fate.REPLACED),
        **dict.fromkeys(of_type(old, ENDPOINT), Fate.UPDATED),
    }
    assert plan.logical_ids(Fate.REPLACED) == of_type(old, MODEL, CONFIG)
    assert len(plan.fates()) == 7


def test_with_generated_names_a_new_image_replaces_its_model_and_config_only() -> None:
    old = generated_names(release_0_2_0())
    new = copy.deepcopy(old)
    (model_id,) = {m for m in of_type(new, MODEL) if m.startswith("Recommender")}
    new["Resources"][model_id]["Properties"]["Containers"][0]["Image"] += "-2"
    plan = assert_safe_update(old, new)
    assert plan.fates() == {
        model_id: Fate.REPLACED,
        "RecommenderEndpointConfigAB2CD283": Fate.REPLACED,
        "RecommenderEndpoint7C7EC908": Fate.UPDATED,
    }


def test_a_model_of_release_0_2_0_whose_image_changes_under_its_old_name_fails() -> None:
    """What 0.2.0's content-hashed names were there to prevent."""
    old = release_0_2_0()
    new = copy.deepcopy(old)
    new["Resources"]["RecommenderModelA6EE6CE4"]["Properties"]["Containers"][0]["Image"] += "-2"
    (found,) = violations(old, new)
    assert found.startswith("RecommenderModelA6EE6CE4 (AWS::SageMaker::Model): replaced")
    assert "keeps its custom name 'Recommender-65c3fba6bcff12ab' (ModelName)" in found
