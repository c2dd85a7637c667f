"""A user's CDK app, as the packaging check runs it against the installed wheel.

It uses the public API the way the README does (a Direct endpoint with two containers on a role
of the app, a grant to one container, a metric, a refused configuration), synthesizes into the
directory given as the first argument, and exits non-zero if the template is not what the README
promises. The check also runs `mypy --strict` on this file against the installed package alone
(its `py.typed`).
"""

from __future__ import annotations

import sys

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    InvocationMode,
    MceValidationError,
    ModelData,
    MultiContainerEndpoint,
)

REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def build(outdir: str) -> cdk.App:
    """An app with one Direct endpoint of two containers, on a role of the app's own, and a
    caller limited to one of the containers."""
    app = cdk.App(outdir=outdir)
    stack = cdk.Stack(app, "PackageCheck", env=cdk.Environment(region="us-east-1"))
    endpoint = MultiContainerEndpoint(
        stack,
        "Recommender",
        mode=InvocationMode.DIRECT,
        endpoint_name="recommender",
        role=iam.Role(
            stack, "ExecutionRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com")
        ),
        containers=[
            ContainerDefinition(
                image=ContainerImage.from_registry(f"{REGISTRY}/ranker:1.7-1"),
                container_hostname="ranker",
                model_data=ModelData.from_uri("s3://example-models/ranker/model.tar.gz"),
                environment={"TOP_K": "50"},
            ),
            ContainerDefinition(image=f"{REGISTRY}/embedder:2.3", container_hostname="embedder"),
        ],
    )
    caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    endpoint.grant_invoke(caller, container_hostname="ranker")
    endpoint.metric_container_latency("ranker", statistic="p99").create_alarm(
        stack, "RankerSlow", threshold=200_000, evaluation_periods=3
    )
    cdk.CfnOutput(stack, "EndpointName", value=endpoint.endpoint_name)
    return app


def refused_message() -> str:
    """The error a Direct endpoint without hostnames raises."""
    stack = cdk.Stack(cdk.App(), "Refused")
    try:
        MultiContainerEndpoint(
            stack,
            "Pipeline",
            mode=InvocationMode.DIRECT,
            containers=[ContainerDefinition(image=f"{REGISTRY}/a:1")],
        )
    except MceValidationError as error:
        return str(error)
    return ""


def problems(outdir: str) -> list[str]:
    """What differs from the README's promise: one model with both containers, Direct mode."""
    template = build(outdir).synth().get_stack_by_name("PackageCheck").template
    resources = template["Resources"].values()
    models = [r["Properties"] for r in resources if r["Type"] == "AWS::SageMaker::Model"]
    found: list[str] = []
    if [m["InferenceExecutionConfig"]["Mode"] for m in models] != ["Direct"]:
        found.append(f"expected one Direct model, got {models}")
    elif [c["ContainerHostname"] for c in models[0]["Containers"]] != ["ranker", "embedder"]:
        found.append(f"expected the containers ranker and embedder, got {models[0]}")
    for resource_type in ("AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint"):
        if sum(r["Type"] == resource_type for r in resources) != 1:
            found.append(f"expected one {resource_type}")
    if "required in Direct mode" not in refused_message():
        found.append("a Direct container without a hostname was not refused")
    return found


if __name__ == "__main__":
    found = problems(sys.argv[1])
    print("\n".join(found) or "package app: synthesized a Direct endpoint with two containers")
    sys.exit(1 if found else 0)
