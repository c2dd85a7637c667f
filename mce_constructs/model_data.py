"""`ModelData`: where a container's model artifacts come from (a `.tar.gz` by URI, in a bucket
of the app or as a local asset; uncompressed files under a key prefix).

Each source checks what it is given, says what the rules need to know of it before it is bound
(its URL, whether it is uncompressed), and, bound to an endpoint, renders its part of the
model's container (`ModelDataUrl` or `ModelDataSource`) and what the execution role needs.
"""

from __future__ import annotations

import abc
import os
import tarfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ._locations import s3_location
from ._permissions import BucketKey, ModelDataAccess, PrefixListing, s3_bucket_arn, s3_object_arn
from ._sources import SourceResource
from ._tokens import aws_partition
from .errors import Problem
from .rules.arguments import BUCKET, FLAG, check_type
from .rules.containers import MODEL_DATA_SUFFIX, is_key_prefix, prefix_problem
from .rules.location import Location
from .rules.values import is_unknown, shown

if TYPE_CHECKING:
    from aws_cdk import aws_s3 as s3


@dataclass(frozen=True)
class BoundModelData:
    """Model artifacts bound to an endpoint: the container's `ModelDataUrl` (a `.tar.gz`) or
    `ModelDataSource` (a key prefix of uncompressed artifacts), what reading them needs (None
    when they are not in a known S3 location: nothing is granted), and the resources of the
    app whose policies must allow the role."""

    model_data_url: str | None = None
    model_data_source: sagemaker.CfnModel.ModelDataSourceProperty | None = None
    access: ModelDataAccess | None = None
    sources: tuple[SourceResource, ...] = ()


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
        """A local gzip compressed tar archive (`model.tar.gz`, `model.tgz`: its content is
        checked, not its name, which SageMaker never sees), uploaded to the bootstrap's file
        assets bucket at deploy time; the role may read that object."""
        return _AssetModelData(path)

    @staticmethod
    def from_s3_prefix(uri: str, *, accept_eula: bool = False) -> ModelData:
        """Uncompressed artifacts: every object under a key prefix, `s3://bucket/prefix/`
        (ending with `/`), which SageMaker copies to the instances as they are
        (`ModelDataSource` with `S3DataType: S3Prefix`, `CompressionType: None`). The role may
        read the objects under the prefix and list the bucket under it; nothing is granted for
        a token or a URL outside S3.

        :param accept_eula: you accept the end-user license agreement of a gated model (a
            JumpStart model that requires it): renders `ModelAccessConfig.AcceptEula: true`.
            Setting it is your acceptance of the model's licence terms, which you are
            responsible for reviewing and complying with; SageMaker refuses to deploy a gated
            model without it. @default False (nothing accepted; no `ModelAccessConfig`)
        """
        return _UriPrefixModelData(uri, accept_eula)

    @staticmethod
    def from_bucket_prefix(
        bucket: s3.IBucket, prefix: str, *, accept_eula: bool = False
    ) -> ModelData:
        """Uncompressed artifacts under `prefix` (ending with `/`) in `bucket`, as
        `from_s3_prefix`; when the bucket has an `encryption_key`, the role may also decrypt
        with it, only through S3.

        :param accept_eula: you accept the model's end-user license agreement, as in
            `from_s3_prefix`. @default False
        """
        return _BucketPrefixModelData(bucket, prefix, accept_eula)

    @property
    def uri(self) -> str | None:
        """The URL of the artifacts (or of their prefix) when it is a str known before binding
        (what the rules check)."""
        return None

    @property
    def uncompressed(self) -> bool:
        """Whether the artifacts are uncompressed files under a key prefix."""
        return False

    def problems(self, where: Location) -> list[Problem]:
        """What is wrong with what the source was given (`where`: the container's model
        data)."""
        return []

    @abc.abstractmethod
    def bind(self, scope: Construct, id: str) -> BoundModelData:
        """Create what the artifacts need under `scope` (with `id`) and say where they are
        (called once per container by the endpoint)."""


