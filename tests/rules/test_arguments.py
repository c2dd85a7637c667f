"""The types of what the construct and its option classes are given, and the options that make
sense only together: the checks that run before the rules."""

from __future__ import annotations

import gzip
import io
import math
import tarfile
import zipfile
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from mce_constructs import (
    ContainerDefinition,
    ContainerImage,
    InstanceType,
    ModelData,
    Problem,
    VariantDefinition,
)
from mce_constructs._instance_types import INSTANCE_TYPES
from mce_constructs.container import check_containers
from mce_constructs.instance_type import check_instance_type_argument
from mce_constructs.rules import arguments
from mce_constructs.rules.location import ROOT, SINGLE_VARIANT, Location
from mce_constructs.variants import check_variant_definition

from .._service_model import STAND_INS
from ..conftest import IMAGE, lines

PROVIDER_ARN = STAND_INS["RepositoryCredentialsProviderArn"]
NO_PUBLIC_SUBNETS = "There are no 'Public' subnet groups in this VPC. Available types: Isolated"
SINGLE = Location(SINGLE_VARIANT)


@pytest.fixture(autouse=True)
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in the examples are read in a directory with a `serve` build context
    that has no Dockerfile (and nothing else)."""
    (tmp_path / "serve").mkdir()
    monkeypatch.chdir(tmp_path)


def tag_key_problem(at: Location, key: object) -> Problem:
    return at.problem(f"the key {key!r} is not a str")


def variant(**fields: Any) -> list[str]:
    """What is wrong with the single-variant form's variant of one valid container."""
    definition = VariantDefinition(
        **{"name": "AllTraffic", "containers": (ContainerDefinition(image=IMAGE),), **fields}
    )
    return lines(check_variant_definition(definition, SINGLE))


def containers(**fields: Any) -> list[str]:
    """What is wrong with one container of `fields` (and an image unless given)."""
    return lines(check_containers([ContainerDefinition(**{"image": IMAGE, **fields})], ROOT))


EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: variant(mode="Direct"),
        "mode: 'Direct' is not an InvocationMode; use InvocationMode.SERIAL or "
        "InvocationMode.DIRECT",
    ),
    (
        lambda: containers(image=ContainerImage.from_asset("images/serve")),
        "containers[0].image: ContainerImage.from_asset('images/serve'): no such directory",
    ),
    (
        lambda: containers(image=ContainerImage.from_asset("serve")),
        "containers[0].image: ContainerImage.from_asset('serve'): no Dockerfile 'Dockerfile' in "
        "the directory",
    ),
    (
        lambda: containers(model_data=ModelData.from_asset("model.zip")),
        "containers[0].model_data: ModelData.from_asset('model.zip'): model artifacts are an "
        "existing file that is a gzip compressed tar archive (.tar.gz)",
    ),
    (
        lambda: variant(instance_type=InstanceType.of("m5.large")),
        "instance_type: InstanceType.of('m5.large') is not the name of an instance type: "
        "ml.<family>.<size>, as in 'ml.m5.large'",
    ),
    (
        lambda: lines(arguments.check_subnet_selection(NO_PUBLIC_SUBNETS, ROOT)),
        f"vpc_subnets: selects no subnet of vpc: {NO_PUBLIC_SUBNETS}",
    ),
    (
        lambda: lines(arguments.check_given_without_vpc(["security_groups"], ROOT)),
        "security_groups: given without vpc; it applies only to a model in a VPC: give vpc too",
    ),
    (
        lambda: lines(arguments.check_type("my-role", arguments.ROLE, ROOT.field("role"))),
        "role: 'my-role' is not an iam.IRole",
    ),
    (
        lambda: lines(arguments.check_single_variant_options(["instance_type"], ROOT)),
        "variants: given together with instance_type, options of the single-variant form; set "
        "them on each VariantDefinition instead",
    ),
    (
        lambda: variant(routing_strategy="RANDOM"),
        "routing_strategy: 'RANDOM' is not a RoutingStrategy; use "
        "RoutingStrategy.LEAST_OUTSTANDING_REQUESTS or RoutingStrategy.RANDOM",
    ),
    (
        lambda: containers(
            image=ContainerImage.from_private_registry(
                "registry.example.com/a:1", credentials_provider=cast(Any, PROVIDER_ARN)
            )
        ),
        f"containers[0].image.credentials_provider: {PROVIDER_ARN!r} is not a lambda.IFunction",
    ),
    (
        lambda: containers(environment={"WORKERS": 2}),
        "containers[0].environment['WORKERS']: the value 2 is not a str",
    ),
    (
        lambda: arguments.check_text_mapping({"team": 42}, ROOT.field("Tags"), tag_key_problem),
        "tags['team']: the value 42 is not a str",
    ),
    (
        lambda: containers(
            source_code=ModelData.from_uri("s3://code/sourcedir.tar.gz"),
            environment={"SAGEMAKER_SUBMIT_DIRECTORY": "s3://other/sourcedir.tar.gz"},
        ),
        "containers[0].source_code: sets SAGEMAKER_SUBMIT_DIRECTORY, which environment sets too; "
        "give one of them",
    ),
    (
        lambda: containers(source_code=ModelData.from_s3_prefix("s3://code/fraud/")),
        "containers[0].source_code: a key prefix; the code is one archive (sourcedir.tar.gz)",
    ),
]


