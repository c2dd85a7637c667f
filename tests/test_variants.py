"""A/B production variants: one model per variant, one config listing them, one endpoint; the
variant settings in both forms; `endpoint.variant(name)` with its model, autoscaling and
metrics; grants and per-container metrics across variants."""

from __future__ import annotations

import json
import re
from typing import Any

import aws_cdk as cdk
import aws_cdk.cx_api as cxapi
import jsii
import pytest
from aws_cdk import aws_iam as iam

from mce_constructs import (
    ContainerDefinition,
    EndpointVariant,
    InvocationMode,
    MceValidationError,
    MultiContainerEndpoint,
    RoutingStrategy,
    VariantDefinition,
)
from mce_constructs.scaling import (
    INSTANCE_TYPE_WARNING_ID,
    UNSCALED_VARIANTS_WARNING_ID,
    unscaled_variants_warning,
)

from ._service_model import api_parameters, botocore_validate
from .conftest import (
    REGISTRY,
    REPO,
    Template,
    assert_lint_clean,
    containers,
    logical_id,
    properties_of,
    resource_schema,
    resources_of_type,
)

SERIAL = containers("fraud-pre", "fraud-xgb")
SCORERS = [
    ContainerDefinition(image=f"{REGISTRY}/scorer:2", container_hostname="scorer"),
    ContainerDefinition(image=f"{REGISTRY}/explainer:2", container_hostname="explainer"),
]
RANKERS = [
    ContainerDefinition(image=f"{REGISTRY}/scorer:3", container_hostname="scorer"),
    ContainerDefinition(image=f"{REGISTRY}/ranker:1", container_hostname="ranker"),
]
SETTINGS: dict[str, Any] = {
    "volume_size": cdk.Size.gibibytes(64),
    "model_data_download_timeout": cdk.Duration.minutes(20),
    "container_startup_health_check_timeout": cdk.Duration.minutes(5),
    "routing_strategy": RoutingStrategy.LEAST_OUTSTANDING_REQUESTS,
    "enable_ssm_access": True,
}
RENDERED_SETTINGS = {
    "VolumeSizeInGB": 64,
    "ModelDataDownloadTimeoutInSeconds": 1200,
    "ContainerStartupHealthCheckTimeoutInSeconds": 300,
    "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
    "EnableSSMAccess": True,
}


def ab_variants(*, reverse: bool = False) -> list[VariantDefinition]:
    variants = [
        VariantDefinition(
            name="champion",
            containers=SERIAL,
            instance_type="ml.c5.xlarge",
            initial_instance_count=2,
            initial_weight=90,
            **SETTINGS,
        ),
        VariantDefinition(
            name="challenger", containers=SCORERS, mode=InvocationMode.DIRECT, initial_weight=10
        ),
    ]
    return variants[::-1] if reverse else variants


class Built:
    """Every scenario in one stack, synthesized once for the module."""

    def __init__(self) -> None:
        app = cdk.App()
        stack = self.stack = cdk.Stack(app, "Variants")
        self.ab = MultiContainerEndpoint(
            stack, "Fraud", endpoint_name="fraud", variants=ab_variants()
        )
        challenger = self.ab.variant("challenger").auto_scale_instance_count(max_capacity=4)
        challenger.scale_on_invocations(invocations_per_instance=100)
        self.ab.variant("champion").auto_scale_instance_count(min_capacity=2, max_capacity=6)
        self.twins = MultiContainerEndpoint(
            stack,
            "Twins",
            endpoint_name="twins",
            variants=[
                VariantDefinition(name="blue", containers=SCORERS, mode=InvocationMode.DIRECT),
                VariantDefinition(name="green", containers=RANKERS, mode=InvocationMode.DIRECT),
            ],
        )
        self.single = MultiContainerEndpoint(
            stack, "Single", containers=SERIAL, variant_name="Blue", **SETTINGS
        )
        self.single_scaling = self.single.variant("Blue").auto_scale_instance_count(max_capacity=3)
        self.one = MultiContainerEndpoint(
            stack, "One", variants=[VariantDefinition(name="only", containers=SERIAL)]
        )

        self.client = iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal())
        self.ab.grant_invoke(self.client, container_hostname="explainer")
        self.twins.grant_invoke(self.client, container_hostname="scorer")
        self.artifact = app.synth().get_stack_by_name("Variants")
        self.template: Template = self.artifact.template


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def role_arn(endpoint: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [f"{endpoint}Role", "Arn"]}


