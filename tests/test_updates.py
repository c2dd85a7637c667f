"""Updates: synthesize a base version, change one thing, synthesize again, and judge the update
by what CloudFormation will do: the update oracle (`update_oracle.py`: create-only properties
from the resource schemas cfn-lint ships, replacements cascading through references, literal
names kept) and the real `cdk diff` (offline, against the old template). The models and the
endpoint config are replaced under names CloudFormation generates; the endpoint is only ever
updated in place; no update is stuck on a name.

Every scenario is one endpoint in the stack "Scenarios": the old app builds each one's base
version, the new app its changed version, so one `cdk diff` covers them all. A value decided
at deploy time (a parameter, an SSM parameter, a dynamic reference, an import) changes between
the two deploys without a change of the template: the oracle is given each deploy's values.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_ssm as ssm
from constructs import Construct, IConstruct

from app import build_app
from mce_constructs import (
    CapacitySize,
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    DeploymentConfig,
    EndpointVariant,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
    MultiContainerModel,
    RoutingStrategy,
    TrafficRouting,
    VariantDefinition,
)

from .conftest import REGISTRY, REPO, Template, imported_vpc, offline_prefix
from .update_oracle import Deploy, Fate, UpdatePlan, plan_update

CDK = REPO / "node_modules" / ".bin" / "cdk"
SCENARIOS_STACK = "Scenarios"
RESYNTH_STACK = "Resynth"
MODEL = "AWS::SageMaker::Model"
CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT = "AWS::SageMaker::Endpoint"
PARTS = (MODEL, CONFIG, ENDPOINT)
UPGRADE_TEMPLATE = Path(__file__).parent / "templates" / "sample-app-0.2.0.template.json"
"""The sample app's template as release 0.2.0 synthesized it (content-hashed names)."""
DYNAMIC_TAG = "{{resolve:ssm:/mce/dynamic-tag}}"
BOUNDARY_ARN = "arn:aws:iam::123456789012:policy/ml-boundary"


