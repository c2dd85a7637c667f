"""The alpha SageMaker L2's integration tests: three weighted variants, autoscaling, a pipeline.

Reproduces aws/aws-cdk `packages/@aws-cdk/aws-sagemaker-alpha/test/integ.endpoint.ts` (with
`integ.endpoint-config.ts`, the same variants, and `integ.model.ts`'s inference pipeline):

- an endpoint with the variants `firstVariant` (`ml.m5.large`) and `secondVariant` (the alpha's
  default instance type, `ml.t2.medium`), which share the model with an artifact (one
  `MultiContainerModel`, one `AWS::SageMaker::Model`), and `thirdVariant` (`ml.t2.medium`,
  weight 2), which serves the model without one: a quarter, a quarter and half of the traffic;
- a role of the account allowed to invoke it (`grantInvoke`);
- `firstVariant` autoscaled to at most 3 instances by `scaleOnInvocations` with
  `maxRequestsPerSecond: 30` (`scale_on_invocations_per_second(30)`: the same target);
- the inference pipeline model of `integ.model.ts`, a model on its own: three containers of one
  image, the last two with the model artifact.

The tests build their image and artifact from local assets; here they are already in ECR and
S3 (`ContainerImage.from_asset` and `ModelData.from_asset` are the asset forms), read through
`from_ecr_repository` and `from_bucket` as `integ.model.ts` does for its "remote" model, so the
execution role is granted exactly that repository and that object.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    ModelData,
    MultiContainerEndpoint,
    MultiContainerModel,
    VariantDefinition,
)

# The alpha's `scaleOnInvocations` targets maxRequestsPerSecond * 60 * safetyFactor (0.5 by
# default) invocations per instance per minute: 30 requests per second is 900, as
# `scale_on_invocations_per_second` computes it.
MAX_REQUESTS_PER_SECOND = 30


def build(app: cdk.App) -> cdk.Stack:
    """The stack of the integration tests' endpoint and pipeline."""
    stack = cdk.Stack(app, "AlphaIntegEndpoint", env=cdk.Environment(region="us-east-1"))
    repository = ecr.Repository.from_repository_name(stack, "TestImage", "sagemaker-test-image")
    image = ContainerImage.from_ecr_repository(repository, "1")
    artifacts = s3.Bucket.from_bucket_name(stack, "Artifacts", "sagemaker-us-east-1-123456789012")
    artifact = ModelData.from_bucket(artifacts, "integ/valid-artifact.tar.gz")

    with_artifact = MultiContainerModel(
        stack,
        "ModelWithArtifact",
        containers=[ContainerDefinition(image=image, model_data=artifact)],
    )
    without_artifact = MultiContainerModel(
        stack, "ModelWithoutArtifact", containers=[ContainerDefinition(image=image)]
    )
    # firstVariant and secondVariant share one model, as in integ.endpoint-config.ts.
    endpoint = MultiContainerEndpoint(
        stack,
        "Endpoint",
        variants=[
            VariantDefinition(
                name="firstVariant", model=with_artifact, instance_type="ml.m5.large"
            ),
            VariantDefinition(
                name="secondVariant", model=with_artifact, instance_type="ml.t2.medium"
            ),
            VariantDefinition(
                name="thirdVariant",
                model=without_artifact,
                instance_type="ml.t2.medium",
                initial_weight=2,
            ),
        ],
    )

    invoker = iam.Role(stack, "Invoker", assumed_by=iam.AccountRootPrincipal())
    endpoint.grant_invoke(invoker)

    scaling = endpoint.variant("firstVariant").auto_scale_instance_count(max_capacity=3)
    scaling.scale_on_invocations_per_second(MAX_REQUESTS_PER_SECOND, "LimitRPS")

    # integ.model.ts's InferencePipelineModel: a model alone.
    MultiContainerModel(
        stack,
        "InferencePipeline",
        containers=[
            ContainerDefinition(image=image),
            ContainerDefinition(image=image, model_data=artifact),
            ContainerDefinition(image=image, model_data=artifact),
        ],
    )
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