def bucket_key(bucket: s3.IBucket) -> BucketKey | None:
    """The KMS key that encrypts `bucket`, if it has one (S3 uses it in the bucket's region)."""
    encryption_key = bucket.encryption_key
    if encryption_key is None:
        return None
    return BucketKey(encryption_key.key_arn, bucket.env.region)


GZIP_MAGIC = b"\x1f\x8b"


def is_gzip_tar_archive(path: str) -> bool:
    """Whether `path` is a file that starts as gzip does and opens as a tar archive (a
    directory is not: CDK would upload it as a zip)."""
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as file:
            if file.read(len(GZIP_MAGIC)) != GZIP_MAGIC:
                return False
        with tarfile.open(path, "r:gz") as archive:
            archive.next()
    except (OSError, tarfile.TarError, EOFError):
        return False
    return True


def _url_problems(url: object, where: Location) -> list[Problem]:
    """A URL given to a source is a str (a token is one)."""
    if isinstance(url, str):
        return []
    return [where.problem(f"{shown(url)} is not a str (a model data URL)")]


def _prefix_source(uri: str, accept_eula: bool) -> sagemaker.CfnModel.ModelDataSourceProperty:
    """Uncompressed model data: every object under the key prefix `uri`, copied as it is; with
    `accept_eula`, the user's acceptance of the model's licence (`ModelAccessConfig`)."""
    return sagemaker.CfnModel.ModelDataSourceProperty(
        s3_data_source=sagemaker.CfnModel.S3DataSourceProperty(
            s3_uri=uri,
            s3_data_type="S3Prefix",
            compression_type="None",
            model_access_config=sagemaker.CfnModel.ModelAccessConfigProperty(accept_eula=True)
            if accept_eula
            else None,
        )
    )


def _accept_eula_problems(accept_eula: object, where: Location) -> list[Problem]:
    """`accept_eula` is a bool (a token is one)."""
    return check_type(accept_eula, FLAG, where.field("accept_eula"))


def _key_in_url(key: str) -> str:
    """The key as `s3_url_for_object` writes it in the URL SageMaker reads: without one leading
    '/' (the grants must name that key, not `bucket//key`)."""
    return key.removeprefix("/")


def _read_source(bucket: s3.IBucket, access: ModelDataAccess) -> SourceResource:
    """What `bucket`'s policy must allow for the role to read the objects of `access`."""
    return SourceResource(
        bucket, ("s3:GetObject",), (access.object_arn,), bucket.add_to_resource_policy
    )


@dataclass(frozen=True)
class _UriModelData(ModelData):
    data_uri: str

    @property
    def uri(self) -> str | None:
        return self.data_uri if isinstance(self.data_uri, str) else None

    def problems(self, where: Location) -> list[Problem]:
        return _url_problems(self.data_uri, where)

    def bind(self, scope: Construct, id: str) -> BoundModelData:
        location = s3_location(self.data_uri)
        if location is None or not location.key:
            return BoundModelData(self.data_uri)
        arn = s3_object_arn(aws_partition(), location.bucket, location.key)
        return BoundModelData(self.data_uri, access=ModelDataAccess(arn))


@dataclass(frozen=True)
class _BucketModelData(ModelData):
    bucket: s3.IBucket
    key: str

    def problems(self, where: Location) -> list[Problem]:
        problems = check_type(self.bucket, BUCKET, where.field("bucket"))
        key = self.key
        if not isinstance(key, str):
            problems.append(where.problem(f"{shown(key)} is not a str (an object key)"))
        elif not is_unknown(key) and not key.strip("/"):
            problems.append(
                where.problem(
                    f"ModelData.from_bucket(bucket, {shown(key)}) names the bucket, not an "
                    f"object; model data is one {MODEL_DATA_SUFFIX} object: give its key"
                )
            )
        return problems

    def bind(self, scope: Construct, id: str) -> BoundModelData:
        key = _key_in_url(self.key)
        access = ModelDataAccess(self.bucket.arn_for_objects(key), bucket_key(self.bucket))
        return BoundModelData(
            self.bucket.s3_url_for_object(self.key),
            access=access,
            sources=(_read_source(self.bucket, access),),
        )