@pytest.mark.parametrize("mode", ["Serial", None, 1])
def test_a_mode_that_is_not_an_invocation_mode_is_refused(mode: object) -> None:
    assert variant(mode=mode) == [
        f"mode: {mode!r} is not an InvocationMode; use InvocationMode.SERIAL or "
        "InvocationMode.DIRECT"
    ]


def test_asset_images_need_their_directory_and_dockerfile(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "serve.Dockerfile").touch()
    (tmp_path / "Dockerfile").touch()
    directory = str(tmp_path)

    def asset(**options: Any) -> list[str]:
        return containers(image=ContainerImage.from_asset(directory, **options))

    source = f"containers[0].image: ContainerImage.from_asset({directory!r})"
    assert asset() == []
    assert asset(file="docker/serve.Dockerfile") == []
    # Relative to the directory, as DockerImageAsset joins it, even with a leading "/".
    assert asset(file="/docker/serve.Dockerfile") == []
    assert asset(file="serve.Dockerfile") == [
        f"{source}: no Dockerfile 'serve.Dockerfile' in the directory"
    ]
    assert asset(file="docker") == [f"{source}: no Dockerfile 'docker' in the directory"]
    assert asset(file=1) == [f"{source}: the file 1 is not a str"]
    assert containers(image=ContainerImage.from_asset(cast(Any, 7))) == [
        "containers[0].image: ContainerImage.from_asset(7): no such directory"
    ]


def gzip_tar(path: Path) -> None:
    """A gzip compressed tar archive of one file at `path`."""
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("model.bin")
        info.size = 7
        archive.addfile(info, io.BytesIO(b"weights"))


def gzip_of_text(path: Path) -> None:
    path.write_bytes(gzip.compress(b"not a tar archive"))


