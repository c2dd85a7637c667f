"""`ContainerImage`: where a container's image comes from (a registry, an ECR repository of the
app, a local Docker build, a registry outside ECR pulled through the VPC).

Each source checks what it is given, says what the rules need to know of it before it is bound
(its URI, whether it is pulled through the VPC), and, bound to an endpoint, renders its part
of the model's container (`Image`, `ImageConfig`) and what the execution role needs.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, Unpack

import aws_cdk as cdk
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ._locations import ecr_location
from ._permissions import ECR_PULL_ACTIONS, ecr_repository_arn
from ._sources import SourceResource
from ._tokens import aws_partition
from .errors import Problem
from .rules.arguments import LAMBDA_FUNCTION, REPOSITORY, TEXT, check_optional, check_type
from .rules.location import Location
from .rules.values import shown

if TYPE_CHECKING:
    # Only in annotations: aws_lambda imports aws_ec2, which an app that does not use a
    # private registry's credentials provider does not pay for (docs/benchmarks.md).
    from aws_cdk import aws_ecr as ecr
    from aws_cdk import aws_lambda as lambda_

DEFAULT_DOCKERFILE = "Dockerfile"
"""The Dockerfile of an asset image unless its `file` option names another (as in
`DockerImageAsset`)."""


@dataclass(frozen=True)
class BoundImage:
    """An image bound to an endpoint: its URI and `ImageConfig`, the ECR repository the role
    pulls from (None when the image is not in a known ECR repository: nothing is granted), the
    resources of the app whose policies must allow the role, and the Lambda function that
    provides a private registry's credentials."""

    uri: str
    image_config: sagemaker.CfnModel.ImageConfigProperty | None = None
    repository_arn: str | None = None
    sources: tuple[SourceResource, ...] = ()
    credentials_provider_arn: str | None = None


class DockerImageOptions(TypedDict, total=False):
    """Options of `ContainerImage.from_asset`: those of `aws_ecr_assets.DockerImageAsset`."""

    asset_name: str
    build_args: Mapping[str, str]
    build_contexts: Mapping[str, str]
    build_secrets: Mapping[str, str]
    build_ssh: str
    cache_disabled: bool
    cache_from: Sequence[ecr_assets.DockerCacheOption]
    cache_to: ecr_assets.DockerCacheOption
    display_name: str
    file: str
    invalidation: ecr_assets.DockerImageAssetInvalidationOptions
    network_mode: ecr_assets.NetworkMode
    outputs: Sequence[str]
    platform: ecr_assets.Platform
    target: str
    extra_hash: str
    exclude: Sequence[str]
    follow_symlinks: cdk.SymlinkFollowMode
    ignore_mode: cdk.IgnoreMode


class ContainerImage(abc.ABC):
    """Where a container's image comes from.

    Each source lets the execution role pull from exactly its own repository.
    """

    @staticmethod
    def from_registry(uri: str) -> ContainerImage:
        """An image by URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` or
        `...@sha256:<digest>`). For an ECR URI the role may pull from that repository; for a
        token or another registry nothing is granted."""
        return _RegistryImage(uri)

    @staticmethod
    def from_ecr_repository(repository: ecr.IRepository, tag: str = "latest") -> ContainerImage:
        """An image in an ECR repository, by tag or by digest (`sha256:...`).

        @default tag "latest"
        """
        return _EcrRepositoryImage(repository, tag)

    @staticmethod
    def from_asset(directory: str, **docker_options: Unpack[DockerImageOptions]) -> ContainerImage:
        """An image built from a local directory with a Dockerfile (a `DockerImageAsset`).

        `docker_options` are passed to `DockerImageAsset` (`build_args`, `file`, `platform`,
        ...). Synthesis only stages the directory; the image is built at deploy time and
        pushed to the bootstrap's container assets repository, which the role may pull from.
        """
        return _AssetImage(directory, docker_options)

    @staticmethod
    def from_private_registry(
        uri: str, *, credentials_provider: lambda_.IFunction | None = None
    ) -> ContainerImage:
        """An image outside ECR (Docker Hub, `public.ecr.aws`, a registry of your own), which
        SageMaker pulls through the endpoint's VPC (`ImageConfig.RepositoryAccessMode: Vpc`):
        the endpoint needs a `vpc` whose subnets reach the registry.

        :param credentials_provider: a Lambda function that returns the registry's credentials
            (`RepositoryAuthConfig`); the role may invoke exactly this function.
            @default no credentials (a registry that needs none)
        """
        return _PrivateRegistryImage(uri, credentials_provider)

    @property
    def uri(self) -> str | None:
        """The image URI when it is a str known before binding (what the rules check)."""
        return None

    @property
    def pulled_through_vpc(self) -> bool:
        """Whether SageMaker pulls the image through the endpoint's VPC."""
        return False

    def problems(self, where: Location) -> list[Problem]:
        """What is wrong with what the source was given (`where`: the container's image)."""
        return []

    @abc.abstractmethod
    def bind(self, scope: Construct, id: str) -> BoundImage:
        """Create what the image needs under `scope` (with `id`) and say where it is (called
        once per container by the endpoint)."""


