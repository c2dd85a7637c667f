"""The SageMaker Operators for Kubernetes' multi-container hosting test.

Reproduces `xgboost-hosting-deployment-multi-container.yaml` of
aws/amazon-sagemaker-operator-for-k8s (`tests/codebuild/testfiles/`, run by
`tests/codebuild/create_tests.sh`, which waits for `InService`): a `HostingDeployment` whose
model `xgboost-model` has two containers, `xgboost-1` and `xgboost-2`, both the built-in XGBoost
image (`xgboost:1`) with the same MNIST model (`mode: SingleModel`, the default), behind the
variant `AllTraffic` on one `ml.r5.large`. The model sets no `InferenceExecutionConfig`, so
SageMaker runs the two containers as a Serial pipeline.

The test runs in us-west-2 with that region's image; this stack is in us-east-1, with the same
image from the us-east-1 registry, and the test's `{DATA_BUCKET}` stands for a bucket of the
account. (The operator's successor, aws-controllers-k8s/sagemaker-controller, tests a `Model`
with a one-element `containers` list, `test/e2e/resources/xgboost_model_with_model_location.yaml`,
and no `inferenceExecutionConfig`.)
"""

from __future__ import annotations

import aws_cdk as cdk

from mce_constructs import ContainerDefinition, ModelData, MultiContainerEndpoint

XGBOOST = "811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1"
MNIST_MODEL = "s3://sagemaker-us-east-1-123456789012/inference/xgboost-mnist/model.tar.gz"


def build(app: cdk.App) -> cdk.Stack:
    """The stack of the operator test's hosting deployment."""
    stack = cdk.Stack(app, "KubernetesOperator", env=cdk.Environment(region="us-east-1"))
    model = ModelData.from_uri(MNIST_MODEL)
    MultiContainerEndpoint(
        stack,
        "XgboostHostingMultiContainer",
        instance_type="ml.r5.large",
        initial_instance_count=1,
        containers=[
            ContainerDefinition(image=XGBOOST, container_hostname="xgboost-1", model_data=model),
            ContainerDefinition(image=XGBOOST, container_hostname="xgboost-2", model_data=model),
        ],
    )
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
