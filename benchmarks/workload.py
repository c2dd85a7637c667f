"""The endpoints every benchmark variant builds, as plain values.

Hand-written L1, the construct and the alpha L2 all read this description, so they build the
same endpoint (three containers in Direct mode: same images, hostnames, model artifacts and
environment) and differ only in the code that turns it into CloudFormation. The two-variant
case (`construct-ab`) serves the same containers as a champion and a challenger pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

ACCOUNT = "123456789012"
REGION = "us-east-1"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
MODEL_BUCKET = "benchmark-model-artifacts"
CAPTURE_URI = "s3://benchmark-data-capture/endpoints"
CAPTURE_SAMPLING_PERCENTAGE = 20
INSTANCE_TYPE = "ml.m5.large"
VARIANT_NAME = "AllTraffic"
ENDPOINTS_PER_STACK = 50
"""Endpoints per stack, for every variant alike: at most 6 resources each (two models with
two variants) keeps a stack at 300, below CloudFormation's 500."""


@dataclass(frozen=True)
class ContainerSpec:
    """One container of the benchmark endpoint, as plain values."""

    hostname: str
    repository: str
    tag: str
    model_key: str
    environment: dict[str, str]

    @property
    def image_uri(self) -> str:
        return f"{REGISTRY}/{self.repository}:{self.tag}"

    @property
    def repository_arn(self) -> str:
        return f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{self.repository}"

    @property
    def model_data_uri(self) -> str:
        return f"s3://{MODEL_BUCKET}/{self.model_key}"


CONTAINERS = (
    ContainerSpec(
        hostname="ranker",
        repository="ranker-xgboost",
        tag="1.7-1",
        model_key="ranker/model.tar.gz",
        environment={"SAGEMAKER_PROGRAM": "rank.py", "TOP_K": "50"},
    ),
    ContainerSpec(
        hostname="embedder",
        repository="embedder-pytorch",
        tag="2.3-cpu",
        model_key="embedder/model.tar.gz",
        environment={"EMBEDDING_DIM": "256"},
    ),
    ContainerSpec(
        hostname="reranker",
        repository="reranker-sklearn",
        tag="1.4",
        model_key="reranker/model.tar.gz",
        environment={"SAGEMAKER_PROGRAM": "rerank.py", "LOG_LEVEL": "INFO"},
    ),
)


@dataclass(frozen=True)
class VariantSpec:
    """One production variant of the two-variant case."""

    name: str
    containers: tuple[ContainerSpec, ...]
    initial_weight: int


AB_VARIANTS = (
    VariantSpec("champion", CONTAINERS, initial_weight=90),
    VariantSpec(
        "challenger",
        tuple(
            replace(spec, tag=f"{spec.tag}-rc", model_key=f"challenger/{spec.model_key}")
            for spec in CONTAINERS
        ),
        initial_weight=10,
    ),
)


def stack_sizes(endpoints: int) -> list[int]:
    """How many endpoints go in each stack of an app with `endpoints` endpoints."""
    full, rest = divmod(endpoints, ENDPOINTS_PER_STACK)
    return [ENDPOINTS_PER_STACK] * full + ([rest] if rest else [])
