"""Terraform's acceptance test of a SageMaker model with several containers.

Reproduces `TestAccSageMakerModel_inferenceExecution` of hashicorp/terraform-provider-aws
(`internal/service/sagemaker/model_test.go`, configuration
`testAccModelConfig_inferenceExecution`): an `aws_sagemaker_model` with two `container`
blocks, both the prebuilt `kmeans` image (`data.aws_sagemaker_prebuilt_ecr_image`, tag `1`),
no model data, no hostnames, and `inference_execution_config { mode = "Serial" }`.
`TestAccSageMakerModel_containers` is the same model without the block (Serial is the
default); the library always writes the mode, so one configuration covers both.

The test creates the model alone, and so does this stack (`MultiContainerModel`: the model, its
execution role and policy, no endpoint). KMeans would need model data to answer requests; the
test only creates the model.
"""

from __future__ import annotations

import aws_cdk as cdk

from mce_constructs import ContainerDefinition, InvocationMode, MultiContainerModel

# `aws_sagemaker_prebuilt_ecr_image` with `repository_name = "kmeans"` in us-east-1.
KMEANS = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"


def build(app: cdk.App) -> cdk.Stack:
    """The stack of the acceptance test's model."""
    stack = cdk.Stack(app, "TerraformAcceptance", env=cdk.Environment(region="us-east-1"))
    MultiContainerModel(
        stack,
        "Test",
        mode=InvocationMode.SERIAL,
        containers=[ContainerDefinition(image=KMEANS), ContainerDefinition(image=KMEANS)],
    )
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
