"""What runs in each container: the image, the model artifacts and the invocation mode."""

from __future__ import annotations

import abc
import enum
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from ._tokens import is_unresolved


class InvocationMode(enum.Enum):
    """How the endpoint invokes its containers (`InferenceExecutionConfig.Mode`)."""

    SERIAL = "Serial"
    """The containers run in order as an inference pipeline (the service's default)."""
    DIRECT = "Direct"
    """Each request names one container with `TargetContainerHostname`."""


ECR_PULL_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
)
"""What pulling an image from one ECR repository needs, scoped to that repository."""

_ECR_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?P<cn>\.cn)?"
    r"/(?P<repository>[^:@]+)(?:[:@].*)?$"
)


def _grant_ecr_pull(grantee: iam.IGrantable, repository_arn: str) -> iam.Grant:
    """Grant pulling from one repository, and the token call that accepts only `*`."""
    iam.Grant.add_to_principal(
        grantee=grantee, actions=["ecr:GetAuthorizationToken"], resource_arns=["*"]
    )
    return iam.Grant.add_to_principal(
        grantee=grantee, actions=list(ECR_PULL_ACTIONS), resource_arns=[repository_arn]
    )


class ContainerImage(abc.ABC):
    """Where a container's image comes from.

    Each source grants the execution role pull on exactly its own repository.
    """

    @staticmethod
    def from_registry(uri: str) -> ContainerImage:
        """An image by URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` or any
        registry SageMaker can reach). For an ECR URI the role may pull from that repository."""
        return _RegistryImage(uri)

    @staticmethod
    def from_ecr_repository(repository: ecr.IRepository, tag: str = "latest") -> ContainerImage:
        """An image in an ECR repository, by tag or by digest (`sha256:...`).

        @default tag "latest"
        """
        return _EcrRepositoryImage(repository, tag)

    @staticmethod
    def from_asset(directory: str, **docker_options: Any) -> ContainerImage:
        """An image built from a local directory with a Dockerfile (a `DockerImageAsset`).

        `docker_options` are passed to `DockerImageAsset` (`build_args`, `file`, `platform`,
        ...). Synthesis only stages the directory; the image is built at deploy time.
        """
        return _AssetImage(directory, docker_options)

    @property
    def uri(self) -> str | None:
        """The image URI when it is known before binding (used for validation)."""
        return None

    @abc.abstractmethod
    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        """Create what the image needs under `scope`, grant pull and return its URI."""


@dataclass(frozen=True)
class _RegistryImage(ContainerImage):
    image_uri: str

    @property
    def uri(self) -> str | None:
        return self.image_uri

    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        match = None if is_unresolved(self.image_uri) else _ECR_URI.match(self.image_uri)
        if match is None:
            return self.image_uri, iam.Grant.drop(grantee, f"pull {self.image_uri}")
        partition = "aws-cn" if match["cn"] else "aws"
        arn = (
            f"arn:{partition}:ecr:{match['region']}:{match['account']}"
            f":repository/{match['repository']}"
        )
        return self.image_uri, _grant_ecr_pull(grantee, arn)


@dataclass(frozen=True)
class _EcrRepositoryImage(ContainerImage):
    repository: ecr.IRepository
    tag_or_digest: str

    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        uri = self.repository.repository_uri_for_tag_or_digest(self.tag_or_digest)
        return uri, _grant_ecr_pull(grantee, self.repository.repository_arn)


@dataclass(frozen=True)
class _AssetImage(ContainerImage):
    directory: str
    docker_options: Mapping[str, Any]

    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        asset = ecr_assets.DockerImageAsset(
            scope, id, directory=self.directory, **dict(self.docker_options)
        )
        return asset.image_uri, _grant_ecr_pull(grantee, asset.repository.repository_arn)


_S3_URI = re.compile(r"^s3://(?P<bucket>[^/]+)/(?P<key>.+)$")


def _grant_object_read(grantee: iam.IGrantable, object_arn: str) -> iam.Grant:
    """Grant reading one model artifact object, nothing else in its bucket."""
    return iam.Grant.add_to_principal(
        grantee=grantee, actions=["s3:GetObject"], resource_arns=[object_arn]
    )


class ModelData(abc.ABC):
    """Where a container's model artifacts (a `.tar.gz`) come from.

    Each source grants the execution role read on exactly that object.
    """

    @staticmethod
    def from_uri(uri: str) -> ModelData:
        """Artifacts at an `s3://bucket/key.tar.gz` or `https://` URI. For `s3://` the role may
        read that object."""
        return _UriModelData(uri)

    @staticmethod
    def from_bucket(bucket: s3.IBucket, key: str) -> ModelData:
        """Artifacts in a bucket of this app; grants read on the object and, when the bucket
        is encrypted with a customer key, decrypt on that key."""
        return _BucketModelData(bucket, key)

    @staticmethod
    def from_asset(path: str) -> ModelData:
        """A local `.tar.gz` file uploaded as an S3 asset at deploy time."""
        return _AssetModelData(path)

    @property
    def uri(self) -> str | None:
        """The artifact URI when it is known before binding (used for validation)."""
        return None

    @property
    def asset_path(self) -> str | None:
        """The local file of an asset source (used for validation)."""
        return None

    @abc.abstractmethod
    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        """Create what the artifacts need under `scope`, grant read and return their URI."""


@dataclass(frozen=True)
class _UriModelData(ModelData):
    data_uri: str

    @property
    def uri(self) -> str | None:
        return self.data_uri

    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        match = None if is_unresolved(self.data_uri) else _S3_URI.match(self.data_uri)
        if match is None:
            return self.data_uri, iam.Grant.drop(grantee, f"read {self.data_uri}")
        arn = f"arn:{cdk.Aws.PARTITION}:s3:::{match['bucket']}/{match['key']}"
        return self.data_uri, _grant_object_read(grantee, arn)


@dataclass(frozen=True)
class _BucketModelData(ModelData):
    bucket: s3.IBucket
    key: str

    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        grant = _grant_object_read(grantee, self.bucket.arn_for_objects(self.key))
        if self.bucket.encryption_key is not None:
            grant = grant.combine(self.bucket.encryption_key.grant_decrypt(grantee))
        return self.bucket.s3_url_for_object(self.key), grant


@dataclass(frozen=True)
class _AssetModelData(ModelData):
    path: str

    @property
    def asset_path(self) -> str | None:
        return self.path

    def bind(self, scope: Construct, id: str, grantee: iam.IGrantable) -> tuple[str, iam.Grant]:
        asset = s3_assets.Asset(scope, id, path=self.path)
        grant = _grant_object_read(grantee, asset.bucket.arn_for_objects(asset.s3_object_key))
        return asset.s3_object_url, grant


@dataclass(frozen=True, kw_only=True)
class ContainerDefinition:
    """One container of a multi-container endpoint."""

    image: ContainerImage | str
    """The image; a plain `str` is a registry URI (`ContainerImage.from_registry`)."""
    container_hostname: str | None = None
    """The container's DNS hostname; required on every container in Direct mode, and in
    Serial mode on all containers or on none. @default no hostname"""
    model_data: ModelData | None = None
    """The model artifacts. @default none (the image carries its model)"""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Environment variables of the container. @default no variables"""

    def __post_init__(self) -> None:
        # Keep the definition immutable: copy the caller's mapping into a read-only view.
        object.__setattr__(self, "environment", types.MappingProxyType(dict(self.environment)))

    @property
    def container_image(self) -> ContainerImage:
        """The image as a `ContainerImage` (a plain string is a registry URI)."""
        if isinstance(self.image, str):
            return ContainerImage.from_registry(self.image)
        return self.image
