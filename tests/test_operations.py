"""Operating the endpoint: deployment guardrails, autoscaling, grants, metrics, import, tags.

One app holds every scenario in one stack ("Operated"), synthesized and linted once. A second,
minimal app holds the same stack with a plain endpoint at the same path ("Baseline"), to show
that tags, guardrails and autoscaling change nothing that would replace a resource.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import aws_cdk.cx_api as cxapi
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from mce_constructs import (
    CapacitySize,
    DeploymentConfig,
    InvocationMode,
    MultiContainerEndpoint,
    TrafficRouting,
)

from .conftest import (
    Template,
    assert_lint_clean,
    containers,
    logical_id,
    one_metric,
    resource_schema,
    resources_of_type,
)

ALARM_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:recommender-5xx"
SERIAL = containers("pre", "m")
DIRECT = containers("ranker", "embedder", hostnames=True)
TAGS = {"team": "ml-platform", "cost-center": "42"}


def scaled_endpoint(stack: cdk.Stack, **options: Any) -> MultiContainerEndpoint:
    """The endpoint that both apps build at the same path (`Operated/Scaled`)."""
    return MultiContainerEndpoint(
        stack,
        "Scaled",
        containers=DIRECT,
        mode=InvocationMode.DIRECT,
        endpoint_name="recommender",
        **options,
    )


class Built:
    def __init__(self) -> None:
        app = cdk.App()
        stack = self.stack = cdk.Stack(app, "Operated")
        imported_alarm = cloudwatch.Alarm.from_alarm_arn(stack, "Imported5xx", ALARM_ARN)

        # A rollback alarm on the endpoint's own metric: its name is given, so no cycle.
        self.scaled_alarm = cloudwatch.Alarm(
            stack,
            "RankerErrors",
            metric=MultiContainerEndpoint.from_endpoint_name(
                stack, "Self", "recommender", container_hostnames=["ranker", "embedder"]
            ).metric_container_invocation_5xx_errors("ranker"),
            threshold=1,
            evaluation_periods=1,
        )
        self.scaled = scaled_endpoint(
            stack,
            tags=TAGS,
            deployment=DeploymentConfig.blue_green(
                traffic_routing=TrafficRouting.canary(
                    size=CapacitySize.percent(25), wait=cdk.Duration.minutes(5)
                ),
                termination_wait=cdk.Duration.minutes(10),
                maximum_execution_timeout=cdk.Duration.hours(1),
                rollback_alarms=[self.scaled_alarm],
            ),
        )
        scaling = self.scaled.auto_scale_instance_count(min_capacity=2, max_capacity=8)
        scaling.scale_on_invocations(
            invocations_per_instance=120,
            scale_in_cooldown=cdk.Duration.minutes(10),
            scale_out_cooldown=cdk.Duration.minutes(1),
        )
        scaling.scale_to_track_custom_metric(
            "Cpu", metric=self.scaled.metric_cpu_utilization(), target_value=70
        )

        # A generated name: the scalable target refers to the endpoint, and needs no DependsOn.
        self.generated = MultiContainerEndpoint(
            stack, "Generated", containers=SERIAL, instance_type="ml.g5.xlarge"
        )
        self.generated.auto_scale_instance_count(max_capacity=2)

        self.linear = MultiContainerEndpoint(
            stack,
            "Linear",
            containers=SERIAL,
            initial_instance_count=4,
            deployment=DeploymentConfig.blue_green(
                traffic_routing=TrafficRouting.linear(
                    step=CapacitySize.instances(1), wait=cdk.Duration.minutes(2)
                ),
            ),
        )
        self.all_at_once = MultiContainerEndpoint(
            stack,
            "AllAtOnce",
            containers=SERIAL,
            deployment=DeploymentConfig.blue_green(rollback_alarms=[imported_alarm]),
        )
        self.rolling = MultiContainerEndpoint(
            stack,
            "Rolling",
            containers=SERIAL,
            initial_instance_count=4,
            deployment=DeploymentConfig.rolling(
                batch_size=CapacitySize.percent(25),
                wait=cdk.Duration.minutes(3),
                rollback_batch_size=CapacitySize.percent(100),
                maximum_execution_timeout=cdk.Duration.hours(2),
                rollback_alarms=[imported_alarm],
            ),
        )

        self.client = iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal())
        self.scaled.grant_invoke(self.client, container_hostname="ranker")
        self.linear.grant_invoke(self.client)
        self.imported = MultiContainerEndpoint.from_endpoint_name(stack, "ByName", "Fraud-Scorer")
        self.imported.grant_invoke(self.client, container_hostname="scorer")
        self.by_arn = MultiContainerEndpoint.from_endpoint_arn(
            stack,
            "ByArn",
            "arn:aws:sagemaker:eu-west-1:210987654321:endpoint/shared-embeddings",
            variant_name="Blue",
        )
        self.by_arn.grant_invoke(self.client)

        assembly = app.synth()
        self.artifact = assembly.get_stack_by_name("Operated")
        self.template: Template = self.artifact.template

        baseline_app = cdk.App()
        self.baseline = scaled_endpoint(cdk.Stack(baseline_app, "Operated"))
        self.baseline_template: Template = (
            baseline_app.synth().get_stack_by_name("Operated").template
        )

    def resource(self, construct: IConstruct | None) -> dict[str, Any]:
        found: dict[str, Any] = self.template["Resources"][self.logical_id(construct)]
        return found

    @staticmethod
    def logical_id(construct: IConstruct | None) -> str:
        assert construct is not None
        return logical_id(construct)


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def deployment_config(built: Built, endpoint: MultiContainerEndpoint) -> Any:
    return built.resource(endpoint.endpoint)["Properties"]["DeploymentConfig"]


# Deployment guardrails


def test_blue_green_canary_with_waits_timeout_and_rollback_alarm(built: Built) -> None:
    assert deployment_config(built, built.scaled) == {
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {
                "Type": "CANARY",
                "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 25},
                "WaitIntervalInSeconds": 300,
            },
            "TerminationWaitInSeconds": 600,
            "MaximumExecutionTimeoutInSeconds": 3600,
        },
        "AutoRollbackConfiguration": {
            "Alarms": [
                {"AlarmName": {"Ref": built.logical_id(built.scaled_alarm.node.default_child)}}
            ]
        },
    }


def test_blue_green_linear_in_instances(built: Built) -> None:
    assert deployment_config(built, built.linear) == {
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {
                "Type": "LINEAR",
                "LinearStepSize": {"Type": "INSTANCE_COUNT", "Value": 1},
                "WaitIntervalInSeconds": 120,
            }
        }
    }


def test_blue_green_defaults_to_all_at_once_without_baking(built: Built) -> None:
    assert deployment_config(built, built.all_at_once) == {
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 0}
        },
        "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "recommender-5xx"}]},
    }


def test_rolling_update_with_rollback_batch(built: Built) -> None:
    assert deployment_config(built, built.rolling) == {
        "RollingUpdatePolicy": {
            "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 25},
            "WaitIntervalInSeconds": 180,
            "RollbackMaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 100},
            "MaximumExecutionTimeoutInSeconds": 7200,
        },
        "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "recommender-5xx"}]},
    }


def test_execution_role_may_describe_exactly_its_rollback_alarms(built: Built) -> None:
    def describe_statements(endpoint: MultiContainerEndpoint) -> list[dict[str, Any]]:
        policy = built.resource(endpoint.node.find_child("ExecutionPolicy").node.default_child)
        return [
            statement
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            if statement["Sid"] == "DescribeRollbackAlarms"
        ]

    alarm_id = built.logical_id(built.scaled_alarm.node.default_child)
    assert describe_statements(built.scaled) == [
        {
            "Sid": "DescribeRollbackAlarms",
            "Action": "cloudwatch:DescribeAlarms",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [alarm_id, "Arn"]},
        }
    ]
    assert describe_statements(built.rolling) == [
        {
            "Sid": "DescribeRollbackAlarms",
            "Action": "cloudwatch:DescribeAlarms",
            "Effect": "Allow",
            "Resource": ALARM_ARN,
        }
    ]
    assert describe_statements(built.linear) == []


# Autoscaling


def test_autoscaling_registers_the_variant_after_the_endpoint(built: Built) -> None:
    targets = resources_of_type(built.template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert len(targets) == 2
    target_id, target = next(item for item in targets.items() if "Scaled" in item[0])
    assert target_id.startswith("ScaledInstanceCount")
    assert target["Properties"] == {
        "ServiceNamespace": "sagemaker",
        "ResourceId": "endpoint/recommender/variant/AllTraffic",
        "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
        "MinCapacity": 2,
        "MaxCapacity": 8,
        "RoleARN": {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":iam::",
                    {"Ref": "AWS::AccountId"},
                    ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
                    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                ],
            ]
        },
        "Tags": [
            {"Key": "cost-center", "Value": "42"},
            {"Key": "team", "Value": "ml-platform"},
        ],
    }
    # The name is a literal, so only the explicit dependency orders it after the endpoint.
    assert target["DependsOn"] == [built.logical_id(built.scaled.endpoint)]


def test_autoscaling_a_generated_name_waits_through_its_reference_alone(built: Built) -> None:
    """`Fn::GetAtt` orders the target after the endpoint; a DependsOn beside it would be
    redundant (cfn-lint W3005)."""
    endpoint_id = built.logical_id(built.generated.endpoint)
    target = built.resource(built.generated.node.find_child("InstanceCount").node.default_child)
    assert target["Properties"]["ResourceId"] == {
        "Fn::Join": [
            "",
            ["endpoint/", {"Fn::GetAtt": [endpoint_id, "EndpointName"]}, "/variant/AllTraffic"],
        ]
    }
    assert "DependsOn" not in target


def test_scaling_policies_track_invocations_per_instance_and_a_custom_metric(
    built: Built,
) -> None:
    policies = resources_of_type(built.template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    target_id = next(
        iter(resources_of_type(built.template, "AWS::ApplicationAutoScaling::ScalableTarget"))
    )
    by_name = {logical_id.split("InstanceCount")[1][:-8]: p for logical_id, p in policies.items()}
    assert sorted(by_name) == ["Cpu", "InvocationsScaling"]
    assert by_name["InvocationsScaling"]["Properties"] == {
        "PolicyName": "OperatedScaledInstanceCountInvocationsScaling7E55F86E",
        "PolicyType": "TargetTrackingScaling",
        "ScalingTargetId": {"Ref": target_id},
        "TargetTrackingScalingPolicyConfiguration": {
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
            },
            "TargetValue": 120,
            "ScaleInCooldown": 600,
            "ScaleOutCooldown": 60,
        },
    }
    assert by_name["Cpu"]["Properties"]["TargetTrackingScalingPolicyConfiguration"] == {
        "CustomizedMetricSpecification": {
            "Dimensions": [
                {"Name": "EndpointName", "Value": "recommender"},
                {"Name": "VariantName", "Value": "AllTraffic"},
            ],
            "MetricName": "CPUUtilization",
            "Namespace": "/aws/sagemaker/Endpoints",
            "Statistic": "Average",
        },
        "TargetValue": 70,
    }


def test_a_scaled_endpoint_keeps_its_instance_count_and_applies_weights(
    built: Built,
) -> None:
    """Without data capture, DataCaptureConfig (which the API reference marks as not
    supported) is not listed."""
    properties = built.resource(built.scaled.endpoint)["Properties"]
    assert properties["RetainAllVariantProperties"] is True
    assert properties["ExcludeRetainedVariantProperties"] == [
        {"VariantPropertyType": "DesiredWeight"},
    ]
    unscaled = built.resource(built.linear.endpoint)["Properties"]
    assert "RetainAllVariantProperties" not in unscaled
    assert "ExcludeRetainedVariantProperties" not in unscaled


def test_a_scaled_endpoint_warns_how_to_change_its_instance_type(built: Built) -> None:
    warnings = {
        message.id: message.entry.data
        for message in built.artifact.messages
        if message.level is cxapi.SynthesisMessageLevel.WARNING
    }
    message = (
        "Autoscaling is on for variant 'AllTraffic': SageMaker refuses to change the "
        "instance type of a variant that has a scaling policy, or to remove the variant, so "
        "a deployment that does either fails and rolls back. To do it, deploy once without "
        "auto_scale_instance_count on the variant (this deregisters the scalable target), "
        "then deploy the change (a new instance_type with auto_scale_instance_count back). "
        "[ack: mce-constructs:scaledInstanceType]"
    )
    assert warnings == {"/Operated/Scaled": message, "/Operated/Generated": message}


# Grants


def client_statements(built: Built) -> list[dict[str, Any]]:
    policy = built.resource(built.client.node.find_child("DefaultPolicy").node.default_child)
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def arn_of(endpoint_name: str) -> dict[str, Any]:
    """The ARN of an endpoint with a known name in the test stack, built without a reference."""
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":sagemaker:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":endpoint/{endpoint_name}",
            ],
        ]
    }


def test_grant_invoke_on_one_container_carries_the_hostname_condition(built: Built) -> None:
    assert client_statements(built)[0] == {
        "Action": "sagemaker:InvokeEndpoint",
        "Condition": {"StringEqualsIgnoreCase": {"sagemaker:TargetContainerHostname": "ranker"}},
        "Effect": "Allow",
        "Resource": arn_of("recommender"),
    }


def test_grant_invoke_on_the_whole_endpoint_has_no_condition(built: Built) -> None:
    assert client_statements(built)[1] == {
        "Action": "sagemaker:InvokeEndpoint",
        "Effect": "Allow",
        "Resource": {"Ref": built.logical_id(built.linear.endpoint)},
    }


def test_imported_endpoints_grant_on_their_arn(built: Built) -> None:
    assert client_statements(built)[2:] == [
        {
            "Action": "sagemaker:InvokeEndpoint",
            "Condition": {
                "StringEqualsIgnoreCase": {"sagemaker:TargetContainerHostname": "scorer"}
            },
            "Effect": "Allow",
            "Resource": arn_of("fraud-scorer"),
        },
        {
            "Action": "sagemaker:InvokeEndpoint",
            "Effect": "Allow",
            "Resource": "arn:aws:sagemaker:eu-west-1:210987654321:endpoint/shared-embeddings",
        },
    ]


# Metrics


def metric_json(
    built: Built, metric: cloudwatch.Metric | cloudwatch.MathExpression
) -> dict[str, Any]:
    metric = one_metric(metric)
    return {
        "namespace": metric.namespace,
        "name": metric.metric_name,
        "statistic": metric.statistic,
        "period": metric.period.to_seconds(),
        "dimensions": built.stack.resolve(metric.dimensions),
    }


def test_variant_metrics_have_endpoint_and_variant_dimensions(built: Built) -> None:
    endpoint = built.linear
    dimensions = {
        "EndpointName": {"Fn::GetAtt": [built.logical_id(endpoint.endpoint), "EndpointName"]},
        "VariantName": "AllTraffic",
    }
    cases = {
        endpoint.metric_invocations(): ("AWS/SageMaker", "Invocations", "Sum"),
        endpoint.metric_invocation_4xx_errors(): ("AWS/SageMaker", "Invocation4XXErrors", "Sum"),
        endpoint.metric_invocation_5xx_errors(): ("AWS/SageMaker", "Invocation5XXErrors", "Sum"),
        endpoint.metric_invocations_per_instance(): (
            "AWS/SageMaker",
            "InvocationsPerInstance",
            "Sum",
        ),
        endpoint.metric_model_latency(): ("AWS/SageMaker", "ModelLatency", "Average"),
        endpoint.metric_overhead_latency(): ("AWS/SageMaker", "OverheadLatency", "Average"),
        endpoint.metric_cpu_utilization(): (
            "/aws/sagemaker/Endpoints",
            "CPUUtilization",
            "Average",
        ),
        endpoint.metric_memory_utilization(): (
            "/aws/sagemaker/Endpoints",
            "MemoryUtilization",
            "Average",
        ),
        endpoint.metric_disk_utilization(): (
            "/aws/sagemaker/Endpoints",
            "DiskUtilization",
            "Average",
        ),
    }
    for metric, (namespace, name, statistic) in cases.items():
        assert metric_json(built, metric) == {
            "namespace": namespace,
            "name": name,
            "statistic": statistic,
            "period": 300,
            "dimensions": dimensions,
        }


def test_gpu_metrics_are_instance_metrics_of_the_variant(built: Built) -> None:
    endpoint = built.generated
    dimensions = {
        "EndpointName": {"Fn::GetAtt": [built.logical_id(endpoint.endpoint), "EndpointName"]},
        "VariantName": "AllTraffic",
    }
    assert [
        metric_json(built, metric)
        for metric in (endpoint.metric_gpu_utilization(), endpoint.metric_gpu_memory_utilization())
    ] == [
        {
            "namespace": "/aws/sagemaker/Endpoints",
            "name": name,
            "statistic": "Average",
            "period": 300,
            "dimensions": dimensions,
        }
        for name in ("GPUUtilization", "GPUMemoryUtilization")
    ]
    metric = one_metric(built.by_arn.metric_gpu_utilization(statistic="Maximum"))
    assert (metric.metric_name, metric.statistic, metric.region) == (
        "GPUUtilization",
        "Maximum",
        "eu-west-1",
    )


def test_metric_options_override_the_defaults(built: Built) -> None:
    metric = built.scaled.metric(
        "ModelSetupTime", statistic="p99", period=cdk.Duration.minutes(1), label="setup"
    )
    assert metric_json(built, metric) == {
        "namespace": "AWS/SageMaker",
        "name": "ModelSetupTime",
        "statistic": "p99",
        "period": 60,
        "dimensions": {"EndpointName": "recommender", "VariantName": "AllTraffic"},
    }
    assert metric.label == "setup"


def test_container_metrics_add_the_container_name_dimension(built: Built) -> None:
    endpoint = built.scaled
    dimensions = {
        "EndpointName": "recommender",
        "VariantName": "AllTraffic",
        "ContainerName": "embedder",
    }
    cases = {
        endpoint.metric_container_invocations("embedder"): ("AWS/SageMaker", "Invocations", "Sum"),
        endpoint.metric_container_invocation_4xx_errors("embedder"): (
            "AWS/SageMaker",
            "Invocation4XXErrors",
            "Sum",
        ),
        endpoint.metric_container_invocation_5xx_errors("embedder"): (
            "AWS/SageMaker",
            "Invocation5XXErrors",
            "Sum",
        ),
        endpoint.metric_container_latency("embedder"): (
            "AWS/SageMaker",
            "ContainerLatency",
            "Average",
        ),
        endpoint.metric_container_cpu_utilization("embedder"): (
            "/aws/sagemaker/Endpoints",
            "CPUUtilization",
            "Average",
        ),
        endpoint.metric_container_memory_utilization("embedder"): (
            "/aws/sagemaker/Endpoints",
            "MemoryUtilization",
            "Average",
        ),
        endpoint.metric_for_container("embedder", "Invocations", statistic="SampleCount"): (
            "AWS/SageMaker",
            "Invocations",
            "SampleCount",
        ),
    }
    for metric, (namespace, name, statistic) in cases.items():
        assert metric_json(built, metric) == {
            "namespace": namespace,
            "name": name,
            "statistic": statistic,
            "period": 300,
            "dimensions": dimensions,
        }


def test_rollback_alarm_on_a_container_metric_renders_its_dimensions(built: Built) -> None:
    alarm = built.resource(built.scaled_alarm.node.default_child)
    assert {
        key: alarm["Properties"][key]
        for key in ("Namespace", "MetricName", "Statistic", "Period", "Dimensions")
    } == {
        "Namespace": "AWS/SageMaker",
        "MetricName": "Invocation5XXErrors",
        "Statistic": "Sum",
        "Period": 300,
        "Dimensions": [
            {"Name": "ContainerName", "Value": "ranker"},
            {"Name": "EndpointName", "Value": "recommender"},
            {"Name": "VariantName", "Value": "AllTraffic"},
        ],
    }


# Import


def test_imported_endpoints_share_the_grant_and_metric_code(built: Built) -> None:
    assert isinstance(built.imported, cdk.Resource)
    assert isinstance(built.scaled, cdk.Resource)
    assert built.imported.endpoint_name == "Fraud-Scorer"
    assert metric_json(built, built.imported.metric_container_latency("scorer")) == {
        "namespace": "AWS/SageMaker",
        "name": "ContainerLatency",
        "statistic": "Average",
        "period": 300,
        "dimensions": {
            "EndpointName": "Fraud-Scorer",
            "VariantName": "AllTraffic",
            "ContainerName": "scorer",
        },
    }
    assert built.stack.resolve(one_metric(built.by_arn.metric_invocations()).dimensions) == {
        "EndpointName": "shared-embeddings",
        "VariantName": "Blue",
    }


# Tags, and what never changes


def test_tags_are_on_the_model_config_endpoint_and_role(built: Built) -> None:
    expected = [{"Key": "cost-center", "Value": "42"}, {"Key": "team", "Value": "ml-platform"}]
    scaled = built.scaled
    for construct in (scaled.model, scaled.endpoint_config, scaled.endpoint):
        assert built.resource(construct)["Properties"]["Tags"] == expected
    role = built.resource(scaled.role.node.default_child)
    assert role["Properties"]["Tags"] == expected
    assert "Tags" not in built.resource(built.linear.endpoint)["Properties"]


def _create_only_properties(resource_type: str) -> set[str]:
    """The properties whose change replaces a resource, from cfn-lint's resource schemas."""
    schema = resource_schema(resource_type)
    return {pointer.rsplit("/", 1)[1] for pointer in schema["createOnlyProperties"]}


def test_tags_guardrails_and_autoscaling_change_no_name_and_replace_nothing(
    built: Built,
) -> None:
    operated, baseline = built.scaled, built.baseline
    for construct in ("model", "endpoint_config", "endpoint"):
        before_resource = built.baseline_template["Resources"][
            built.logical_id(getattr(baseline, construct))
        ]
        after_resource = built.resource(getattr(operated, construct))
        before, after = before_resource["Properties"], after_resource["Properties"]
        changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
        resource_type = after_resource["Type"]
        assert changed & _create_only_properties(resource_type) == set(), resource_type
        allowed = {
            "Tags",
            "DeploymentConfig",
            "RetainAllVariantProperties",
            "ExcludeRetainedVariantProperties",
        }
        assert changed <= allowed, (resource_type, changed)
    assert built.logical_id(operated.endpoint) == built.logical_id(baseline.endpoint)


def test_template_passes_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)
