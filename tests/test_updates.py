"""Updates: synthesize a base version, change one thing, synthesize again, and check with the
real `cdk diff` (offline, against the old template) and with the create-only property lists of
the CloudFormation schemas in cfn-lint, that the model and the endpoint config are replaced under
new names exactly when their content changes, and the endpoint is only ever updated in place.

Every scenario is one endpoint in the stack "Scenarios": the old app builds each one's base
version, the new app its changed version, so one `cdk diff` covers them all.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cfnlint
import jsii
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IConstruct

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
    RoutingStrategy,
    VariantDefinition,
)
from mce_constructs._naming import (
    NAME_MAX_LENGTH,
    NAME_PATTERN,
    UPDATABLE_PROPERTIES,
    content_hash,
    find_values,
    physical_name,
)
from mce_constructs._naming import create_only_properties as create_only_in_package

from .conftest import REGISTRY, REPO, Template, offline_prefix

CDK = REPO / "node_modules" / ".bin" / "cdk"
SCENARIOS_STACK = "Scenarios"
RESYNTH_STACK = "Resynth"
MODEL = "AWS::SageMaker::Model"
CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT = "AWS::SageMaker::Endpoint"
PARTS = (MODEL, CONFIG, ENDPOINT)
NAME_PROPERTIES = {MODEL: "ModelName", CONFIG: "EndpointConfigName"}


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
    late_image: LateValue
    """The value of a `Lazy` image, set after the constructs are created."""

    @staticmethod
    def create(stack: cdk.Stack, *, changed: bool) -> Shared:
        scope = Construct(stack, "Shared")
        principal = iam.ServicePrincipal("sagemaker.amazonaws.com")
        version = "green" if changed else "blue"
        vpc = ec2.Vpc.from_vpc_attributes(
            scope,
            "Vpc",
            vpc_id="vpc-0123456789abcdef0",
            availability_zones=["us-east-1a", "us-east-1b"],
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
            late_image=LateValue(),
        )


@jsii.implements(cdk.IStableStringProducer)
class LateValue:
    """A value known only after the constructs are created (read when the template is written)."""

    def __init__(self) -> None:
        self.value: str | None = None

    def produce(self) -> str | None:
        return self.value

    def as_string(self) -> str:
        return cdk.Lazy.string(self)


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
ODD_ID = "Modèle_de_recommandation_推荐_" * 4 + " (v2)"
"""A long construct id with accents, CJK, underscores, spaces and parentheses."""
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
    a deploy replaces."""
    updated: frozenset[str] = field(default_factory=lambda: frozenset({"Endpoint"}))
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    base: Callable[[Shared], Options] = lambda _: BASE
    after: Callable[[MultiContainerEndpoint], None] | None = None
    """A change made in the new version after the construct is created."""

    def options(self, shared: Shared, *, changed: bool) -> Options:
        return {**self.base(shared), **(self.change(shared) if changed else {})}


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
    """A variant setting changed: only the endpoint config is replaced."""
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
    Scenario(
        "LazyImage",
        base=lambda shared: {
            "containers": [ContainerDefinition(image=shared.late_image.as_string())]
        },
        change=lambda _: {},
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "EscapeHatch",
        change=lambda _: {},
        after=lambda endpoint: endpoint.model.add_property_override(
            "Containers.1.Environment", {"EXTRA": "1"}
        ),
        replaced=REPLACED_BOTH,
    ),
    Scenario(
        "Aspect",
        change=lambda _: {},
        after=lambda endpoint: cdk.Aspects.of(endpoint).add(SetEnvironment()),
        replaced=REPLACED_BOTH,
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
            if changed and scenario.after is not None:
                scenario.after(self.endpoints[scenario.id])
        shared.late_image.value = f"{REGISTRY}/late:{2 if changed else 1}"
        # An unrelated resource is removed from the stack, another one added.
        s3.Bucket(stack, "Reports" if changed else "Archive")
        # Copies of the unchanged endpoint: in a stack of its own, re-synthesized as it was ...
        self.resynthesized = MultiContainerEndpoint(
            cdk.Stack(app, RESYNTH_STACK), "Unchanged", **BASE
        )
        # ... in a nested stack of a root stack deployed under another name in each version ...
        root = cdk.Stack(app, "Root", stack_name="root-green" if changed else "root-blue")
        self.nested = MultiContainerEndpoint(cdk.NestedStack(root, "Nested"), "Unchanged", **BASE)
        if changed:
            # ... and at another path of the same stack, and in a stage.
            team = Construct(stack, "Team")
            self.elsewhere = MultiContainerEndpoint(team, "Unchanged", **BASE)
            self.odd_id = MultiContainerEndpoint(team, ODD_ID, **BASE)
            staged = cdk.Stack(cdk.Stage(app, "Prod"), SCENARIOS_STACK)
            self.staged = MultiContainerEndpoint(staged, "Unchanged", **BASE)
        assembly = app.synth()
        self.outdir = outdir
        self.templates: dict[str, Template] = {
            name: assembly.get_stack_by_name(name).template
            for name in (SCENARIOS_STACK, RESYNTH_STACK)
        }

    def logical_id(self, construct: IConstruct) -> str:
        """The logical id of a construct's CloudFormation resource in the scenarios' stack."""
        element = construct.node.default_child
        assert isinstance(element, cdk.CfnElement)
        return str(cdk.Stack.of(element).resolve(element.logical_id))

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
    diffs: dict[str, CliDiff]


@pytest.fixture(scope="module")
def updates(tmp_path_factory: pytest.TempPathFactory) -> Updates:
    workdir = tmp_path_factory.mktemp("updates")
    old = Version(workdir / "old", changed=False)
    new = Version(workdir / "new", changed=True)
    return Updates(old=old, new=new, diffs=run_cdk_diffs(new, old, workdir))


@cache
def _schema(resource_type: str) -> dict[str, Any]:
    """The CloudFormation resource schema cfn-lint ships for `resource_type`."""
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    files = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    schema: dict[str, Any] = json.loads(
        (schemas / "resources" / f"{files[resource_type]}.json").read_text()
    )
    return schema


def create_only_properties(resource_type: str) -> set[str]:
    """Top-level properties whose change replaces the resource."""
    return {
        pointer.split("/")[2] for pointer in _schema(resource_type).get("createOnlyProperties", [])
    }


def changed_properties(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    before, after = old.get("Properties", {}), new.get("Properties", {})
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.id)
def test_names_change_exactly_when_their_resource_is_replaced(
    updates: Updates, scenario: Scenario
) -> None:
    """The names in the templates (what CloudFormation sees, whatever changed them)."""
    old, new = updates.old.resources(scenario.id), updates.new.resources(scenario.id)
    assert {part for part in old.keys() & new.keys() if part != "Endpoint"}
    for part in old.keys() & new.keys():
        name_property = NAME_PROPERTIES.get(new[part][1]["Type"])
        if name_property is not None:
            before = old[part][1]["Properties"][name_property]
            after = new[part][1]["Properties"][name_property]
            assert (before != after) == (part in scenario.replaced), part


def test_names_read_from_the_construct_are_the_template_names(updates: Updates) -> None:
    """Plain strings, except where the template is written with a value read later (a `Lazy`)
    or the resource is changed after the construct (then a warning says the name read before
    is out of date)."""
    for scenario in SCENARIOS:
        endpoint = updates.new.endpoints[scenario.id]
        _, model = updates.new.resources(scenario.id)[endpoint.model.node.id]
        stack = cdk.Stack.of(endpoint)
        if scenario.id == "LazyImage":
            assert stack.resolve(endpoint.model_name) == model["Properties"]["ModelName"]
        elif scenario.after is None:
            assert endpoint.model_name == model["Properties"]["ModelName"], scenario.id
        else:
            assert endpoint.model_name != model["Properties"]["ModelName"], scenario.id


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.id)
def test_endpoint_keeps_its_logical_id_and_name(updates: Updates, scenario: Scenario) -> None:
    old_id, old_endpoint = updates.old.resources(scenario.id)["Endpoint"]
    new_id, new_endpoint = updates.new.resources(scenario.id)["Endpoint"]
    assert new_id == old_id
    assert new_endpoint["Properties"].get("EndpointName") == old_endpoint["Properties"].get(
        "EndpointName"
    )


