"""What runs in each container: `ContainerDefinition` (its image, model artifacts, hostname and
environment) and `InvocationMode`. The sources of images and model data are in `images.py` and
`model_data.py` (`ContainerImage` and `ModelData` are importable from here too)."""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from .errors import Problem
from .images import BoundImage, ContainerImage, DockerImageOptions
from .model_data import BoundModelData, ModelData
from .rules.arguments import check_text_mapping, is_list, known_text_mapping
from .rules.containers import ContainerSettings, environment_key_problem, hostname_where
from .rules.location import Location
from .rules.values import UNKNOWN, shown

__all__ = [
    "SUBMIT_DIRECTORY",
    "BoundContainer",
    "ContainerDefinition",
    "ContainerImage",
    "DockerImageOptions",
    "InvocationMode",
    "ModelData",
    "bind_container",
    "check_containers",
    "container_settings",
]


SUBMIT_DIRECTORY = "SAGEMAKER_SUBMIT_DIRECTORY"
"""Where a SageMaker framework container finds its script-mode code (set by the SageMaker
Python SDK to an `s3://.../sourcedir.tar.gz`, downloaded with the execution role)."""


class InvocationMode(enum.Enum):
    """How the endpoint invokes its containers (`InferenceExecutionConfig.Mode`)."""

    SERIAL = "Serial"
    """The containers run in order as an inference pipeline (the service's default)."""
    DIRECT = "Direct"
    """Each request names one container with `TargetContainerHostname`."""


@dataclass(frozen=True, kw_only=True)
class ContainerDefinition:
    """One container of a multi-container endpoint."""

    image: ContainerImage | str | None = None
    """The image; a plain `str` is a registry URI (`ContainerImage.from_registry`). Give
    exactly one of `image` and `model_package`. @default none (a `model_package`)"""
    model_package: str | sagemaker.CfnModelPackage | None = None
    """A model package of the SageMaker Model Registry or AWS Marketplace, instead of `image`
    (`ModelPackageName`): its ARN or name, or a version of a package group (`"<group>/<n>"`,
    `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<n>`), or a
    `CfnModelPackage` of the app (a version registered by the stack: its ARN is used). The
    package names its images and artifacts: the execution role must be allowed to pull and
    read them (docs/security.md).
    @default none (an `image`)"""
    container_hostname: str | None = None
    """The container's DNS hostname; required on every container in Direct mode, and in
    Serial mode on all containers or on none. @default no hostname"""
    model_data: ModelData | None = None
    """The model artifacts. @default none (the image carries its model)"""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Environment variables of the container. @default no variables"""
    source_code: ModelData | None = None
    """The script-mode code archive (`sourcedir.tar.gz`) that a SageMaker framework container
    (scikit-learn, XGBoost, ...) downloads at start-up with the execution role: sets
    `SAGEMAKER_SUBMIT_DIRECTORY` to its S3 URL and lets the role read it. (An `s3://` URL set in
    `environment` as `SAGEMAKER_SUBMIT_DIRECTORY` is readable by the role too.) @default none"""

    def __post_init__(self) -> None:
        # A plain string is a registry URI, converted once. Values of a wrong type are kept as
        # they are, for the endpoint's validation to name them.
        if isinstance(self.image, str):
            object.__setattr__(self, "image", ContainerImage.from_registry(self.image))
        if isinstance(self.model_package, sagemaker.CfnModelPackage):
            object.__setattr__(self, "model_package", self.model_package.attr_model_package_arn)
        # Keep the definition immutable: copy the caller's mapping into a read-only view.
        if isinstance(self.environment, Mapping):
            object.__setattr__(self, "environment", types.MappingProxyType(dict(self.environment)))

    @property
    def container_image(self) -> ContainerImage | None:
        """The image as a `ContainerImage` (a plain string given as `image` is converted to
        `ContainerImage.from_registry` when the definition is made); None for a model
        package."""
        return cast(ContainerImage | None, self.image)


def container_settings(definition: ContainerDefinition) -> ContainerSettings:
    """What the rules read of a container; a value of a wrong type (refused by
    `check_containers`) is left out, a hostname of a wrong type read as one given but not
    known."""
    image = definition.image if isinstance(definition.image, ContainerImage) else None
    model_data = definition.model_data if isinstance(definition.model_data, ModelData) else None
    url = None if model_data is None else model_data.uri
    uncompressed = model_data is not None and model_data.uncompressed
    hostname = definition.container_hostname
    package = definition.model_package
    return ContainerSettings(
        image=None if image is None else image.uri,
        hostname=hostname if hostname is None or isinstance(hostname, str) else UNKNOWN,
        model_data_url=None if uncompressed else url,
        model_data_prefix=url if uncompressed else None,
        environment=known_text_mapping(definition.environment),
        pulled_through_vpc=image is not None and image.pulled_through_vpc,
        model_package=package if isinstance(package, str) else None,
    )


def _definition_problems(definition: ContainerDefinition, where: Location) -> list[Problem]:
    """The types of one container's fields, and what its sources were given."""
    problems = _image_or_package_problems(definition, where)
    model_data = definition.model_data
    hostname = definition.container_hostname
    if hostname is not None and not isinstance(hostname, str):
        problems.append(where.field("ContainerHostname").problem(f"{shown(hostname)} is not a str"))
    if isinstance(model_data, ModelData):
        problems += model_data.problems(where.field("ModelDataUrl"))
    elif model_data is not None:
        hint = (
            f"; use ModelData.from_uri({shown(model_data)})" if isinstance(model_data, str) else ""
        )
        problems.append(
            where.field("ModelDataUrl").problem(f"{shown(model_data)} is not a ModelData{hint}")
        )
    problems += check_text_mapping(
        definition.environment,
        where.field("Environment"),
        lambda at, _key: environment_key_problem(at),
    )
    return problems + _source_code_problems(definition, where.field("source_code"))


