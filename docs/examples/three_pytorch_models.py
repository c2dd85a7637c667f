"""An AWS sample serving three PyTorch models behind one endpoint, each invoked by hostname.

Reproduces "Module 2. Deploy Multi-container Endpoint" of aws-samples/sm-model-serving-patterns
(`key_features/ptn_5_multi-container-endpoint/2_multi-container-endpoint.ipynb`): three Korean
NLP models (sentiment on NSMC, sentence similarity on KorSTS, KoBART summarization), each in a
PyTorch inference container of its own version (1.7.1, 1.8.1, 1.8.1), with its own
`inference_*.py`, in Direct mode behind the variant `prod` on one `ml.c5.xlarge`.

The sample's helper (`src/utils.py`, `upload_model_artifact_to_s3`) packs each model with its
code into `s3://<default bucket>/multi-container-nlp/<modelA|modelB|modelC>/model.tar.gz`,
which is both the model data and `SAGEMAKER_SUBMIT_DIRECTORY`.
"""

from __future__ import annotations

import aws_cdk as cdk

from mce_constructs import ContainerDefinition, InvocationMode, ModelData, MultiContainerEndpoint

DLC = "763104351884.dkr.ecr.us-east-1.amazonaws.com"
PREFIX = "s3://sagemaker-us-east-1-123456789012/multi-container-nlp"


def pytorch_model(hostname: str, version: str, variant: str, script: str) -> ContainerDefinition:
    """One of the sample's containers: a PyTorch DLC serving `model.tar.gz` with `script`."""
    archive = ModelData.from_uri(f"{PREFIX}/{variant}/model.tar.gz")
    return ContainerDefinition(
        image=f"{DLC}/pytorch-inference:{version}-cpu-py3",
        container_hostname=hostname,
        model_data=archive,
        source_code=archive,  # the archive carries the script: SAGEMAKER_SUBMIT_DIRECTORY
        environment={"SAGEMAKER_PROGRAM": script},
    )


def build(app: cdk.App) -> cdk.Stack:
    """The stack of the sample's endpoint."""
    stack = cdk.Stack(app, "KorNlpMultiContainer", env=cdk.Environment(region="us-east-1"))
    MultiContainerEndpoint(
        stack,
        "KorNlp",
        mode=InvocationMode.DIRECT,
        variant_name="prod",
        instance_type="ml.c5.xlarge",
        containers=[
            pytorch_model("pytorch-kornlp-nsmc", "1.7.1", "modelA", "inference_nsmc.py"),
            pytorch_model("pytorch-kornlp-korsts", "1.8.1", "modelB", "inference_korsts.py"),
            pytorch_model("pytorch-kornlp-kobart", "1.8.1", "modelC", "inference_kobart.py"),
        ],
    )
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