def model_name_of(variant: EndpointVariant) -> dict[str, Any]:
    """How the endpoint config names a variant's model: the name CloudFormation generates."""
    return {"Fn::GetAtt": [logical_id(variant.model), "ModelName"]}


def test_each_variant_has_a_model_of_its_own(built: Built) -> None:
    champion, challenger = built.ab.variant("champion"), built.ab.variant("challenger")
    assert properties_of(built.template, champion.model) == {
        "Containers": [
            {"Image": f"{REGISTRY}/fraud-pre:1"},
            {"Image": f"{REGISTRY}/fraud-xgb:1"},
        ],
        "ExecutionRoleArn": {"Fn::GetAtt": [logical_id(built.ab.role), "Arn"]},
        "InferenceExecutionConfig": {"Mode": "Serial"},
    }
    assert properties_of(built.template, challenger.model) == {
        "Containers": [
            {"ContainerHostname": "scorer", "Image": f"{REGISTRY}/scorer:2"},
            {"ContainerHostname": "explainer", "Image": f"{REGISTRY}/explainer:2"},
        ],
        "ExecutionRoleArn": {"Fn::GetAtt": [logical_id(built.ab.role), "Arn"]},
        "InferenceExecutionConfig": {"Mode": "Direct"},
    }
    assert built.stack.resolve([champion.model_name, challenger.model_name]) == [
        {"Fn::GetAtt": [logical_id(variant.model), "ModelName"]}
        for variant in (champion, challenger)
    ]
    assert len(resources_of_type(built.template, "AWS::SageMaker::Model")) == 6
    assert len(resources_of_type(built.template, "AWS::SageMaker::EndpointConfig")) == 4
    assert len(resources_of_type(built.template, "AWS::SageMaker::Endpoint")) == 4


def test_one_config_lists_every_variant_with_its_model_weight_and_settings(built: Built) -> None:
    config = properties_of(built.template, built.ab.endpoint_config)
    assert config == {
        "ProductionVariants": [
            {
                "VariantName": "champion",
                "ModelName": model_name_of(built.ab.variant("champion")),
                "InstanceType": "ml.c5.xlarge",
                "InitialInstanceCount": 2,
                "InitialVariantWeight": 90,
                **RENDERED_SETTINGS,
            },
            {
                "VariantName": "challenger",
                "ModelName": model_name_of(built.ab.variant("challenger")),
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
                "InitialVariantWeight": 10,
            },
        ],
    }


def test_one_endpoint_keeps_scaled_counts_and_applies_weights(built: Built) -> None:
    assert properties_of(built.template, built.ab.endpoint) == {
        "EndpointConfigName": {
            "Fn::GetAtt": [logical_id(built.ab.endpoint_config), "EndpointConfigName"]
        },
        "EndpointName": "fraud",
        "RetainAllVariantProperties": True,
        "ExcludeRetainedVariantProperties": [{"VariantPropertyType": "DesiredWeight"}],
    }
    assert "RetainAllVariantProperties" not in properties_of(built.template, built.twins.endpoint)


def test_the_single_variant_form_renders_the_variant_settings(built: Built) -> None:
    (variant,) = properties_of(built.template, built.single.endpoint_config)["ProductionVariants"]
    assert variant == {
        "VariantName": "Blue",
        "ModelName": model_name_of(built.single.variant("Blue")),
        "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 1,
        "InitialVariantWeight": 1,
        **RENDERED_SETTINGS,
    }