def _image_or_package_problems(definition: ContainerDefinition, where: Location) -> list[Problem]:
    """Exactly one of `image` (a `ContainerImage` or a str) and `model_package` (a str)."""
    image, package = definition.image, definition.model_package
    if image is None and package is None:
        return [where.field("Image").problem("give image, or model_package for a model package")]
    if image is not None and package is not None:
        return [
            where.field("ModelPackageName").problem(
                "give image or model_package, not both (a model package names its own images)"
            )
        ]
    if isinstance(image, ContainerImage):
        return image.problems(where.field("Image"))
    if image is not None:
        return [where.field("Image").problem(f"{shown(image)} is not a ContainerImage or a str")]
    if not isinstance(package, str):
        return [
            where.field("ModelPackageName").problem(
                f"{shown(package)} is not a str (a model package's ARN or name) or a "
                "CfnModelPackage"
            )
        ]
    return []


def _source_code_problems(definition: ContainerDefinition, where: Location) -> list[Problem]:
    """`source_code` is a `ModelData` of one archive (not a key prefix), given instead of a
    `SAGEMAKER_SUBMIT_DIRECTORY` variable, which it sets."""
    code = definition.source_code
    if code is None:
        return []
    problems = []
    if not isinstance(code, ModelData):
        problems.append(where.problem(f"{shown(code)} is not a ModelData"))
    elif code.uncompressed:
        problems.append(where.problem("a key prefix; the code is one archive (sourcedir.tar.gz)"))
    environment = definition.environment
    if isinstance(environment, Mapping) and SUBMIT_DIRECTORY in environment:
        problems.append(
            where.problem(f"sets {SUBMIT_DIRECTORY}, which environment sets too; give one of them")
        )
    return problems


def check_containers(containers: object, where: Location) -> list[Problem]:
    """A model's containers are a list of `ContainerDefinition`s, whose fields have their types
    (`where`: the model's location)."""
    at = where.field("Containers")
    if not is_list(containers):
        return [at.problem(f"{shown(containers)} is not a list of ContainerDefinition")]
    problems = []
    for index, definition in enumerate(cast(Sequence[object], containers)):
        if not isinstance(definition, ContainerDefinition):
            problems.append(
                at.index(index).problem(f"{shown(definition)} is not a ContainerDefinition")
            )
            continue
        located = hostname_where(where, index, definition.container_hostname)
        problems += _definition_problems(definition, located)
    return problems


@dataclass(frozen=True)
class BoundContainer:
    """A container bound to an endpoint: the model's `ContainerDefinition` property, and its
    image, model data and script-mode code as bound (what the execution role needs of them)."""

    definition: sagemaker.CfnModel.ContainerDefinitionProperty
    image: BoundImage | None
    model_data: BoundModelData | None
    source_code: BoundModelData | None

    @property
    def read(self) -> tuple[BoundModelData, ...]:
        """The model data and the code that the role reads."""
        return tuple(data for data in (self.model_data, self.source_code) if data is not None)


def _source_code(definition: ContainerDefinition) -> ModelData | None:
    """The script-mode code a container downloads at start-up: its `source_code`, or an `s3://`
    URL literally set as `SAGEMAKER_SUBMIT_DIRECTORY` (read like model data)."""
    if definition.source_code is not None:
        return definition.source_code
    submitted = definition.environment.get(SUBMIT_DIRECTORY)
    if isinstance(submitted, str) and submitted.startswith("s3://"):
        return ModelData.from_uri(submitted)
    return None


def bind_container(
    definition: ContainerDefinition, scope: Construct, id_suffix: str
) -> BoundContainer:
    """Bind the image, the model data and the code of `definition` under `scope` (their ids
    end with `id_suffix`) and render the container."""
    source = definition.container_image
    image = None if source is None else source.bind(scope, f"Image{id_suffix}")
    model_data = (
        None
        if definition.model_data is None
        else definition.model_data.bind(scope, f"ModelData{id_suffix}")
    )
    environment = dict(definition.environment)
    code = _source_code(definition)
    bound_code = None if code is None else code.bind(scope, f"SourceCode{id_suffix}")
    if bound_code is not None and bound_code.model_data_url is not None:
        environment[SUBMIT_DIRECTORY] = bound_code.model_data_url
    return BoundContainer(
        sagemaker.CfnModel.ContainerDefinitionProperty(
            image=None if image is None else image.uri,
            image_config=None if image is None else image.image_config,
            model_package_name=cast(str | None, definition.model_package),
            container_hostname=definition.container_hostname,
            model_data_url=None if model_data is None else model_data.model_data_url,
            model_data_source=None if model_data is None else model_data.model_data_source,
            environment=environment or None,
        ),
        image,
        model_data,
        bound_code,
    )
