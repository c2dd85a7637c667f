"""Containers from model packages (`ModelPackageName`): the service model's pattern (a name or
an ARN, optionally with a version), and the warnings where the sources are silent (a package
group, a package beside other containers, a package with an image or model data of its own)."""

from __future__ import annotations

from typing import Any

import pytest

from mce_constructs.container import ContainerDefinition, check_containers
from mce_constructs.rules.containers import (
    DIRECT,
    MODEL_PACKAGE_GROUP_WARNING,
    MODEL_PACKAGE_IN_PIPELINE_WARNING,
    MODEL_PACKAGE_WITH_IMAGE_WARNING,
    SERIAL,
    ContainerSettings,
    ModelSettings,
    check_model,
    check_model_packages,
)
from mce_constructs.rules.location import ROOT, TEMPLATE, Location
from mce_constructs.rules.values import UNKNOWN

from ..conftest import IMAGE, string_token
from ._service_model_patterns import model_package_pattern

ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package"
VERSION_ARN = f"{ARN}/fraud-detector/3"
GROUP_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/fraud"
WHERE = Location(TEMPLATE, "Properties")


def package(name: str | None = VERSION_ARN, **fields: Any) -> ContainerSettings:
    return ContainerSettings(**{"image": None, "model_package": name, **fields})


def check(*containers: ContainerSettings, mode: str = SERIAL) -> list[Any]:
    model = ModelSettings(containers=containers, mode=mode)
    return check_model_packages(model, ROOT)


EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: check(package("fraud detector")),
        "containers[0].model_package: 'fraud detector' is not a model package: its name or ARN "
        "(arn:<partition>:sagemaker:<region>:<account>:model-package/<name>), optionally with "
        "/<version>, at most 176 characters",
    ),
    (
        lambda: check_containers(
            [ContainerDefinition(image=IMAGE, model_package=VERSION_ARN)], ROOT
        ),
        "containers[0].model_package: give image or model_package, not both (a model package "
        "names its own images)",
    ),
]

WARNING_EXAMPLES: list[tuple[Any, str, str]] = [
    (
        lambda: check(package(GROUP_ARN)),
        MODEL_PACKAGE_GROUP_WARNING,
        "containers[0].model_package: 'arn:aws:sagemaker:us-east-1:123456789012:"
        "model-package-group/fraud' is the ARN of a model package group; SageMaker documents "
        "deploying a version of it (arn:...:model-package/<group>/<version>), and no source says "
        "which version a group would deploy",
    ),
    (
        lambda: check(package(), ContainerSettings(image=IMAGE)),
        MODEL_PACKAGE_IN_PIPELINE_WARNING,
        "containers[0].model_package: a model package among 2 containers: the SageMaker "
        "Developer Guide deploys a model package as the model's only container, and no source "
        "says how a package (which may itself hold up to 15 containers) combines with others, "
        "so SageMaker may refuse it",
    ),
    (
        lambda: check(package(model_data_url="s3://models/fraud.tar.gz")),
        MODEL_PACKAGE_WITH_IMAGE_WARNING,
        "containers[0].model_package: a model package with ModelDataUrl of the container's "
        "own: the package names its images and artifacts, and no source documents both on one "
        "container (the SageMaker Python SDK sends only ModelPackageName and Environment)",
    ),
]


@pytest.mark.parametrize(
    "name",
    [
        "fraud-detector",  # an unversioned package (AWS Marketplace)
        "fraud-detector/3",  # a version of a package group, by name
        f"{ARN}/fraud-detector",
        VERSION_ARN,
        "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model-package/fraud/123456789",
        "a" * 63 + "/123456789",
    ],
)
def test_the_forms_the_service_model_accepts_are_accepted(name: str) -> None:
    assert model_package_pattern().fullmatch(name)
    assert check(package(name)) == []


@pytest.mark.parametrize(
    "name",
    [
        "",
        "fraud-",  # ends with a hyphen
        "fraud/v3",  # a version is a number
        "fraud/1234567890",  # at most 9 digits
        "a" * 64,
        "arn:aws:sagemaker:us-east-1:1234:model-package/fraud",  # an account has 12 digits
        "s3://models/fraud/",
    ],
)
def test_what_the_service_model_refuses_is_refused(name: str) -> None:
    assert model_package_pattern().fullmatch(name) is None
    (problem,) = check(package(name))
    assert problem.warning_id is None


def test_a_package_alone_with_its_environment_and_hostname_is_fine_in_either_mode() -> None:
    for mode in (SERIAL, DIRECT):
        settings = package(environment={"SAGEMAKER_PROGRAM": "serve"}, hostname="fraud")
        model = ModelSettings(containers=(settings,), mode=mode)
        assert check_model(model, "us-east-1", ROOT) == []


def test_a_token_is_not_checked_but_the_pipeline_warning_is_kept() -> None:
    assert check(package(string_token())) == []
    assert check(package(UNKNOWN)) == []
    (warning,) = check(package(string_token()), ContainerSettings(image=IMAGE))
    assert warning.warning_id == MODEL_PACKAGE_IN_PIPELINE_WARNING


def test_an_image_beside_a_package_in_a_template_is_named() -> None:
    model = ModelSettings(containers=(package(image=IMAGE),), mode=SERIAL)
    (warning,) = check_model_packages(model, WHERE)
    assert warning.warning_id == MODEL_PACKAGE_WITH_IMAGE_WARNING
    assert "with Image of the container's own" in warning.message


def test_the_rule_uses_the_service_models_pattern() -> None:
    from mce_constructs.rules.containers import MODEL_PACKAGE_PATTERN

    assert MODEL_PACKAGE_PATTERN.pattern == model_package_pattern().pattern
