"""Script-mode code (`SAGEMAKER_SUBMIT_DIRECTORY`): the SageMaker Python SDK's framework
containers download it from S3 at start-up with the execution role, which must read it, like
model data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from mce_constructs import (
    ContainerDefinition,
    MceValidationError,
    ModelData,
    MultiContainerEndpoint,
)

from .conftest import REGISTRY, assert_lint_clean, make_tarball, new_stack, properties_of

SUBMIT = "SAGEMAKER_SUBMIT_DIRECTORY"
SKLEARN = f"{REGISTRY}/sagemaker-scikit-learn:1.2-1-cpu-py3"


def read_statement(template: dict[str, Any], endpoint: MultiContainerEndpoint) -> Any:
    policy = endpoint.node.find_child("ExecutionPolicy").node.default_child
    assert isinstance(policy, cdk.CfnElement)
    document = properties_of(template, policy)["PolicyDocument"]
    (statement,) = [s for s in document["Statement"] if s.get("Sid") == "ReadModelData"]
    return statement


def archive(directory: Path) -> Path:
    payload = b"def model_fn(model_dir):\n    return None\n"
    return make_tarball(directory / "sourcedir.tar.gz", payload, "inference.py")


class Built:
    def __init__(self, directory: Path) -> None:
        app = cdk.App()
        stack = cdk.Stack(app, "Code")
        self.by_variable = MultiContainerEndpoint(
            stack,
            "ByVariable",
            containers=[
                ContainerDefinition(
                    image=SKLEARN,
                    environment={
                        "SAGEMAKER_PROGRAM": "preprocess.py",
                        SUBMIT: "s3://code-bucket/fraud/preprocess/sourcedir.tar.gz",
                    },
                )
            ],
        )
        bucket = s3.Bucket.from_bucket_name(stack, "Code", "team-code")
        self.by_source = MultiContainerEndpoint(
            stack,
            "BySource",
            containers=[
                ContainerDefinition(
                    image=SKLEARN,
                    source_code=ModelData.from_bucket(bucket, "fraud/sourcedir.tar.gz"),
                    environment={"SAGEMAKER_PROGRAM": "preprocess.py"},
                ),
                ContainerDefinition(
                    image=SKLEARN, source_code=ModelData.from_asset(str(archive(directory)))
                ),
            ],
        )
        self.template = app.synth().get_stack_by_name("Code").template


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("code"))


def test_an_s3_submit_directory_is_read_by_the_role(built: Built) -> None:
    statement = read_statement(built.template, built.by_variable)
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":s3:::code-bucket/fraud/preprocess/sourcedir.tar.gz",
            ],
        ]
    }


def test_source_code_sets_the_submit_directory_and_is_read_by_the_role(built: Built) -> None:
    model = properties_of(built.template, built.by_source.model)
    from_bucket, from_asset = (container["Environment"] for container in model["Containers"])
    assert from_bucket == {
        "SAGEMAKER_PROGRAM": "preprocess.py",
        SUBMIT: "s3://team-code/fraud/sourcedir.tar.gz",
    }
    assert "Fn::Sub" in from_asset[SUBMIT]  # the asset's S3 URL in the bootstrap bucket
    resources = read_statement(built.template, built.by_source)["Resource"]
    assert len(resources) == 2
    assert ":s3:::team-code/fraud/sourcedir.tar.gz" in str(resources[0])
    assert "assets" in str(resources[1])


def test_the_template_passes_cfn_lint(built: Built) -> None:
    assert_lint_clean(built.template)


def refused(**container: Any) -> list[str]:
    stack = new_stack("Refused")
    with pytest.raises(MceValidationError) as caught:
        MultiContainerEndpoint(
            stack, "Bad", containers=[ContainerDefinition(image=SKLEARN, **container)]
        )
    return [str(problem) for problem in caught.value.problems]


def test_source_code_is_one_archive_given_once() -> None:
    code = ModelData.from_uri("s3://team-code/fraud/sourcedir.tar.gz")
    assert refused(source_code=code, environment={SUBMIT: "s3://other/sourcedir.tar.gz"}) == [
        "containers[0].source_code: sets SAGEMAKER_SUBMIT_DIRECTORY, which environment sets too; "
        "give one of them"
    ]
    assert refused(source_code=ModelData.from_s3_prefix("s3://team-code/fraud/")) == [
        "containers[0].source_code: a key prefix; the code is one archive (sourcedir.tar.gz)"
    ]
    assert refused(source_code="s3://team-code/fraud/sourcedir.tar.gz") == [
        "containers[0].source_code: 's3://team-code/fraud/sourcedir.tar.gz' is not a ModelData"
    ]