def test_child_ids_keep_the_single_variant_form_and_follow_variant_names(built: Built) -> None:
    def children(endpoint: MultiContainerEndpoint) -> list[str]:
        return sorted(
            child.node.id
            for child in endpoint.node.children
            if child.node.id.startswith(("Model", "InstanceCount"))
        )

    assert children(built.single) == ["InstanceCount", "Model"]
    assert built.single.variant("Blue").model is built.single.model
    assert children(built.ab) == [
        "InstanceCount-challenger",
        "InstanceCount-champion",
        "Model-challenger",
        "Model-champion",
    ]
    assert children(built.one) == ["Model-only"]
    assert built.ab.model is built.ab.variant("champion").model
    assert built.ab.model_name == built.ab.variant("champion").model_name
    assert [variant.variant_name for variant in built.ab.variants] == ["champion", "challenger"]
    assert all(isinstance(variant, EndpointVariant) for variant in built.ab.variants)
    assert built.ab.variant_name == "champion"
    assert built.ab.mode is None  # the variants' modes differ
    assert built.one.mode is InvocationMode.SERIAL


@jsii.implements(cdk.IStableStringProducer)
class _Blue:
    """A variant name that is a token (`Lazy.string`)."""

    def produce(self) -> str:
        return "blue"


def test_a_variant_named_by_a_token_has_ids_that_no_variant_name_gives() -> None:
    """Its ids end with `[<index>]`, not `-<index>`: beside it, a variant named "0" keeps its
    `Model-0` (found by the sweep: both were `Model-0`)."""
    app = cdk.App()
    stack = cdk.Stack(app, "Tokens")
    endpoint = MultiContainerEndpoint(
        stack,
        "Fraud",
        variants=[
            VariantDefinition(name=cdk.Lazy.string(_Blue()), containers=SERIAL),
            VariantDefinition(name="0", containers=SCORERS, mode=InvocationMode.DIRECT),
        ],
    )
    endpoint.variants[0].auto_scale_instance_count(max_capacity=2)
    ids = [child.node.id for child in endpoint.node.children]
    assert sorted(i for i in ids if i.startswith(("Model", "InstanceCount"))) == [
        "InstanceCount[0]",
        "Model-0",
        "Model[0]",
    ]
    template = app.synth().get_stack_by_name("Tokens").template
    assert len(resources_of_type(template, "AWS::SageMaker::Model")) == 2
    variants = properties_of(template, endpoint.endpoint_config)["ProductionVariants"]
    assert [variant["VariantName"] for variant in variants] == ["blue", "0"]


def test_reordering_the_variants_keeps_every_model() -> None:
    """Logical ids follow the variant names, not their positions: only the config (whose
    list of variants changed order) is replaced."""

    def synthesize(*, reverse: bool) -> tuple[MultiContainerEndpoint, Template]:
        app = cdk.App()
        stack = cdk.Stack(app, "Variants")
        endpoint = MultiContainerEndpoint(stack, "Fraud", variants=ab_variants(reverse=reverse))
        return endpoint, app.synth().get_stack_by_name("Variants").template

    (before, old), (after, new) = synthesize(reverse=False), synthesize(reverse=True)
    models = resources_of_type(old, "AWS::SageMaker::Model")
    assert models == resources_of_type(new, "AWS::SageMaker::Model")
    assert properties_of(old, before.endpoint_config) != properties_of(new, after.endpoint_config)


def test_each_variant_scales_on_its_own(built: Built) -> None:
    targets = resources_of_type(built.template, "AWS::ApplicationAutoScaling::ScalableTarget")
    paths = {
        logical_id(construct): construct.node.path
        for construct in built.stack.node.find_all()
        if isinstance(construct, cdk.CfnResource)
    }
    found = {
        paths[logical_id]: (
            target["Properties"]["ResourceId"],
            target["Properties"]["MinCapacity"],
            target["Properties"]["MaxCapacity"],
            target.get("DependsOn"),
        )
        for logical_id, target in targets.items()
    }
    generated_name = {"Fn::GetAtt": [logical_id(built.single.endpoint), "EndpointName"]}
    assert found == {
        "Variants/Fraud/InstanceCount-challenger/Target/Resource": (
            "endpoint/fraud/variant/challenger",
            1,
            4,
            [logical_id(built.ab.endpoint)],
        ),
        "Variants/Fraud/InstanceCount-champion/Target/Resource": (
            "endpoint/fraud/variant/champion",
            2,
            6,
            [logical_id(built.ab.endpoint)],
        ),
        # A generated name is a reference to the endpoint: no DependsOn is needed.
        "Variants/Single/InstanceCount/Target/Resource": (
            {"Fn::Join": ["", ["endpoint/", generated_name, "/variant/Blue"]]},
            1,
            3,
            None,
        ),
    }
    # The scalable attribute is where the scalable target was: its target keeps the logical id.
    assert built.single_scaling.node.path == "Variants/Single/InstanceCount"
    assert built.single_scaling.scalable_target.node.path == "Variants/Single/InstanceCount/Target"


