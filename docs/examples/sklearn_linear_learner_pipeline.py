"""The SageMaker Python SDK's inference pipeline: scikit-learn preprocessing, then Linear Learner.

Reproduces the endpoint of "Inference Pipeline with Scikit-learn and Linear Learner"
(aws/amazon-sagemaker-examples, in `sagemaker-python-sdk/scikit_learn_inference_pipeline/`
the notebook `Inference Pipeline with Scikit-learn and Linear Learner.ipynb`, since moved to
`deploy_and_monitor/sm-inference_pipeline_with_scikit_linear_learner/`): a
`PipelineModel` of the scikit-learn 1.2-1 featurizer (`sklearn_abalone_featurizer.py`) and the
built-in Linear Learner regressor, deployed on one `ml.c4.xlarge`. A request (a CSV line of
abalone measurements) goes through both containers in order, in Serial mode.

The scikit-learn container runs in script mode: the SDK uploads the entry point to
`s3://<bucket>/<training job>/source/sourcedir.tar.gz` and sets the environment of its
`Model._script_mode_env_vars` (`SAGEMAKER_PROGRAM`, `SAGEMAKER_SUBMIT_DIRECTORY`,
`SAGEMAKER_CONTAINER_LOG_LEVEL`, `SAGEMAKER_REGION`); the container downloads the code at
start-up with the execution role, which `source_code` lets read it. The training job names
stand for the ones a run of the notebook makes.
"""

from __future__ import annotations

import aws_cdk as cdk

from mce_constructs import ContainerDefinition, ModelData, MultiContainerEndpoint

BUCKET = "s3://sagemaker-us-east-1-123456789012"
SKLEARN_JOB = "sagemaker-scikit-learn-2024-05-01-10-00-00-000"
LINEAR_LEARNER_OUTPUT = (
    f"{BUCKET}/Scikit-LinearLearner-pipeline-abalone-example/ll_training_output/ll_model"
)
# `sagemaker.image_uris.retrieve` in us-east-1: the scikit-learn framework image and the
# Linear Learner algorithm image.
SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
LINEAR_LEARNER_IMAGE = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"


def build(app: cdk.App) -> cdk.Stack:
    """The stack of the notebook's pipeline endpoint."""
    stack = cdk.Stack(app, "SklearnLinearLearnerPipeline", env=cdk.Environment(region="us-east-1"))
    featurizer = ContainerDefinition(
        image=SKLEARN_IMAGE,
        model_data=ModelData.from_uri(f"{BUCKET}/{SKLEARN_JOB}/output/model.tar.gz"),
        source_code=ModelData.from_uri(f"{BUCKET}/{SKLEARN_JOB}/source/sourcedir.tar.gz"),
        environment={
            "SAGEMAKER_PROGRAM": "sklearn_abalone_featurizer.py",
            "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
            "SAGEMAKER_REGION": stack.region,
        },
    )
    regressor = ContainerDefinition(
        image=LINEAR_LEARNER_IMAGE,
        model_data=ModelData.from_uri(
            f"{LINEAR_LEARNER_OUTPUT}/linear-learner-2024-05-01-10-30-00-000/output/model.tar.gz"
        ),
    )
    MultiContainerEndpoint(
        stack,
        "InferencePipeline",
        containers=[featurizer, regressor],  # Serial (the default): in this order
        instance_type="ml.c4.xlarge",
        initial_instance_count=1,
    )
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