def zip_archive(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.bin", b"weights")


@pytest.mark.parametrize(
    ("name", "make", "accepted"),
    [
        ("model.tar.gz", gzip_tar, True),
        # The local name never reaches SageMaker (the asset is uploaded under its hash).
        ("model.tgz", gzip_tar, True),
        ("MODEL.TGZ", gzip_tar, True),
        ("model", gzip_tar, True),
        ("model.tar.gz", Path.touch, False),
        ("model.tar.gz", gzip_of_text, False),
        ("model.tar.gz", zip_archive, False),
        ("model.tar.gz", Path.mkdir, False),  # CDK would upload a directory as a zip
        ("model.tar.gz", None, False),
    ],
)
def test_model_data_asset(tmp_path: Path, name: str, make: Any, accepted: bool) -> None:
    path = tmp_path / name
    if make is not None:
        make(path)
    refused = (
        f"containers[0].model_data: ModelData.from_asset({str(path)!r}): "
        "model artifacts are an existing file that is a gzip compressed tar archive (.tar.gz)"
    )
    assert containers(model_data=ModelData.from_asset(str(path))) == ([] if accepted else [refused])


@pytest.mark.parametrize("name", ["ml.p3dn.24xlarge", "ml.m9.large", "ml.p7-b500.96xlarge"])
def test_instance_type_of_accepts_a_name_the_list_does_not_know(name: str) -> None:
    assert check_instance_type_argument(InstanceType.of(name), ROOT) == []


def test_every_instance_type_constant_is_a_listed_type() -> None:
    constants = [value for value in vars(InstanceType).values() if isinstance(value, InstanceType)]
    assert len(constants) > 30
    assert [constant.name for constant in constants if constant.name not in INSTANCE_TYPES] == []


@pytest.mark.parametrize(
    "name", ["m5.large", "ML.M5.LARGE", "ml.m5", "ml..large", "ml.m5.large ", ""]
)
def test_instance_type_of_refuses_a_name_of_another_shape(name: str) -> None:
    assert lines(check_instance_type_argument(InstanceType.of(name), ROOT)) == [
        f"instance_type: InstanceType.of({name!r}) is not the name of an instance type: "
        "ml.<family>.<size>, as in 'ml.m5.large'"
    ]


@pytest.mark.parametrize(("count", "accepted"), [(1, True), (1.5, False), ("2", False)])
def test_an_instance_count_is_a_whole_number(count: object, accepted: bool) -> None:
    assert (variant(initial_instance_count=count) == []) is accepted


def test_a_bool_is_not_an_instance_count_nor_a_weight() -> None:
    assert variant(initial_instance_count=True, initial_weight=True) == [
        "initial_instance_count: True is not allowed: a whole number, at least 1",
        "initial_weight: True is not allowed: a finite number, at least 0",
    ]


@pytest.mark.parametrize("weight", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_not_weights(weight: float) -> None:
    """Neither reaches jsii, whose kernel they stop (JSON has no NaN or Infinity)."""
    assert variant(initial_weight=weight) == [
        f"initial_weight: {weight!r} is not allowed: a finite number, at least 0"
    ]


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"volume_size": cdk.Size.mebibytes(cdk.Token.as_number(cdk.Fn.ref("Size")))},
            "volume_size: a token amount in another unit than gibibytes, which CDK cannot "
            "convert: give it as cdk.Size.gibibytes(<token>)",
        ),
        (
            {
                "model_data_download_timeout": cdk.Duration.minutes(
                    cdk.Token.as_number(cdk.Fn.ref("T"))
                )
            },
            "model_data_download_timeout: a token amount in another unit than seconds, which CDK "
            "cannot convert: give it as cdk.Duration.seconds(<token>)",
        ),
    ],
)
def test_a_token_amount_is_in_the_unit_the_template_writes(
    fields: dict[str, Any], line: str
) -> None:
    assert variant(**fields) == [line]


def test_a_token_amount_in_that_unit_is_accepted() -> None:
    token = cdk.Token.as_number(cdk.Fn.ref("T"))
    assert variant(volume_size=cdk.Size.gibibytes(token)) == []
    assert variant(model_data_download_timeout=cdk.Duration.seconds(token)) == []


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"volume_size": 30},
            "volume_size: 30 is not a cdk.Size (e.g. cdk.Size.gibibytes(30))",
        ),
        (
            {"model_data_download_timeout": 600},
            "model_data_download_timeout: 600 is not a cdk.Duration (e.g. "
            "cdk.Duration.minutes(10))",
        ),
        ({"enable_ssm_access": "yes"}, "enable_ssm_access: 'yes' is not a bool"),
    ],
)
def test_the_variant_settings_have_their_types(fields: dict[str, Any], line: str) -> None:
    assert variant(**fields) == [line]


def test_jsii_interfaces_are_told_without_the_jsii_runtime() -> None:
    stack = cdk.Stack()
    key = kms.Key.from_key_arn(stack, "Key", STAND_INS["KmsKeyId"])
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    assert arguments.check_type(key, arguments.KMS_KEY, ROOT) == []
    assert arguments.check_type(role, arguments.ROLE, ROOT) == []
    assert lines(arguments.check_type(key, arguments.ROLE, ROOT.field("role"))) == [
        "role: <aws_kms.IKey> is not an iam.IRole"
    ]


def test_a_mapping_of_text_names_each_entry_of_a_wrong_type() -> None:
    assert lines(arguments.check_text_mapping(["team"], ROOT.field("Tags"), tag_key_problem)) == [
        "tags: ['team'] is not a mapping of str to str"
    ]
    assert lines(
        arguments.check_text_mapping({1: "a", "b": 2}, ROOT.field("Tags"), tag_key_problem)
    ) == ["tags[1]: the key 1 is not a str", "tags['b']: the value 2 is not a str"]
    assert arguments.known_text_mapping({1: "a", "b": 2, "c": "d"}) == {
        "b": "${Token[Unknown]}",
        "c": "d",
    }