def test_every_scaled_variant_warns_how_to_change_its_instance_type(built: Built) -> None:
    warnings = [
        (message.id, str(message.entry.data))
        for message in built.artifact.messages
        if message.level is cxapi.SynthesisMessageLevel.WARNING
    ]
    assert [(path, text.split(":")[0]) for path, text in warnings] == [
        ("/Variants/Fraud", "Autoscaling is on for variant 'challenger'"),
        ("/Variants/Fraud", "Autoscaling is on for variant 'champion'"),
        ("/Variants/Single", "Autoscaling is on for variant 'Blue'"),
    ]
    assert all(text.endswith(f"[ack: {INSTANCE_TYPE_WARNING_ID}]") for _, text in warnings)


def test_an_endpoint_that_scales_some_variants_warns_of_the_others(built: Built) -> None:
    """RetainAllVariantProperties keeps every variant's count: the unscaled ones' changed
    initial_instance_count is not applied. An endpoint that scales all of them does not warn
    (`built.ab`)."""
    app = cdk.App()
    stack = cdk.Stack(app, "Mixed")
    mixed = MultiContainerEndpoint(
        stack,
        "Mixed",
        variants=[
            VariantDefinition(name=name, containers=SERIAL)
            for name in ("scaled", "fixed", "fixed-too")
        ],
    )
    mixed.variant("scaled").auto_scale_instance_count(max_capacity=2)
    messages = app.synth().get_stack_by_name("Mixed").messages
    unscaled = [
        (message.id, str(message.entry.data))
        for message in [*messages, *built.artifact.messages]
        if UNSCALED_VARIANTS_WARNING_ID in str(message.entry.data)
    ]
    assert unscaled == [
        (
            "/Mixed/Mixed",
            f"{unscaled_variants_warning(['fixed', 'fixed-too'])} "
            f"[ack: {UNSCALED_VARIANTS_WARNING_ID}]",
        )
    ]
    assert mixed.variant("scaled").scaling is not None
    assert mixed.variant("fixed").scaling is None


def test_variant_metrics_name_their_variant(built: Built) -> None:
    challenger = built.ab.variant("challenger")
    assert dimensions(challenger.metric_invocations()) == {
        "EndpointName": "fraud",
        "VariantName": "challenger",
    }
    assert dimensions(challenger.metric_container_latency("scorer")) == {
        "EndpointName": "fraud",
        "VariantName": "challenger",
        "ContainerName": "scorer",
    }
    # The endpoint's own per-container metrics find the variant that has the container.
    assert dimensions(built.ab.metric_container_invocations("explainer")) == {
        "EndpointName": "fraud",
        "VariantName": "challenger",
        "ContainerName": "explainer",
    }
    assert dimensions(built.twins.metric_container_invocations("ranker"))["VariantName"] == "green"
    # Its other metrics cover every variant (tests/test_metrics.py).


def dimensions(metric: Any) -> dict[str, Any]:
    found: dict[str, Any] = metric.dimensions
    return found


def refused(call: Any) -> list[str]:
    with pytest.raises(MceValidationError) as caught:
        call()
    return [str(problem) for problem in caught.value.problems]


def test_per_container_calls_must_name_a_container_of_the_right_variant(built: Built) -> None:
    assert refused(lambda: built.twins.metric_container_invocations("scorer")) == [
        "metric.container_hostname: 'scorer' is a container of variants 'blue' and 'green'; "
        "name the variant with endpoint.variant(name)"
    ]
    assert refused(lambda: built.ab.metric_container_invocations("ranker")) == [
        "metric.container_hostname: 'ranker' is not a container of this endpoint's Direct-mode "
        "variants ('scorer', 'explainer')"
    ]
    assert refused(lambda: built.ab.variant("champion").metric_container_invocations("scorer")) == [
        "metric.container_hostname: 'scorer' names a container, but this endpoint is a Serial "
        "pipeline; only a Direct-mode endpoint invokes its containers by hostname"
    ]
    assert refused(lambda: built.ab.variant("nobody")) == [
        "variant: 'nobody' is not a production variant of this endpoint ('champion', 'challenger')"
    ]
    assert refused(lambda: built.ab.auto_scale_instance_count(max_capacity=2)) == [
        "auto_scale_instance_count: this endpoint has 2 production variants ('champion', "
        "'challenger'); scale each one with endpoint.variant(name).auto_scale_instance_count(...)"
    ]
    assert refused(
        lambda: built.ab.variant("champion").auto_scale_instance_count(max_capacity=2)
    ) == [
        "auto_scale_instance_count: already called; the variant's instance count has one "
        "scalable target"
    ]


