"""The execution role SageMaker assumes, and what every endpoint's containers need of it."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ._tokens import is_unresolved

METRICS_NAMESPACE = "/aws/sagemaker/Endpoints"
LOG_GROUP_PREFIX = "/aws/sagemaker/Endpoints/"
LOG_ACTIONS = (
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
)


def create_execution_role(scope: Construct, id: str) -> iam.Role:
    """A role that only SageMaker can assume, with no managed policy: the containers' grants
    add exactly what they need."""
    return iam.Role(
        scope,
        id,
        assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
        description="Execution role of a SageMaker multi-container endpoint",
    )


def grant_runtime(role: iam.IRole, endpoint_name: str | None) -> iam.Grant:
    """Let the containers write their logs and metrics, and nothing more.

    The log group is the endpoint's own when its name is known at synth time; a generated
    name is known only after the endpoint exists, which is after the role must work.
    """
    log_group = endpoint_name if endpoint_name and not is_unresolved(endpoint_name) else "*"
    stack = cdk.Stack.of(role)
    log_group_arn = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name=f"{LOG_GROUP_PREFIX}{log_group}:*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )
    logs = iam.Grant.add_to_principal(
        grantee=role, actions=list(LOG_ACTIONS), resource_arns=[log_group_arn]
    )
    metrics = iam.Grant.add_to_principal(
        grantee=role,
        actions=["cloudwatch:PutMetricData"],
        resource_arns=["*"],
        conditions={"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
    )
    return logs.combine(metrics)
