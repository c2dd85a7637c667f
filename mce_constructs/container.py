"""What runs in each container: the image, the model artifacts and the invocation mode."""

from __future__ import annotations

import abc
import enum
import re
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypedDict, Unpack, cast

import aws_cdk as cdk
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from ._permissions import (
    ECR_PULL_ACTIONS,
    BucketKey,
    ModelDataAccess,
    PrefixListing,
    ecr_repository_arn,
    s3_bucket_arn,
    s3_object_arn,
)
from ._tokens import aws_partition, is_unresolved

if TYPE_CHECKING:
    # Only in annotations: aws_lambda costs about 120 ms to import (it imports aws_ec2), which
    # an app that does not use a private registry's credentials provider does not pay.
    from aws_cdk import aws_ecr as ecr
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_s3 as s3


class InvocationMode(enum.Enum):
    """How the endpoint invokes its containers (`InferenceExecutionConfig.Mode`)."""

    SERIAL = "Serial"
    """The containers run in order as an inference pipeline (the service's default)."""
    DIRECT = "Direct"
    """Each request names one container with `TargetContainerHostname`."""


DEFAULT_DOCKERFILE = "Dockerfile"
"""The Dockerfile of an asset image unless its `file` option names another (as in
`DockerImageAsset`)."""

_ECR_URI = re.compile(
    # <account>.dkr.ecr[-fips].<region>.<AWS domain: amazonaws.com, amazonaws.com.cn, ...>
    # and the dual-stack <account>.dkr-ecr[-fips].<region>.on.aws
    r"^(?P<account>\d{12})\.dkr[.-]ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.[a-z0-9.-]+"
    r"/(?P<repository>[^:@]+)(?:[:@].*)?$"
)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
"""A region name (`us-east-1`, `us-gov-west-1`, `cn-north-1`, ...), not a legacy S3 endpoint
name such as `external-1`."""
_S3_ENDPOINT = (
    r"s3(?:-fips)?(?:\.dualstack)?(?:[.-](?P<region>[a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?"
)
"""An S3 endpoint host: global (`s3.amazonaws.com`), regional (`s3.<region>.` or the legacy
`s3-<region>.`), FIPS, dualstack (`s3.dualstack.<region>.`) and China (`.amazonaws.com.cn`)."""
_S3_URIS = (
    re.compile(r"^s3://(?P<bucket>[^/]+)/?(?P<key>.*)$"),
    # https://<bucket>.<endpoint>/<key> (virtual-hosted style)
    re.compile(rf"^https://(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.{_S3_ENDPOINT}/?(?P<key>.*)$"),
    # https://<endpoint>/<bucket>/<key> (path style)
    re.compile(rf"^https://{_S3_ENDPOINT}/(?P<bucket>[^/]+)/?(?P<key>.*)$"),
)


class S3Location(NamedTuple):
    """Where an S3 URL points: a bucket, a key (empty for the bucket itself) and the region
    that the URL names (None when it names none, as `s3://` and global endpoints do)."""

    bucket: str
    key: str
    region: str | None


def ecr_location(uri: str) -> tuple[str, str, str] | None:
    """(account, region, repository) of an ECR image URI; None for another registry or a token."""
    match = None if is_unresolved(uri) else _ECR_URI.match(uri)
    return None if match is None else (match["account"], match["region"], match["repository"])


def s3_location(uri: str) -> S3Location | None:
    """The bucket, key and region of an `s3://` URI or an S3 `https://` URL (virtual-hosted,
    path style, dualstack); None for any other URL or a token."""
    if is_unresolved(uri):
        return None
    for pattern in _S3_URIS:
        match = pattern.match(uri)
        if match:
            region = match.groupdict().get("region")
            known = region if region is not None and _REGION.fullmatch(region) else None
            return S3Location(match["bucket"], match["key"], known)
    return None


@dataclass(frozen=True)
class SourceResource:
    """A repository or a bucket of the app that the execution role reads from: what its
    resource policy must allow when it is in another account than the endpoint."""

    resource: cdk.IResource
    actions: tuple[str, ...]
    resource_arns: tuple[str, ...]
    add_to_resource_policy: Callable[[iam.PolicyStatement], iam.AddToResourcePolicyResult]