def test_grants_accept_a_container_of_any_variant(built: Built) -> None:
    policy = properties_of(built.template, built.client.node.find_child("DefaultPolicy"))
    conditions = [statement["Condition"] for statement in policy["PolicyDocument"]["Statement"]]
    assert conditions == [
        {"StringEqualsIgnoreCase": {"sagemaker:TargetContainerHostname": "explainer"}},
        {"StringEqualsIgnoreCase": {"sagemaker:TargetContainerHostname": "scorer"}},
    ]


def test_the_template_passes_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)


def test_every_model_and_config_passes_botocore_validation(built: Built) -> None:
    checked = 0
    for resource in built.template["Resources"].values():
        operation = {
            "AWS::SageMaker::Model": "CreateModel",
            "AWS::SageMaker::EndpointConfig": "CreateEndpointConfig",
        }.get(resource["Type"])
        if operation is not None:
            botocore_validate(operation, api_parameters(resource["Properties"]))
            checked += 1
    assert checked == 10


def test_the_readmes_ab_example_synthesizes_what_it_says() -> None:
    """The README's A/B example, run as written after its setup block."""
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    # The block the README's examples "start from": imports, an app, a stack and a registry.
    (setup,) = [block for block in blocks if "registry = " in block and "Endpoint(" not in block]
    (example,) = [block for block in blocks if "variants=[" in block]
    namespace: dict[str, Any] = {}
    exec(setup + example, namespace)
    template = namespace["app"].synth().get_stack_by_name("Inference").template
    (config,) = resources_of_type(template, "AWS::SageMaker::EndpointConfig").values()
    weights = {
        variant["VariantName"]: variant["InitialVariantWeight"]
        for variant in config["Properties"]["ProductionVariants"]
    }
    assert weights == {"champion": 90, "challenger": 10}
    assert config["Properties"]["DataCaptureConfig"]["InitialSamplingPercentage"] == 20
    assert len(resources_of_type(template, "AWS::SageMaker::Model")) == 2
    targets = resources_of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert sorted(target["Properties"]["ResourceId"] for target in targets.values()) == [
        "endpoint/fraud/variant/challenger",
        "endpoint/fraud/variant/champion",
    ]
    # Every variant is scaled: no warning that an unscaled count would not be applied.
    assert "unscaledVariantCount" not in json.dumps(
        [
            str(message.entry.data)
            for message in namespace["app"].synth().get_stack_by_name("Inference").messages
        ]
    )


def test_every_routing_strategy_of_the_cloudformation_schema_is_offered() -> None:
    """The schema's enum (it has no KV_AWARE, which botocore lists) is exactly the options."""
    schema = resource_schema("AWS::SageMaker::EndpointConfig")
    enum = schema["definitions"]["RoutingConfig"]["properties"]["RoutingStrategy"]["enum"]
    assert sorted(strategy.value for strategy in RoutingStrategy) == sorted(enum)
    app = cdk.App()
    stack = cdk.Stack(app, "Routing")
    for strategy in RoutingStrategy:
        MultiContainerEndpoint(stack, strategy.name, containers=SERIAL, routing_strategy=strategy)
    template = app.synth().get_stack_by_name("Routing").template
    assert_lint_clean(template)
    rendered = [
        config["Properties"]["ProductionVariants"][0]["RoutingConfig"]["RoutingStrategy"]
        for config in resources_of_type(template, "AWS::SageMaker::EndpointConfig").values()
    ]
    assert sorted(rendered) == sorted(enum)
