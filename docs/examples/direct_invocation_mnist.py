"""AWS's direct-invocation notebook: a TensorFlow and a PyTorch MNIST model on one endpoint.

Reproduces the multi-container endpoint of "Running multi-container endpoints on Amazon
SageMaker" (aws/amazon-sagemaker-examples,
`advanced_functionality/multi-container-endpoint/direct-invocation/multi-container-direct-invocation.ipynb`,
since moved to `deploy_and_monitor/sm-multi_container_endpoint_direct_invocation/`): the model
`mnist-multi-container` with the PyTorch 1.8.1 container `pytorch-mnist` and the TensorFlow
2.3.1 container `tensorflow-mnist`, in Direct mode, behind the variant `prod` on one
`ml.c5.4xlarge`, as the endpoint `mnist-multi-container-ep`. Each request names its container:
`invoke_endpoint(..., TargetContainerHostname="tensorflow-mnist")`.

The notebook trains both models first; their artifacts are in the SDK's default bucket under
`multi-container-endpoint/output/` (the training job names below stand for the ones a run
makes). The PyTorch archive holds `inference.py` next to the weights, so it is both the model
data and the script-mode code.
"""

from __future__ import annotations

import aws_cdk as cdk

from mce_constructs import ContainerDefinition, InvocationMode, ModelData, MultiContainerEndpoint

# AWS Deep Learning Containers in us-east-1, as `sagemaker.image_uris.retrieve` returns them
# for the notebook's versions on a CPU instance.
DLC = "763104351884.dkr.ecr.us-east-1.amazonaws.com"
OUTPUT = "s3://sagemaker-us-east-1-123456789012/multi-container-endpoint/output"


def build(app: cdk.App) -> cdk.Stack:
    """The stack of the notebook's endpoint."""
    stack = cdk.Stack(app, "DirectInvocationMnist", env=cdk.Environment(region="us-east-1"))
    # The notebook repacks the trained PyTorch model with its inference script.
    pytorch_model = ModelData.from_uri(f"{OUTPUT}/pytorch/updated/model.tar.gz")
    MultiContainerEndpoint(
        stack,
        "MnistMultiContainer",
        endpoint_name="mnist-multi-container-ep",
        mode=InvocationMode.DIRECT,
        variant_name="prod",
        instance_type="ml.c5.4xlarge",
        initial_instance_count=1,
        containers=[
            ContainerDefinition(
                image=f"{DLC}/pytorch-inference:1.8.1-cpu-py36",
                container_hostname="pytorch-mnist",
                model_data=pytorch_model,
                # SAGEMAKER_SUBMIT_DIRECTORY: the same archive, read with the execution role.
                source_code=pytorch_model,
                environment={"SAGEMAKER_PROGRAM": "inference.py"},
            ),
            ContainerDefinition(
                image=f"{DLC}/tensorflow-inference:2.3.1-cpu",
                container_hostname="tensorflow-mnist",
                model_data=ModelData.from_uri(
                    f"{OUTPUT}/tensorflow/tensorflow-training-2021-06-01-00-00-00-000"
                    "/output/model.tar.gz"
                ),
            ),
        ],
    )
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