@dataclass(frozen=True)
class Shared:
    """What the scenarios refer to in their stack: two roles, a VPC, a key, and resources that
    the new version replaces (a role and a bucket renamed, a security group redescribed)."""

    role_a: iam.IRole
    role_b: iam.IRole
    vpc: ec2.IVpc
    key: kms.IKey
    named_role: iam.IRole
    group: ec2.ISecurityGroup
    bucket: s3.IBucket
    late: dict[str, LateValue]
    """Values of `Lazy`s, set after the constructs are created (by the name of their use)."""
    image_parameter: str
    """A `CfnParameter`: its value changes between the deploys, the template does not."""
    count_parameter: float
    ssm_tag: str
    """An SSM parameter's value (a parameter of type `AWS::SSM::Parameter::Value<String>`)."""
    imported_image: str
    pipeline: MultiContainerModel | None
    """A model on its own (the new version only), that a variant moves to."""

    @staticmethod
    def create(stack: cdk.Stack, *, changed: bool) -> Shared:
        scope = Construct(stack, "Shared")
        principal = iam.ServicePrincipal("sagemaker.amazonaws.com")
        version = "green" if changed else "blue"
        vpc = imported_vpc(
            scope,
            private_subnet_ids=["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
            private_subnet_route_table_ids=["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"],
        )
        return Shared(
            role_a=iam.Role(scope, "RoleA", assumed_by=principal),
            role_b=iam.Role(scope, "RoleB", assumed_by=principal),
            vpc=vpc,
            key=kms.Key.from_key_arn(
                scope,
                "Key",
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            named_role=iam.Role(
                scope, "NamedRole", assumed_by=principal, role_name=f"mce-role-{version}"
            ),
            group=ec2.SecurityGroup(scope, "Group", vpc=vpc, description=f"mce {version}"),
            bucket=s3.Bucket(scope, "Bucket", bucket_name=f"mce-models-{version}"),
            late={name: LateValue() for name in LATE_VALUES},
            image_parameter=cdk.CfnParameter(stack, "ImageParameter").value_as_string,
            count_parameter=cdk.CfnParameter(
                stack, "CountParameter", type="Number"
            ).value_as_number,
            ssm_tag=ssm.StringParameter.value_for_string_parameter(stack, SSM_TAG),
            imported_image=cdk.Fn.import_value("SharedImage"),
            pipeline=MultiContainerModel(scope, "Pipeline", containers=containers("b:1"))
            if changed
            else None,
        )


@jsii.implements(cdk.IStableAnyProducer, cdk.IAnyProducer)
class LateValue:
    """A value known only after the constructs are created (read when the template is
    written), for a `Lazy` of any type, cached or not."""

    def __init__(self) -> None:
        self.value: Any = None

    def produce(self, context: cdk.IResolveContext | None = None) -> Any:
        return self.value


LATE_VALUES: dict[str, tuple[Any, Any]] = {
    # The name of a late value -> its value in the old and in the new version.
    "image": (f"{REGISTRY}/late:1", f"{REGISTRY}/late:2"),
    "uncached-image": (f"{REGISTRY}/late:1", f"{REGISTRY}/late:2"),
    "count": (1, 2),
    "uncached-weight": (1, 3),
    "content-types": (["text/csv"], ["text/csv", "application/x-npy"]),
    "environment": ({"LATE": "1"}, {"LATE": "2"}),
}
SSM_TAG = "/mce/tag"


def deploy_values(template: Template, *, changed: bool) -> Deploy:
    """What the deploy of a version resolves: every value changes, the templates do not. (CDK
    reads an SSM parameter through a template parameter whose default is its name.)"""
    version = 2 if changed else 1
    ssm_parameter = next(
        name
        for name, parameter in template["Parameters"].items()
        if parameter.get("Default") == SSM_TAG
    )
    return Deploy(
        parameters={
            "ImageParameter": f"{REGISTRY}/a:{version}",
            "CountParameter": version,
            ssm_parameter: str(version),
        },
        dynamic_references={DYNAMIC_TAG: str(version)},
        imports={"SharedImage": f"{REGISTRY}/a:{version}"},
    )


@jsii.implements(cdk.IAspect)
class SetEnvironment:
    """An aspect that adds a variable to every model (after the constructs are created)."""

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, sagemaker.CfnModel):
            node.add_property_override("Containers.0.Environment.FROM_ASPECT", "1")


Options = dict[str, Any]


def containers(*images: str, **fields: Any) -> list[ContainerDefinition]:
    """One container per image, each given the same `fields`."""
    return [ContainerDefinition(image=f"{REGISTRY}/{image}", **fields) for image in images]


def hosted(*pairs: tuple[str, str]) -> list[ContainerDefinition]:
    """Containers with hostnames, from (image, hostname) pairs."""
    return [
        ContainerDefinition(image=f"{REGISTRY}/{image}", container_hostname=hostname)
        for image, hostname in pairs
    ]


BASE: Options = {
    "containers": [
        ContainerDefinition(image=f"{REGISTRY}/a:1", environment={"K": "1"}),
        ContainerDefinition(image=f"{REGISTRY}/b:1"),
    ]
}
REPLACED_BOTH = frozenset({"Model", "EndpointConfig"})
REPLACED_CONFIG = frozenset({"EndpointConfig"})


def ab(*, challenger: str = "b:1", weights: tuple[int, int] = (90, 10)) -> Options:
    """An A/B endpoint: a champion and a challenger variant."""
    return {
        "variants": [
            VariantDefinition(
                name="champion", containers=containers("a:1"), initial_weight=weights[0]
            ),
            VariantDefinition(
                name="challenger", containers=containers(challenger), initial_weight=weights[1]
            ),
        ]
    }


def settings(**changed: Any) -> Options:
    """The single-variant form with every variant setting, some of them `changed`."""
    return {
        **BASE,
        "volume_size": cdk.Size.gibibytes(30),
        "model_data_download_timeout": cdk.Duration.minutes(10),
        "container_startup_health_check_timeout": cdk.Duration.minutes(5),
        "routing_strategy": RoutingStrategy.RANDOM,
        "enable_ssm_access": False,
        **changed,
    }


@dataclass(frozen=True)
class Scenario:
    """One endpoint: its options in the old app, the change in the new app, and what a deploy
    of the change does to each of its SageMaker resources."""

    id: str
    change: Callable[[Shared], Options]
    replaced: frozenset[str]
    """The parts (the endpoint's children: "Model", "Model-<variant>", "EndpointConfig") that
    a deploy replaces, directly or through a reference to a replaced resource."""
    updated: frozenset[str] = field(default_factory=lambda: frozenset({"Endpoint"}))
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    base: Callable[[Shared], Options] = lambda _: BASE
    after: Callable[[MultiContainerEndpoint], None] | None = None
    """A change made in the new version after the construct is created."""
    after_both: Callable[[MultiContainerEndpoint, Shared], None] | None = None
    """What both versions do after the construct is created."""

    def options(self, shared: Shared, *, changed: bool) -> Options:
        return {**self.base(shared), **(self.change(shared) if changed else {})}


def scale(endpoint: MultiContainerEndpoint | EndpointVariant) -> None:
    scaling = endpoint.auto_scale_instance_count(max_capacity=4)
    scaling.scale_on_invocations(invocations_per_instance=100)


def own_cfn_role(endpoint: MultiContainerEndpoint) -> cdk.CfnElement:
    cfn_role = endpoint.role.node.default_child
    assert isinstance(cfn_role, cdk.CfnElement)
    return cfn_role


def rename_own_role(endpoint: MultiContainerEndpoint) -> None:
    """Rename the logical id of the role the endpoint created, as a refactoring would."""
    stack = cdk.Stack.of(endpoint)
    stack.rename_logical_id(stack.resolve(own_cfn_role(endpoint).logical_id), "OwnRoleRenamedRole")


def override_own_role(endpoint: MultiContainerEndpoint) -> None:
    """Override the logical id of the role the endpoint created (an escape hatch)."""
    own_cfn_role(endpoint).override_logical_id("OwnRoleOverriddenRole")


def setting_changed(scenario_id: str, **changed: Any) -> Scenario:
    """A variant setting changed: only the endpoint config is replaced (and the endpoint
    updated in place to it)."""
    return Scenario(
        scenario_id,
        base=lambda _: settings(),
        change=lambda _: settings(**changed),
        replaced=REPLACED_CONFIG,
    )


SCENARIOS = [
    Scenario(
        "ImageTag",
        base=lambda _: {**BASE, "endpoint_name": "image-tag"},
        change=lambda _: {
            "containers": [
                ContainerDefinition(image=f"{REGISTRY}/a:2", environment={"K": "1"}),
                ContainerDefinition(image=f"{REGISTRY}/b:1"),
            ]
        },
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "Environment",
        change=lambda _: {
            "containers": [
                ContainerDefinition(image=f"{REGISTRY}/a:1", environment={"K": "2"}),
                ContainerDefinition(image=f"{REGISTRY}/b:1"),
            ]
        },
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "Hostname",
        base=lambda _: {
            "containers": hosted(("a:1", "first"), ("b:1", "second")),
            "mode": InvocationMode.DIRECT,
        },
        change=lambda _: {"containers": hosted(("a:1", "first"), ("b:1", "other"))},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "ModelData",
        base=lambda _: {
            "containers": containers("a:1", model_data=ModelData.from_uri("s3://m/1.tar.gz"))
        },
        change=lambda _: {
            "containers": containers("a:1", model_data=ModelData.from_uri("s3://m/2.tar.gz"))
        },
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "ContainerAdded",
        base=lambda _: {"containers": containers("a:1", "b:1")},
        change=lambda _: {"containers": containers("a:1", "b:1", "c:1")},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "ContainerRemoved",
        base=lambda _: {"containers": containers("a:1", "b:1", "c:1")},
        change=lambda _: {"containers": containers("a:1", "b:1")},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "Reordered",
        base=lambda _: {"containers": containers("a:1", "b:1")},
        change=lambda _: {"containers": containers("b:1", "a:1")},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "SerialToDirect",
        base=lambda _: {"containers": hosted(("a:1", "first"), ("b:1", "second"))},
        change=lambda _: {"mode": InvocationMode.DIRECT},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "Role",
        base=lambda shared: {**BASE, "role": shared.role_a},
        change=lambda shared: {"role": shared.role_b},
        replaced=REPLACED_BOTH,
    ),
    Scenario("Vpc", change=lambda shared: {"vpc": shared.vpc}, replaced=REPLACED_BOTH),
    Scenario(
        "Isolation", change=lambda _: {"enable_network_isolation": True}, replaced=REPLACED_BOTH
    ),
    Scenario(
        "InstanceType", change=lambda _: {"instance_type": "ml.c5.large"}, replaced=REPLACED_CONFIG
    ),
    Scenario(
        "InstanceCount", change=lambda _: {"initial_instance_count": 2}, replaced=REPLACED_CONFIG
    ),
    Scenario("Variant", change=lambda _: {"variant_name": "Blue"}, replaced=REPLACED_CONFIG),
    Scenario("Kms", change=lambda shared: {"kms_key": shared.key}, replaced=REPLACED_CONFIG),
    Scenario(
        "Tags",
        base=lambda _: {**BASE, "tags": {"team": "search"}},
        change=lambda _: {"tags": {"team": "ranking"}},
        replaced=frozenset(),
        updated=frozenset({"Model", "EndpointConfig", "Endpoint"}),
    ),
    # What replaces the model with no change to the construct's options.
    Scenario(
        "RoleReplaced",
        base=lambda shared: {**BASE, "role": shared.named_role},
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "GroupReplaced",
        base=lambda shared: {**BASE, "vpc": shared.vpc, "security_groups": [shared.group]},
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "BucketRenamed",
        base=lambda shared: {
            "containers": [
                ContainerDefinition(
                    image=f"{REGISTRY}/a:1",
                    model_data=ModelData.from_bucket(shared.bucket, "m.tar.gz"),
                )
            ]
        },
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    # Values decided when the template is written (a Lazy of each type) ...
    Scenario(
        "LazyImage",
        base=lambda shared: {
            "containers": [ContainerDefinition(image=cdk.Lazy.string(shared.late["image"]))]
        },
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "UncachedLazyImage",
        base=lambda shared: {
            "containers": [
                ContainerDefinition(image=cdk.Lazy.uncached_string(shared.late["uncached-image"]))
            ]
        },
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "LazyCount",
        base=lambda shared: {
            **BASE,
            "initial_instance_count": cdk.Lazy.number(shared.late["count"]),
        },
        change=lambda _: {},
        replaced=REPLACED_CONFIG,
    ),
    Scenario(
        "UncachedLazyWeight",
        base=lambda shared: {
            "variants": [
                VariantDefinition(
                    name="only",
                    containers=containers("a:1"),
                    initial_weight=cdk.Lazy.uncached_number(shared.late["uncached-weight"]),
                )
            ]
        },
        change=lambda _: {},
        replaced=REPLACED_CONFIG,
    ),
    Scenario(
        "LazyList",
        base=lambda shared: {
            **BASE,
            "data_capture": DataCapture.to_uri(
                "s3://capture/lazy",
                csv_content_types=cdk.Token.as_list(cdk.Lazy.list(shared.late["content-types"])),
            ),
        },
        change=lambda _: {},
        replaced=REPLACED_CONFIG,
    ),
    Scenario(
        "LazyAny",
        change=lambda _: {},
        after_both=lambda endpoint, shared: endpoint.model.add_property_override(
            "Containers.0.Environment", cdk.Lazy.any(shared.late["environment"])
        ),
        replaced=REPLACED_BOTH,
    ),
    # ... and at deploy time: the template is the same, the deployed value is not.
    Scenario(
        "Parameter",
        base=lambda shared: {"containers": [ContainerDefinition(image=shared.image_parameter)]},
        change=lambda _: {},
        replaced=REPLACED_BOTH,
        updated=frozenset({"Endpoint"}),
    ),
    Scenario(
        "NumberParameter",
        base=lambda shared: {**BASE, "initial_instance_count": shared.count_parameter},
        change=lambda _: {},
        replaced=REPLACED_CONFIG,
    ),
    Scenario(
        "Ssm",
        base=lambda shared: {
            "containers": containers("a:1", environment={"TAG": shared.ssm_tag}),
        },
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "DynamicReference",
        base=lambda _: {"containers": containers("a:1", environment={"TAG": DYNAMIC_TAG})},
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "Import",
        base=lambda shared: {"containers": [ContainerDefinition(image=shared.imported_image)]},
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    # Escape hatches, every form, after the construct.
    Scenario(
        "EscapeHatch",
        change=lambda _: {},
        after=lambda endpoint: endpoint.model.add_property_override(
            "Containers.1.Environment", {"EXTRA": "1"}
        ),
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "OverrideProperty",
        change=lambda _: {},
        after=lambda endpoint: endpoint.model.add_override(
            "Properties.EnableNetworkIsolation", True
        ),
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "OverrideProperties",
        change=lambda _: {},
        after=lambda endpoint: endpoint.endpoint_config.add_override(
            "Properties", {"KmsKeyId": "alias/inference"}
        ),
        replaced=REPLACED_CONFIG,
    ),
    Scenario(
        "DeletionOverride",
        change=lambda _: {},
        after=lambda endpoint: endpoint.model.add_deletion_override(
            "Properties.Containers.0.Environment"
        ),
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "PropertySetter",
        change=lambda _: {},
        after=lambda endpoint: setattr(endpoint.endpoint_config, "kms_key_id", "alias/inference"),
        replaced=REPLACED_CONFIG,
    ),
    # Aspects: one written in Python, and aws-cdk-lib's own (TypeScript).
    Scenario(
        "Aspect",
        change=lambda _: {},
        after=lambda endpoint: cdk.Aspects.of(endpoint).add(SetEnvironment()),
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "TagAspect",
        change=lambda _: {},
        after=lambda endpoint: cdk.Tags.of(endpoint).add("cost-center", "42"),
        replaced=frozenset(),
        updated=frozenset({"Model", "EndpointConfig", "Endpoint"}),
    ),
    Scenario(
        "BoundaryAspect",
        change=lambda _: {},
        after=lambda endpoint: iam.PermissionsBoundary.of(endpoint).apply(
            iam.ManagedPolicy.from_managed_policy_arn(endpoint, "Boundary", BOUNDARY_ARN)
        ),
        replaced=frozenset(),
        updated=frozenset(),
    ),
    # The role the endpoint created gets a new logical id, so a new role replaces it.
    Scenario("OwnRoleRenamed", change=lambda _: {}, after=rename_own_role, replaced=REPLACED_BOTH),
    Scenario(
        "OwnRoleOverridden", change=lambda _: {}, after=override_own_role, replaced=REPLACED_BOTH
    ),
    # Production options (issue 13).
    Scenario(
        "VariantAdded",
        base=lambda _: {"variants": ab()["variants"][:1]},
        change=lambda _: ab(),
        replaced=REPLACED_CONFIG,
        added=frozenset({"Model-challenger"}),
    ),
    Scenario(
        "VariantRemoved",
        base=lambda _: ab(),
        change=lambda _: {"variants": ab()["variants"][:1]},
        replaced=REPLACED_CONFIG,
        removed=frozenset({"Model-challenger"}),
    ),
    Scenario(
        "VariantImage",
        base=lambda _: ab(),
        change=lambda _: ab(challenger="b:2"),
        replaced=frozenset({"Model-challenger", "EndpointConfig"}),
    ),
    Scenario(
        "Weights",
        base=lambda _: ab(),
        change=lambda _: ab(weights=(50, 50)),
        replaced=REPLACED_CONFIG,
    ),
    Scenario(
        "CaptureOn",
        change=lambda _: {"data_capture": DataCapture.to_uri("s3://capture/fraud")},
        replaced=REPLACED_CONFIG,
    ),
    Scenario(
        "Sampling",
        base=lambda _: {
            **BASE,
            "data_capture": DataCapture.to_uri("s3://capture/fraud", sampling_percentage=20),
        },
        change=lambda _: {
            "data_capture": DataCapture.to_uri("s3://capture/fraud", sampling_percentage=50)
        },
        replaced=REPLACED_CONFIG,
    ),
    setting_changed("VolumeSize", volume_size=cdk.Size.gibibytes(60)),
    setting_changed("DownloadTimeout", model_data_download_timeout=cdk.Duration.minutes(20)),
    setting_changed(
        "StartupTimeout", container_startup_health_check_timeout=cdk.Duration.minutes(9)
    ),
    setting_changed("Routing", routing_strategy=RoutingStrategy.LEAST_OUTSTANDING_REQUESTS),
    setting_changed("SsmAccess", enable_ssm_access=True),
    Scenario(
        "PrivateRegistry",
        base=lambda shared: {**BASE, "vpc": shared.vpc},
        change=lambda _: {
            "containers": [
                ContainerDefinition(
                    image=ContainerImage.from_private_registry("registry.example.com/a:1"),
                    environment={"K": "1"},
                ),
                ContainerDefinition(image=f"{REGISTRY}/b:1"),
            ]
        },
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "PrefixModelData",
        base=lambda _: {
            "containers": containers("a:1", model_data=ModelData.from_uri("s3://m/a.tar.gz"))
        },
        change=lambda _: {
            "containers": containers("a:1", model_data=ModelData.from_s3_prefix("s3://m/a/"))
        },
        replaced=REPLACED_BOTH,
    ),
    # Operations: guardrails and autoscaling update the endpoint in place.
    Scenario(
        "Guardrails",
        change=lambda _: {
            "deployment": DeploymentConfig.blue_green(
                traffic_routing=TrafficRouting.linear(
                    step=CapacitySize.percent(20), wait=cdk.Duration.minutes(5)
                )
            )
        },
        replaced=frozenset(),
    ),
    Scenario(
        "Autoscaling",
        change=lambda _: {},
        after=scale,
        replaced=frozenset(),
    ),
    # The first step to an A/B test: the single-variant form becomes `variants=`, the scaled
    # variant keeps its name, and so its scalable target (tested below).
    Scenario(
        "ToVariants",
        change=lambda _: {
            "containers": None,
            "variants": [
                VariantDefinition(name="AllTraffic", containers=BASE["containers"]),
                VariantDefinition(
                    name="challenger", containers=containers("c:1"), initial_weight=0
                ),
            ],
        },
        after_both=lambda endpoint, _: scale(endpoint.variant("AllTraffic")),
        replaced=REPLACED_CONFIG,
        added=frozenset({"Model-AllTraffic", "Model-challenger"}),
        removed=frozenset({"Model"}),
    ),
    # A variant moves to a model on its own (`MultiContainerModel`, with the same containers):
    # its own model goes, the config is replaced, nothing else (tested below).
    Scenario(
        "ToSharedModel",
        base=lambda _: ab(),
        change=lambda shared: {
            "variants": [
                VariantDefinition(name="champion", containers=containers("a:1"), initial_weight=90),
                VariantDefinition(name="challenger", model=shared.pipeline, initial_weight=10),
            ]
        },
        replaced=REPLACED_CONFIG,
        removed=frozenset({"Model-challenger"}),
    ),
    # Unchanged while the stack around it changes.
    Scenario("Unchanged", change=lambda _: {}, replaced=frozenset(), updated=frozenset()),
]


class Version:
    """One version of the app (old or new), synthesized into its own cloud assembly."""

    def __init__(self, outdir: Path, *, changed: bool) -> None:
        # The CLI adds path metadata to templates; so do these apps, to read each resource's path.
        app = cdk.App(outdir=str(outdir), context={"aws:cdk:enable-path-metadata": True})
        stack = cdk.Stack(app, SCENARIOS_STACK)
        shared = self.shared = Shared.create(stack, changed=changed)
        self.endpoints = {
            scenario.id: MultiContainerEndpoint(
                stack, scenario.id, **scenario.options(shared, changed=changed)
            )
            for scenario in SCENARIOS
        }
        for scenario in SCENARIOS:
            endpoint = self.endpoints[scenario.id]
            if scenario.after_both is not None:
                scenario.after_both(endpoint, shared)
            if changed and scenario.after is not None:
                scenario.after(endpoint)
        for name, (old, new) in LATE_VALUES.items():
            shared.late[name].value = new if changed else old
        # An unrelated resource is removed from the stack, another one added.
        s3.Bucket(stack, "Reports" if changed else "Archive")
        # A copy of the unchanged endpoint in a stack of its own, re-synthesized as it was.
        MultiContainerEndpoint(cdk.Stack(app, RESYNTH_STACK), "Unchanged", **BASE)
        assembly = app.synth()
        self.outdir = outdir
        self.templates: dict[str, Template] = {
            name: assembly.get_stack_by_name(name).template
            for name in (SCENARIOS_STACK, RESYNTH_STACK)
        }

    def resources(self, scenario_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Part (the endpoint's child: "Model", "Model-<variant>", "EndpointConfig",
        "Endpoint") -> (logical id, resource) of one scenario's SageMaker resources."""
        found = {}
        prefix = f"{SCENARIOS_STACK}/{scenario_id}/"
        for logical_id, resource in self.templates[SCENARIOS_STACK]["Resources"].items():
            path = resource.get("Metadata", {}).get("aws:cdk:path", "")
            if resource["Type"] in PARTS and path.startswith(prefix):
                found[path.removeprefix(prefix)] = (logical_id, resource)
        return found


@dataclass(frozen=True)
class CliDiff:
    """What `cdk diff` printed for one stack."""

    output: str
    resources: dict[str, str] = field(default_factory=dict)
    """Construct path of each resource in the diff -> its change and impact (`~ replace`)."""


_RESOURCE_LINE = re.compile(
    r"^\[(?P<change>[-+~])\] (?P<type>AWS::\S+) (?P<path>.+?) (?P<logical_id>[A-Za-z0-9]+)"
    r"(?: (?P<impact>replace|may be replaced|destroy|orphan))?$",
    re.MULTILINE,
)


def run_cdk_diffs(new: Version, old: Version, workdir: Path) -> dict[str, CliDiff]:
    """`cdk diff` of each stack of the new assembly against the old template, all at once (the
    CLI takes one `--template` per call), offline and without AWS credentials."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("AWS_")
    } | {"CDK_DISABLE_CLI_TELEMETRY": "true", "FORCE_COLOR": "0"}
    processes = {
        stack: subprocess.Popen(
            [
                *offline_prefix(),
                str(CDK),
                "diff",
                "--app",
                str(new.outdir),
                "--template",
                str(old.outdir / f"{stack}.template.json"),
                "--method",
                "template",
                "--no-notices",
                "--no-color",
                stack,
            ],
            cwd=workdir,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for stack in (SCENARIOS_STACK, RESYNTH_STACK)
    }
    diffs = {}
    for stack, process in processes.items():
        output = process.communicate(timeout=120)[0]
        assert process.returncode == 0, output
        diffs[stack] = CliDiff(
            output=output,
            resources={
                match["path"]: f"{match['change']} {match['impact'] or ''}".strip()
                for match in _RESOURCE_LINE.finditer(output)
            },
        )
    return diffs


@dataclass(frozen=True)
class Updates:
    old: Version
    new: Version
    plan: UpdatePlan
    """What CloudFormation does to the scenarios' stack."""
    diffs: dict[str, CliDiff]


@pytest.fixture(scope="module")
def updates(tmp_path_factory: pytest.TempPathFactory) -> Updates:
    workdir = tmp_path_factory.mktemp("updates")
    old = Version(workdir / "old", changed=False)
    new = Version(workdir / "new", changed=True)
    before, after = old.templates[SCENARIOS_STACK], new.templates[SCENARIOS_STACK]
    plan = plan_update(
        before,
        after,
        old_deploy=deploy_values(before, changed=False),
        new_deploy=deploy_values(after, changed=True),
    )
    return Updates(old=old, new=new, plan=plan, diffs=run_cdk_diffs(new, old, workdir))


def fates(updates: Updates, scenario: Scenario) -> dict[str, Fate]:
    """What CloudFormation does to each part of a scenario's endpoint."""
    old, new = updates.old.resources(scenario.id), updates.new.resources(scenario.id)
    return {
        part: fate_of(updates.plan, logical_id) for part, (logical_id, _) in (old | new).items()
    }


def fate_of(plan: UpdatePlan, logical_id: str) -> Fate:
    return plan.changes[logical_id].fate


# --- what CloudFormation does -------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.id)
def test_cloudformation_replaces_the_model_and_config_and_updates_the_endpoint_in_place(
    updates: Updates, scenario: Scenario
) -> None:
    done = fates(updates, scenario)
    why = updates.plan.summary()
    assert {part for part, fate in done.items() if fate is Fate.REPLACED} == scenario.replaced, why
    assert {part for part, fate in done.items() if fate is Fate.UPDATED} == scenario.updated, why
    assert {part for part, fate in done.items() if fate is Fate.ADDED} == scenario.added
    assert {part for part, fate in done.items() if fate is Fate.REMOVED} == scenario.removed
    assert done["Endpoint"] is not Fate.REPLACED


def test_no_update_replaces_an_endpoint_or_is_stuck_on_a_name(updates: Updates) -> None:
    """Across the whole stack, whatever the scenarios changed: the oracle's violations (a
    replaced custom-named resource, a name taken from a resource being deleted, a replaced
    endpoint)."""
    assert updates.plan.violations == ()
    endpoints = [
        logical_id
        for logical_id, resource in updates.new.templates[SCENARIOS_STACK]["Resources"].items()
        if resource["Type"] == ENDPOINT
    ]
    assert len(endpoints) == len(SCENARIOS)
    assert all(fate_of(updates.plan, logical_id) is not Fate.REPLACED for logical_id in endpoints)


def test_models_and_configs_carry_no_name_of_their_own(updates: Updates) -> None:
    for version in (updates.old, updates.new):
        for resource in version.templates[SCENARIOS_STACK]["Resources"].values():
            if resource["Type"] in (MODEL, CONFIG):
                assert not {"ModelName", "EndpointConfigName"} & resource["Properties"].keys()


def test_a_stale_literal_name_would_stop_the_update(updates: Updates) -> None:
    """The oracle refuses what CloudFormation refuses: the same literal name on a model that
    the update replaces (what a content hash that missed a value gave)."""
    old = copy.deepcopy(updates.old.templates[SCENARIOS_STACK])
    new = copy.deepcopy(updates.new.templates[SCENARIOS_STACK])
    logical_id, _ = updates.new.resources("ImageTag")["Model"]
    for template in (old, new):
        template["Resources"][logical_id]["Properties"]["ModelName"] = "image-tag-model"
    plan = plan_update(
        old,
        new,
        old_deploy=deploy_values(old, changed=False),
        new_deploy=deploy_values(new, changed=True),
    )
    assert [violation for violation in plan.violations if logical_id in violation]


def test_given_endpoint_name_is_used_as_is_and_none_is_generated_otherwise(
    updates: Updates,
) -> None:
    given = updates.new.resources("ImageTag")["Endpoint"][1]["Properties"]
    assert given["EndpointName"] == "image-tag"
    generated = updates.new.resources("Environment")["Endpoint"][1]["Properties"]
    assert "EndpointName" not in generated


def test_moving_to_variants_keeps_the_scalable_target_and_its_policies(updates: Updates) -> None:
    """A new scalable target for the same variant would be registered first; deleting the old
    one would then deregister the scaling."""
    prefix = f"{SCENARIOS_STACK}/ToVariants/InstanceCount"
    versions = []
    for version in (updates.old, updates.new):
        resources = version.templates[SCENARIOS_STACK]["Resources"]
        versions.append(
            {
                logical_id
                for logical_id, resource in resources.items()
                if resource.get("Metadata", {}).get("aws:cdk:path", "").startswith(prefix)
            }
        )
    old, new = versions
    assert old == new
    assert any(
        updates.old.templates[SCENARIOS_STACK]["Resources"][logical_id]["Type"]
        == "AWS::ApplicationAutoScaling::ScalableTarget"
        for logical_id in old
    )
    assert {fate_of(updates.plan, logical_id) for logical_id in old} <= {
        Fate.UNCHANGED,
        Fate.UPDATED,
    }
    assert not [
        path
        for path in updates.diffs[SCENARIOS_STACK].resources
        if path.startswith("ToVariants/InstanceCount")
    ]


def test_moving_a_variant_to_a_shared_model_replaces_only_what_it_must(updates: Updates) -> None:
    """The shared model is added; the endpoint's role stays, its policy is updated in place
    (attached to the model's role too, without the pull of the moved variant's image)."""
    fates_by_path: dict[str, set[Fate]] = {}
    for version in (updates.old, updates.new):
        for logical_id, resource in version.templates[SCENARIOS_STACK]["Resources"].items():
            path = resource.get("Metadata", {}).get("aws:cdk:path", "")
            for prefix in ("Shared/Pipeline/", "ToSharedModel/"):
                if path.startswith(f"{SCENARIOS_STACK}/{prefix}"):
                    part = path.removeprefix(f"{SCENARIOS_STACK}/")
                    fates_by_path.setdefault(part, set()).add(fate_of(updates.plan, logical_id))
    assert {
        part: fates for part, fates in fates_by_path.items() if part.startswith("Shared/Pipeline/")
    } == {
        "Shared/Pipeline/Role/Resource": {Fate.ADDED},
        "Shared/Pipeline/ExecutionPolicy/Resource": {Fate.ADDED},
        "Shared/Pipeline/Resource": {Fate.ADDED},
    }
    assert fates_by_path["ToSharedModel/Role/Resource"] == {Fate.UNCHANGED}
    assert fates_by_path["ToSharedModel/ExecutionPolicy/Resource"] == {Fate.UPDATED}
    assert fates_by_path["ToSharedModel/Model-champion"] == {Fate.UNCHANGED}


def test_a_late_value_is_written_as_set_after_the_construct(updates: Updates) -> None:
    """A `Lazy` is read when the template is written, never earlier."""
    text = json.dumps(updates.new.templates[SCENARIOS_STACK])
    for name in ("image", "uncached-image"):
        assert LATE_VALUES[name][1] in text, name
    _, config = updates.new.resources("LazyCount")["EndpointConfig"]
    assert config["Properties"]["ProductionVariants"][0]["InitialInstanceCount"] == 2


def test_a_stack_deployed_with_release_0_2_0_updates_once_in_place() -> None:
    """Upgrading: the content-hashed names of 0.2.0 go, so the models and the configs are
    replaced under generated names, and the endpoints are updated in place to them."""
    old = json.loads(UPGRADE_TEMPLATE.read_text())
    new = build_app(cdk.App()).synth().get_stack_by_name("MceSampleStack").template
    plan = plan_update(old, new)
    assert plan.violations == ()
    by_type: dict[str, set[Fate]] = {}
    for logical_id, resource in old["Resources"].items():
        by_type.setdefault(resource["Type"], set()).add(fate_of(plan, logical_id))
    assert by_type[MODEL] == by_type[CONFIG] == {Fate.REPLACED}
    assert by_type[ENDPOINT] == {Fate.UPDATED}


# --- the cdk CLI ------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.id)
def test_cdk_diff_shows_each_change_as_the_oracle_judges_it(
    updates: Updates, scenario: Scenario
) -> None:
    """`cdk diff` compares templates: it shows every resource whose own properties changed, and
    a config whose model it replaces (`"RecommenderModelA6EE6CE4(replaced)"` in its
    `Fn::GetAtt`), each as the oracle judges it; not a value decided at deploy time."""
    diff = updates.diffs[SCENARIOS_STACK]
    parts = updates.old.resources(scenario.id) | updates.new.resources(scenario.id)
    shown = {
        path.removeprefix(f"{scenario.id}/"): change
        for path, change in diff.resources.items()
        if path.removeprefix(f"{scenario.id}/") in parts
    }
    as_shown = {
        Fate.REPLACED: "~ replace",
        Fate.UPDATED: "~",
        Fate.ADDED: "+",
        Fate.REMOVED: "- destroy",
    }
    judged = {
        part: as_shown.get(fate_of(updates.plan, logical_id))
        for part, (logical_id, _) in parts.items()
    }
    assert {part: judged[part] for part in shown} == shown, diff.output
    old = updates.old.templates[SCENARIOS_STACK]["Resources"]
    new = updates.new.templates[SCENARIOS_STACK]["Resources"]
    changed = {
        part
        for part, (logical_id, _) in parts.items()
        if _properties(old, logical_id) != _properties(new, logical_id)
    }
    assert changed <= shown.keys(), diff.output


def _properties(resources: Mapping[str, Any], logical_id: str) -> Any:
    return resources.get(logical_id, {}).get("Properties")


def test_cdk_diff_shows_the_unrelated_resources_but_never_replaces_an_endpoint(
    updates: Updates,
) -> None:
    diff = updates.diffs[SCENARIOS_STACK]
    assert diff.resources["Archive"] == "- orphan"  # a bucket is retained
    assert diff.resources["Reports"] == "+"
    endpoint_lines = [line for line in diff.output.splitlines() if f" {ENDPOINT} " in line]
    assert not [line for line in endpoint_lines if "replace" in line or "destroy" in line]


def test_cdk_diff_of_a_resynthesis_shows_no_differences(updates: Updates) -> None:
    assert updates.new.templates[RESYNTH_STACK] == updates.old.templates[RESYNTH_STACK]
    diff = updates.diffs[RESYNTH_STACK]
    assert "There were no differences" in diff.output
    assert diff.resources == {}