def test_given_endpoint_name_is_used_as_is_and_none_is_generated_otherwise(
    updates: Updates,
) -> None:
    given = updates.new.resources("ImageTag")["Endpoint"][1]["Properties"]
    assert given["EndpointName"] == "image-tag"
    generated = updates.new.resources("Environment")["Endpoint"][1]["Properties"]
    assert "EndpointName" not in generated


def test_names_hash_exactly_the_templates_create_only_properties(updates: Updates) -> None:
    """Each name is the hash of its resource's properties as written to the template (without
    the name and the in-place Tags), the create-only properties of the resources of the
    template they refer to, the stack name and the resource's construct path. (The names of
    resources changed by an escape hatch also hash the overrides: not checked here.)"""
    template = updates.new.templates[SCENARIOS_STACK]["Resources"]
    overridden = {f"{SCENARIOS_STACK}/{s.id}/" for s in SCENARIOS if s.after is not None}
    checked = 0
    for resource in template.values():
        name_property = NAME_PROPERTIES.get(resource["Type"])
        path = resource.get("Metadata", {}).get("aws:cdk:path", "")
        if name_property is None or any(path.startswith(prefix) for prefix in overridden):
            continue
        properties = dict(resource["Properties"])
        name = properties.pop(name_property)
        construct_id = path.split("/")[-2]
        digest = content_hash(
            stack_name=SCENARIOS_STACK,
            path=path,
            properties=properties,
            references=template_references(template, properties),
        )
        assert name == physical_name(construct_id, digest), path
        checked += 1
    named = [
        part
        for scenario in SCENARIOS
        if scenario.after is None
        for part, (_, resource) in updates.new.resources(scenario.id).items()
        if resource["Type"] in NAME_PROPERTIES
    ]
    assert checked == len(named) + 2 * 2  # and the model and config of each copy in "Team"