@dataclass(frozen=True)
class _BoundImage:
    """An image bound to an endpoint: its URI, and the ECR repository the role pulls from
    (None when the image is not in a known ECR repository: nothing is granted); for an image
    pulled through the VPC, the Lambda function that provides the registry's credentials."""

    uri: str
    repository_arn: str | None = None
    sources: tuple[SourceResource, ...] = ()
    through_vpc: bool = False
    credentials_provider_arn: str | None = None


@dataclass(frozen=True)
class _BoundModelData:
    """Model artifacts bound to an endpoint: their URL (of a `.tar.gz`, or of a key prefix of
    uncompressed artifacts), and what reading them needs (None when they are not in a known S3
    location: nothing is granted)."""

    url: str
    access: ModelDataAccess | None = None
    sources: tuple[SourceResource, ...] = ()
    prefix: bool = False


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
        """The image URI when it is known before binding (used for validation)."""
        return None

    @property
    def pulled_through_vpc(self) -> bool:
        """Whether SageMaker pulls the image through the endpoint's VPC (used for validation)."""
        return False

    @property
    def asset_build(self) -> tuple[str, str] | None:
        """The directory and the Dockerfile (relative to it) of an asset source, as given
        (used for validation)."""
        return None

    @property
    def arguments(self) -> Mapping[str, object]:
        """The objects the source was given that only their type rule reads, by parameter
        name, as given (used for validation)."""
        return {}

    @abc.abstractmethod
    def _bind(self, scope: Construct, id: str) -> _BoundImage:
        """Create what the image needs under `scope` (with `id`) and say where it is (called
        once per container by the endpoint)."""


@dataclass(frozen=True)
class _RegistryImage(ContainerImage):
    image_uri: str

    @property
    def uri(self) -> str | None:
        return self.image_uri

    def _bind(self, scope: Construct, id: str) -> _BoundImage:
        location = ecr_location(self.image_uri)
        if location is None:
            return _BoundImage(self.image_uri)
        account, region, repository = location
        arn = ecr_repository_arn(aws_partition(), region, account, repository)
        return _BoundImage(self.image_uri, arn)


@dataclass(frozen=True)
class _PrivateRegistryImage(ContainerImage):
    image_uri: str
    provider: lambda_.IFunction | None

    @property
    def uri(self) -> str | None:
        return self.image_uri

    @property
    def pulled_through_vpc(self) -> bool:
        return True

    @property
    def arguments(self) -> Mapping[str, object]:
        return {} if self.provider is None else {"credentials_provider": self.provider}

    def _bind(self, scope: Construct, id: str) -> _BoundImage:
        provider = self.provider
        return _BoundImage(
            self.image_uri,
            through_vpc=True,
            credentials_provider_arn=None if provider is None else provider.function_arn,
        )


@dataclass(frozen=True)
class _EcrRepositoryImage(ContainerImage):
    repository: ecr.IRepository
    tag_or_digest: str

    @property
    def arguments(self) -> Mapping[str, object]:
        tag = {} if self.tag_or_digest is None else {"tag_or_digest": self.tag_or_digest}
        return {"repository": self.repository, **tag}

    def _bind(self, scope: Construct, id: str) -> _BoundImage:
        uri = self.repository.repository_uri_for_tag_or_digest(self.tag_or_digest)
        arn = self.repository.repository_arn
        # A repository policy names no resource: the policy is the repository's own.
        source = SourceResource(
            self.repository, ECR_PULL_ACTIONS, (), self.repository.add_to_resource_policy
        )
        return _BoundImage(uri, arn, (source,))


@dataclass(frozen=True)
class _AssetImage(ContainerImage):
    directory: str
    docker_options: DockerImageOptions

    @property
    def asset_build(self) -> tuple[str, str] | None:
        return self.directory, self.docker_options.get("file", DEFAULT_DOCKERFILE)

    def _bind(self, scope: Construct, id: str) -> _BoundImage:
        asset = ecr_assets.DockerImageAsset(
            scope, id, directory=self.directory, **self.docker_options
        )
        return _BoundImage(asset.image_uri, asset.repository.repository_arn)


