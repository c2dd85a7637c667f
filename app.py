#!/usr/bin/env python3
"""Sample app: a Direct-mode recommender, and a Serial inference pipeline A/B-testing a new
model version with data capture; each one endpoint.

Deployable as it is once the images and model artifacts exist: point it at your own with
`cdk deploy -c registry=<account>.dkr.ecr.<region>.amazonaws.com -c modelBucket=<bucket>
-c captureBucket=<bucket>`.
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
    VariantDefinition,
)

DEFAULT_REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
DEFAULT_MODEL_BUCKET = "example-model-artifacts"
DEFAULT_CAPTURE_BUCKET = "example-inference-capture"


class InferenceStack(cdk.Stack):
    """Two multi-container endpoints for one ML platform team."""

    def __init__(
        self, scope: Construct, id: str, *, registry: str, model_bucket: str, capture_bucket: str
    ) -> None:
        super().__init__(scope, id, description="SageMaker multi-container endpoints (sample)")

        def model(key: str) -> ModelData:
            return ModelData.from_uri(f"s3://{model_bucket}/{key}")

        # Direct: three independent models on one fleet; each request names its container.
        self.recommender = MultiContainerEndpoint(
            self,
            "Recommender",
            endpoint_name="recommender",
            mode=InvocationMode.DIRECT,
            instance_type="ml.m5.xlarge",
            containers=[
                ContainerDefinition(
                    image=ContainerImage.from_registry(f"{registry}/ranker-xgboost:1.7-1"),
                    container_hostname="ranker",
                    model_data=model("ranker/2026-11-01/model.tar.gz"),
                    environment={"SAGEMAKER_PROGRAM": "rank.py", "TOP_K": "50"},
                ),
                ContainerDefinition(
                    image=f"{registry}/embedder-pytorch:2.3-cpu",
                    container_hostname="embedder",
                    model_data=model("embedder/2026-10-20/model.tar.gz"),
                    environment={"EMBEDDING_DIM": "256", "TS_DEFAULT_WORKERS_PER_MODEL": "2"},
                ),
                ContainerDefinition(
                    image=f"{registry}/reranker-sklearn:1.4",
                    container_hostname="reranker",
                    model_data=model("reranker/2026-11-12/model.tar.gz"),
                    environment={"SAGEMAKER_PROGRAM": "rerank.py", "LOG_LEVEL": "INFO"},
                ),
            ],
        )

        # Serial: an inference pipeline; each container's output is the next one's input. The
        # champion pipeline takes 90% of the traffic, a challenger with a new fraud model 10%,
        # and a fifth of the requests and responses are captured for Model Monitor.
        preprocess = ContainerDefinition(
            image=f"{registry}/fraud-preprocess-sklearn:1.4",
            model_data=model("fraud/preprocess/model.tar.gz"),
            environment={"SAGEMAKER_PROGRAM": "preprocess.py"},
        )
        postprocess = ContainerDefinition(
            image=f"{registry}/fraud-postprocess-sklearn:1.4",
            environment={"SAGEMAKER_PROGRAM": "postprocess.py", "THRESHOLD": "0.82"},
        )
        self.pipeline = MultiContainerEndpoint(
            self,
            "FraudPipeline",
            endpoint_name="fraud-pipeline",
            variants=[
                VariantDefinition(
                    name="champion",
                    instance_type="ml.c5.xlarge",
                    initial_instance_count=2,
                    initial_weight=90,
                    containers=[
                        preprocess,
                        ContainerDefinition(
                            image=f"{registry}/fraud-model-xgboost:1.7-1",
                            model_data=model("fraud/model/model.tar.gz"),
                        ),
                        postprocess,
                    ],
                ),
                VariantDefinition(
                    name="challenger",
                    instance_type="ml.c5.xlarge",
                    initial_weight=10,
                    containers=[
                        preprocess,
                        ContainerDefinition(
                            image=f"{registry}/fraud-model-xgboost:1.7-1",
                            model_data=model("fraud/model-2026-11/model.tar.gz"),
                        ),
                        postprocess,
                    ],
                ),
            ],
            data_capture=DataCapture.to_uri(
                f"s3://{capture_bucket}/fraud-pipeline",
                sampling_percentage=20,
                csv_content_types=["text/csv"],
            ),
        )

        cdk.CfnOutput(self, "RecommenderEndpointName", value=self.recommender.endpoint_name)
        cdk.CfnOutput(self, "FraudPipelineEndpointName", value=self.pipeline.endpoint_name)


def build_app(app: cdk.App | None = None) -> cdk.App:
    """The sample app (also used by the tests and the benchmarks)."""
    app = app or cdk.App()
    InferenceStack(
        app,
        "MceSampleStack",
        registry=app.node.try_get_context("registry") or DEFAULT_REGISTRY,
        model_bucket=app.node.try_get_context("modelBucket") or DEFAULT_MODEL_BUCKET,
        capture_bucket=app.node.try_get_context("captureBucket") or DEFAULT_CAPTURE_BUCKET,
    )
    return app


if __name__ == "__main__":
    build_app().synth()