def template_references(template: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """The create-only properties (per the schemas) of the template's resources that
    `properties` refer to, directly or through them, for those that have some."""
    references: dict[str, Any] = {}
    pending = set(find_values(properties).logical_ids)
    while pending:
        resource = template.get(pending.pop())
        if resource is None:
            continue
        create_only = create_only_properties(resource["Type"])
        values = {
            key: value
            for key, value in resource.get("Properties", {}).items()
            if key in create_only
        }
        logical_id = next(key for key, value in template.items() if value is resource)
        if values and logical_id not in references:
            references[logical_id] = {"Type": resource["Type"], "Properties": values}
            pending |= find_values(values).logical_ids
    return references


def test_a_replaced_role_is_in_the_hash_of_the_model_that_refers_to_it(updates: Updates) -> None:
    template = updates.new.templates[SCENARIOS_STACK]["Resources"]
    _, model = updates.new.resources("RoleReplaced")["Model"]
    assert template_references(template, model["Properties"]) == {
        updates.new.logical_id(updates.new.shared.named_role): {
            "Type": "AWS::IAM::Role",
            "Properties": {"RoleName": "mce-role-green"},
        }
    }


def test_an_odd_construct_id_gives_valid_names(updates: Updates) -> None:
    endpoint = updates.new.odd_id
    for name in (endpoint.model_name, endpoint.endpoint_config_name):
        assert NAME_PATTERN.fullmatch(name), name
        assert len(name) == NAME_MAX_LENGTH
        assert name.rsplit("-", 1)[0] == "Mod-le-de-recommandation-Mod-le-de-recommandat"


def test_the_packaged_create_only_table_is_the_schemas() -> None:
    """The table the namer follows references with (no cfn-lint at run time) is cfn-lint's."""
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    types = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    assert len(types) > 1000
    for resource_type in types:
        assert create_only_in_package(resource_type) == frozenset(
            create_only_properties(resource_type)
        )
    assert create_only_in_package("Custom::Anything") is None


def test_hashed_properties_are_exactly_the_create_only_ones_in_the_schemas() -> None:
    for resource_type in (MODEL, CONFIG):
        schema = _schema(resource_type)
        read_only = {pointer.split("/")[2] for pointer in schema["readOnlyProperties"]}
        in_place = set(schema["properties"]) - create_only_properties(resource_type) - read_only
        assert in_place == UPDATABLE_PROPERTIES, resource_type


def test_identical_endpoints_elsewhere_get_names_of_their_own(updates: Updates) -> None:
    copies = [
        updates.new.endpoints["Unchanged"],
        updates.new.elsewhere,  # another path in the same stack
        updates.new.resynthesized,  # another stack
        updates.new.staged,  # the same stack id in a stage
        updates.new.nested,  # a nested stack
        updates.old.nested,  # the same nested stack under another root stack name
    ]
    model_names = {copy.model_name for copy in copies}
    config_names = {copy.endpoint_config_name for copy in copies}
    assert len(model_names) == len(config_names) == len(copies)
    assert all(name.startswith("Unchanged-") for name in model_names | config_names)


def test_a_fixed_endpoint_has_a_pinned_name(updates: Updates) -> None:
    """Fails on any change to what is hashed or how: every deployed endpoint would update."""
    endpoint = updates.old.resynthesized
    assert (endpoint.model_name, endpoint.endpoint_config_name) == (
        "Unchanged-edeaf66f05659475",
        "Unchanged-b1e073600a236c77",
    )


# --- CloudFormation schemas -------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.id)
def test_schemas_replace_what_was_renamed_and_update_the_endpoint_in_place(
    updates: Updates, scenario: Scenario
) -> None:
    old, new = updates.old.resources(scenario.id), updates.new.resources(scenario.id)
    replaced: set[str] = set()
    updated: set[str] = set()
    for part in old.keys() & new.keys():
        new_resource = new[part][1]
        changed = changed_properties(old[part][1], new_resource)
        if changed & create_only_properties(new_resource["Type"]):
            replaced.add(part)
        elif changed:
            updated.add(part)
    assert replaced == scenario.replaced
    assert updated == scenario.updated
    assert new.keys() - old.keys() == scenario.added
    assert old.keys() - new.keys() == scenario.removed
    assert "Endpoint" not in replaced


def test_schemas_never_replace_an_endpoint_or_an_unchanged_resource(updates: Updates) -> None:
    """Across the whole stack: endpoints are never replaced and nothing else is touched than the
    scenarios' changes and the unrelated resources that were removed and added."""
    old = updates.old.templates[SCENARIOS_STACK]["Resources"]
    new = updates.new.templates[SCENARIOS_STACK]["Resources"]
    endpoints = [
        (old[logical_id], resource)
        for logical_id, resource in new.items()
        if resource["Type"] == ENDPOINT and logical_id in old
    ]
    assert len(endpoints) == len(SCENARIOS)
    assert not any(
        changed_properties(before, after) & create_only_properties(ENDPOINT)
        for before, after in endpoints
    )
    unchanged = updates.new.resources("Unchanged")
    assert all(old[logical_id] == resource for logical_id, resource in unchanged.values())


# --- the cdk CLI ------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.id)
def test_cdk_diff_replaces_what_was_renamed_and_updates_the_endpoint_in_place(
    updates: Updates, scenario: Scenario
) -> None:
    diff = updates.diffs[SCENARIOS_STACK]
    parts = updates.old.resources(scenario.id).keys() | updates.new.resources(scenario.id).keys()
    shown = {
        path.removeprefix(f"{scenario.id}/"): change
        for path, change in diff.resources.items()
        if path.removeprefix(f"{scenario.id}/") in parts
    }
    expected = (
        dict.fromkeys(scenario.replaced, "~ replace")
        | dict.fromkeys(scenario.updated, "~")
        | dict.fromkeys(scenario.added, "+")
        | dict.fromkeys(scenario.removed, "- destroy")
    )
    assert shown == expected, diff.output


def test_cdk_diff_shows_the_unrelated_resources_but_never_replaces_an_endpoint(
    updates: Updates,
) -> None:
    diff = updates.diffs[SCENARIOS_STACK]
    assert diff.resources["Archive"] == "- orphan"  # a bucket is retained
    assert diff.resources["Reports"] == "+"
    copies = {path: change for path, change in diff.resources.items() if path.startswith("Team/")}
    assert {
        f"Team/Unchanged/{part}" for part in ("Role", "Model", "EndpointConfig", "Endpoint")
    } < set(copies)
    assert set(copies.values()) == {"+"}
    endpoint_lines = [line for line in diff.output.splitlines() if f" {ENDPOINT} " in line]
    assert endpoint_lines
    assert not [line for line in endpoint_lines if "replace" in line or "destroy" in line]


def test_cdk_diff_of_a_resynthesis_shows_no_differences(updates: Updates) -> None:
    assert updates.new.templates[RESYNTH_STACK] == updates.old.templates[RESYNTH_STACK]
    diff = updates.diffs[RESYNTH_STACK]
    assert "There were no differences" in diff.output
    assert diff.resources == {}