class ModelData(abc.ABC):
    """Where a container's model artifacts come from: a `.tar.gz`, or uncompressed files
    under a key prefix.

    Each source lets the execution role read exactly those objects (and decrypt them, through
    S3, with their bucket's KMS key when the bucket has one).
    """

    @staticmethod
    def from_uri(uri: str) -> ModelData:
        """Artifacts at an `s3://bucket/key.tar.gz` URI (or an S3 `https://` URL). The role may
        read that object; a bucket encrypted with a customer managed key needs `from_bucket`
        with the bucket's `encryption_key`. Nothing is granted for a token or another URL."""
        return _UriModelData(uri)

    @staticmethod
    def from_bucket(bucket: s3.IBucket, key: str) -> ModelData:
        """Artifacts at `key` in `bucket` (of this app or imported with
        `Bucket.from_bucket_attributes`); when the bucket has an `encryption_key`, the role may
        also decrypt with it, only through S3."""
        return _BucketModelData(bucket, key)

    @staticmethod
    def from_asset(path: str) -> ModelData:
        """A local `.tar.gz` file, uploaded to the bootstrap's file assets bucket at deploy
        time; the role may read that object."""
        return _AssetModelData(path)

    @staticmethod
    def from_s3_prefix(uri: str) -> ModelData:
        """Uncompressed artifacts: every object under a key prefix, `s3://bucket/prefix/`
        (ending with `/`), which SageMaker copies to the instances as they are
        (`ModelDataSource` with `S3DataType: S3Prefix`, `CompressionType: None`). The role may
        read the objects under the prefix and list the bucket under it; nothing is granted for
        a token or a URL outside S3."""
        return _UriPrefixModelData(uri)

    @staticmethod
    def from_bucket_prefix(bucket: s3.IBucket, prefix: str) -> ModelData:
        """Uncompressed artifacts under `prefix` (ending with `/`) in `bucket`, as
        `from_s3_prefix`; when the bucket has an `encryption_key`, the role may also decrypt
        with it, only through S3."""
        return _BucketPrefixModelData(bucket, prefix)

    @property
    def uri(self) -> str | None:
        """The artifact URI when it is known before binding (used for validation)."""
        return None

    @property
    def prefix(self) -> str | None:
        """For uncompressed artifacts, the key prefix when it is known before binding, or the
        whole URL of one outside S3 (used for validation); None for an archive."""
        return None

    @property
    def asset_path(self) -> str | None:
        """The local file of an asset source (used for validation)."""
        return None

    @property
    def object_key(self) -> str | None:
        """The object's key in a bucket given as a construct (used for validation)."""
        return None

    @property
    def arguments(self) -> Mapping[str, object]:
        """The objects the source was given that only their type rule reads, by parameter
        name, as given (used for validation)."""
        return {}

    @abc.abstractmethod
    def _bind(self, scope: Construct, id: str) -> _BoundModelData:
        """Create what the artifacts need under `scope` (with `id`) and say where they are
        (called once per container by the endpoint)."""


@dataclass(frozen=True)
class _UriModelData(ModelData):
    data_uri: str

    @property
    def uri(self) -> str | None:
        return self.data_uri

    def _bind(self, scope: Construct, id: str) -> _BoundModelData:
        location = s3_location(self.data_uri)
        if location is None or not location.key:
            return _BoundModelData(self.data_uri)
        arn = s3_object_arn(aws_partition(), location.bucket, location.key)
        return _BoundModelData(self.data_uri, ModelDataAccess(arn))


@dataclass(frozen=True)
class _BucketModelData(ModelData):
    bucket: s3.IBucket
    key: str

    @property
    def arguments(self) -> Mapping[str, object]:
        return {"bucket": self.bucket}

    @property
    def object_key(self) -> str | None:
        return self.key

    def _bind(self, scope: Construct, id: str) -> _BoundModelData:
        key = _key_in_url(self.key)
        access = ModelDataAccess(self.bucket.arn_for_objects(key), _bucket_key(self.bucket))
        return _BoundModelData(
            self.bucket.s3_url_for_object(self.key), access, (_read_source(self.bucket, access),)
        )