def _uri_problems(uri: object, where: Location) -> list[Problem]:
    """A URI given to a source is a str (a token is one)."""
    if isinstance(uri, str):
        return []
    return [where.problem(f"{shown(uri)} is not a str (an image URI)")]


@dataclass(frozen=True)
class _RegistryImage(ContainerImage):
    image_uri: str

    @property
    def uri(self) -> str | None:
        return self.image_uri if isinstance(self.image_uri, str) else None

    def problems(self, where: Location) -> list[Problem]:
        return _uri_problems(self.image_uri, where)

    def bind(self, scope: Construct, id: str) -> BoundImage:
        location = ecr_location(self.image_uri)
        if location is None:
            return BoundImage(self.image_uri)
        arn = ecr_repository_arn(
            aws_partition(), location.region, location.account, location.repository
        )
        return BoundImage(self.image_uri, repository_arn=arn)


@dataclass(frozen=True)
class _PrivateRegistryImage(ContainerImage):
    image_uri: str
    provider: lambda_.IFunction | None

    @property
    def uri(self) -> str | None:
        return self.image_uri if isinstance(self.image_uri, str) else None

    @property
    def pulled_through_vpc(self) -> bool:
        return True

    def problems(self, where: Location) -> list[Problem]:
        return [
            *_uri_problems(self.image_uri, where),
            *check_optional(self.provider, LAMBDA_FUNCTION, where.field("credentials_provider")),
        ]

    def bind(self, scope: Construct, id: str) -> BoundImage:
        provider_arn = None if self.provider is None else self.provider.function_arn
        image_config = sagemaker.CfnModel.ImageConfigProperty(
            repository_access_mode="Vpc",
            repository_auth_config=None
            if provider_arn is None
            else sagemaker.CfnModel.RepositoryAuthConfigProperty(
                repository_credentials_provider_arn=provider_arn
            ),
        )
        return BoundImage(
            self.image_uri, image_config=image_config, credentials_provider_arn=provider_arn
        )


@dataclass(frozen=True)
class _EcrRepositoryImage(ContainerImage):
    repository: ecr.IRepository
    tag_or_digest: str

    def problems(self, where: Location) -> list[Problem]:
        return [
            *check_type(self.repository, REPOSITORY, where.field("repository")),
            *check_optional(self.tag_or_digest, TEXT, where.field("tag_or_digest")),
        ]

    def bind(self, scope: Construct, id: str) -> BoundImage:
        uri = self.repository.repository_uri_for_tag_or_digest(self.tag_or_digest)
        # A repository policy names no resource: the policy is the repository's own.
        source = SourceResource(
            self.repository, ECR_PULL_ACTIONS, (), self.repository.add_to_resource_policy
        )
        return BoundImage(uri, repository_arn=self.repository.repository_arn, sources=(source,))


@dataclass(frozen=True)
class _AssetImage(ContainerImage):
    directory: str
    docker_options: DockerImageOptions

    def problems(self, where: Location) -> list[Problem]:
        """The directory exists and has its Dockerfile (`file`, relative to the directory even
        when it starts with "/", as `DockerImageAsset` joins them)."""
        directory = self.directory
        dockerfile = self.docker_options.get("file", DEFAULT_DOCKERFILE)
        source = f"ContainerImage.from_asset({shown(directory)})"
        if not isinstance(directory, str) or not os.path.isdir(directory):
            return [where.problem(f"{source}: no such directory")]
        if not isinstance(dockerfile, str):
            return [where.problem(f"{source}: the file {shown(dockerfile)} is not a str")]
        if not os.path.isfile(os.path.normpath(f"{directory}/{dockerfile}")):
            return [where.problem(f"{source}: no Dockerfile {shown(dockerfile)} in the directory")]
        return []

    def bind(self, scope: Construct, id: str) -> BoundImage:
        asset = ecr_assets.DockerImageAsset(
            scope, id, directory=self.directory, **self.docker_options
        )
        return BoundImage(asset.image_uri, repository_arn=asset.repository.repository_arn)