@dataclass(frozen=True)
class _AssetModelData(ModelData):
    path: str

    def problems(self, where: Location) -> list[Problem]:
        """An existing file that is a gzip compressed tar archive, whatever its name: the
        asset is uploaded under its hash, so its local name never reaches SageMaker."""
        path = self.path
        if is_unknown(path) or (isinstance(path, str) and is_gzip_tar_archive(path)):
            return []
        return [
            where.problem(
                f"ModelData.from_asset({shown(path)}): model artifacts are an existing file "
                f"that is a gzip compressed tar archive ({MODEL_DATA_SUFFIX})"
            )
        ]

    def bind(self, scope: Construct, id: str) -> BoundModelData:
        asset = s3_assets.Asset(scope, id, path=self.path)
        access = ModelDataAccess(asset.bucket.arn_for_objects(asset.s3_object_key))
        return BoundModelData(asset.s3_object_url, access=access)


@dataclass(frozen=True)
class _UriPrefixModelData(ModelData):
    prefix_uri: str
    accept_eula: bool = False

    @property
    def uri(self) -> str | None:
        return self.prefix_uri if isinstance(self.prefix_uri, str) else None

    @property
    def uncompressed(self) -> bool:
        return True

    def problems(self, where: Location) -> list[Problem]:
        return [
            *_url_problems(self.prefix_uri, where),
            *_accept_eula_problems(self.accept_eula, where),
        ]

    def bind(self, scope: Construct, id: str) -> BoundModelData:
        source = _prefix_source(self.prefix_uri, self.accept_eula)
        location = s3_location(self.prefix_uri)
        if location is None:
            return BoundModelData(model_data_source=source)
        partition = aws_partition()
        bucket, prefix = location.bucket, location.key
        access = ModelDataAccess(
            s3_object_arn(partition, bucket, f"{prefix}*"),
            listing=PrefixListing(s3_bucket_arn(partition, bucket), prefix),
        )
        return BoundModelData(model_data_source=source, access=access)


@dataclass(frozen=True)
class _BucketPrefixModelData(ModelData):
    bucket: s3.IBucket
    key_prefix: str
    accept_eula: bool = False

    @property
    def uncompressed(self) -> bool:
        return True

    def problems(self, where: Location) -> list[Problem]:
        problems = check_type(self.bucket, BUCKET, where.field("bucket"))
        prefix = self.key_prefix
        if not isinstance(prefix, str):
            problems.append(where.problem(f"{shown(prefix)} is not a str (a key prefix)"))
        elif not is_unknown(prefix) and not is_key_prefix(prefix):
            problems.append(prefix_problem(where, prefix))
        return problems + _accept_eula_problems(self.accept_eula, where)

    def bind(self, scope: Construct, id: str) -> BoundModelData:
        bucket_arn = self.bucket.bucket_arn
        prefix = _key_in_url(self.key_prefix)
        access = ModelDataAccess(
            self.bucket.arn_for_objects(f"{prefix}*"),
            bucket_key(self.bucket),
            PrefixListing(bucket_arn, prefix),
        )
        # In another account, the bucket's policy allows the listing of the whole bucket: the
        # role's own policy still limits it to the prefix.
        listing = SourceResource(
            self.bucket, ("s3:ListBucket",), (bucket_arn,), self.bucket.add_to_resource_policy
        )
        return BoundModelData(
            model_data_source=_prefix_source(
                self.bucket.s3_url_for_object(self.key_prefix), self.accept_eula
            ),
            access=access,
            sources=(_read_source(self.bucket, access), listing),
        )