@dataclass(frozen=True)
class _UriPrefixModelData(ModelData):
    prefix_uri: str

    @property
    def uri(self) -> str | None:
        return self.prefix_uri

    @property
    def prefix(self) -> str | None:
        uri = self.prefix_uri
        if not isinstance(uri, str) or is_unresolved(uri):
            return None  # a token, or a value of a wrong type (which validation names)
        location = s3_location(uri)
        # Outside S3 the key is not told apart from the URL: the URL ends as the prefix does.
        return uri if location is None else location.key

    def _bind(self, scope: Construct, id: str) -> _BoundModelData:
        location = s3_location(self.prefix_uri)
        if location is None:
            return _BoundModelData(self.prefix_uri, prefix=True)
        partition = aws_partition()
        bucket, prefix = location.bucket, location.key
        access = ModelDataAccess(
            s3_object_arn(partition, bucket, f"{prefix}*"),
            listing=PrefixListing(s3_bucket_arn(partition, bucket), prefix),
        )
        return _BoundModelData(self.prefix_uri, access, prefix=True)


@dataclass(frozen=True)
class _BucketPrefixModelData(ModelData):
    bucket: s3.IBucket
    key_prefix: str

    @property
    def arguments(self) -> Mapping[str, object]:
        return {"bucket": self.bucket}

    @property
    def prefix(self) -> str | None:
        return None if is_unresolved(self.key_prefix) else self.key_prefix

    def _bind(self, scope: Construct, id: str) -> _BoundModelData:
        bucket_arn = self.bucket.bucket_arn
        prefix = _key_in_url(self.key_prefix)
        access = ModelDataAccess(
            self.bucket.arn_for_objects(f"{prefix}*"),
            _bucket_key(self.bucket),
            PrefixListing(bucket_arn, prefix),
        )
        # In another account, the bucket's policy allows the listing of the whole bucket: the
        # role's own policy still limits it to the prefix.
        listing = SourceResource(
            self.bucket, ("s3:ListBucket",), (bucket_arn,), self.bucket.add_to_resource_policy
        )
        return _BoundModelData(
            self.bucket.s3_url_for_object(self.key_prefix),
            access,
            (_read_source(self.bucket, access), listing),
            prefix=True,
        )


def _key_in_url(key: str) -> str:
    """The key as `s3_url_for_object` writes it in the URL SageMaker reads: without one leading
    '/' (the grants must name that key, not `bucket//key`)."""
    return key.removeprefix("/")


def _read_source(bucket: s3.IBucket, access: ModelDataAccess) -> SourceResource:
    """What `bucket`'s policy must allow for the role to read the objects of `access`."""
    return SourceResource(
        bucket, ("s3:GetObject",), (access.object_arn,), bucket.add_to_resource_policy
    )


def _bucket_key(bucket: s3.IBucket) -> BucketKey | None:
    """The KMS key that encrypts `bucket`, if it has one (S3 uses it in the bucket's region)."""
    encryption_key = bucket.encryption_key
    if encryption_key is None:
        return None
    return BucketKey(encryption_key.key_arn, bucket.env.region)


@dataclass(frozen=True)
class _AssetModelData(ModelData):
    path: str

    @property
    def asset_path(self) -> str | None:
        return self.path

    def _bind(self, scope: Construct, id: str) -> _BoundModelData:
        asset = s3_assets.Asset(scope, id, path=self.path)
        access = ModelDataAccess(asset.bucket.arn_for_objects(asset.s3_object_key))
        return _BoundModelData(asset.s3_object_url, access)


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
        # Keep the definition immutable: copy the caller's mapping into a read-only view.
        if isinstance(self.environment, Mapping):
            object.__setattr__(self, "environment", types.MappingProxyType(dict(self.environment)))

    @property
    def container_image(self) -> ContainerImage:
        """The image as a `ContainerImage` (a plain string given as `image` is converted to
        `ContainerImage.from_registry` when the definition is made)."""
        return cast(ContainerImage, self.image)
