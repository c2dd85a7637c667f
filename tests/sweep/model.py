"""A configuration of the sweep as plain data, how it is built, and what the rules make of it.

A `Case` holds plain values and small specs, never CDK objects, so that Hypothesis can shrink it
and print it. `build` turns it into a `MultiContainerEndpoint` in a fresh app. Each spec says
which problems SERVICE_RULES.md makes of it (`problems`): their union, `expected_problems`, is
the sweep's oracle. A value is a literal, a `Tok` (a CDK token, skipped by the rules) or a
`Wrong` (a value of the wrong type, refused naming its field).
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ssm as ssm
from cdk_nag import AwsSolutionsChecks

from mce_constructs import (
    CapacitySize,
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    DeploymentConfig,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
    RoutingStrategy,
    TrafficRouting,
    VariantDefinition,
)

from .._service_model import sagemaker_model

STACK = "Sweep"
ENDPOINT = "Endpoint"
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
NAME_MAX_LENGTH = 63
NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
"""SERVICE_RULES.md, "Names" (the same rule for hostnames, models, configs and variants)."""
ECR_IMAGE = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr(-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/[^:@]+"
    r"([:@].+)?"
)
S3_HTTPS_REGION = re.compile(
    r"https://([^/]+\.)?s3([.-]dualstack)?[.-](?P<region>[a-z]{2}(-[a-z]+)+-\d)\.amazonaws\.com"
)


def instance_types() -> tuple[str, ...]:
    """The service model's `ProductionVariantInstanceType` (read from botocore, not from the
    construct, so that the oracle is independent of it)."""
    enum_values: list[str] = sagemaker_model().shape_for("ProductionVariantInstanceType").enum
    return tuple(enum_values)


# --- Values -----------------------------------------------------------------------------------


class TokKind(enum.Enum):
    """The kinds of CDK tokens a field can hold."""

    PARAMETER = "CfnParameter"
    LAZY = "Lazy"
    IMPORT = "Fn.import_value"
    PSEUDO = "Aws.REGION"
    SSM = "ssm parameter"
    LATE = "Lazy set after the construct"
    """A `Lazy.uncached_string` whose value is set only after the construct is created (as an
    aspect or a late assignment would)."""


@dataclass(frozen=True)
class Tok:
    """A token, written as `prefix` + (the token) + `suffix`. A LAZY or LATE token produces
    `value` (a valid value of its field); a CfnParameter has no default (its value is known only
    at deploy time)."""

    kind: TokKind
    value: str = "value"
    prefix: str = ""
    suffix: str = ""
    allowed: tuple[str, ...] = ()
    """The CfnParameter's allowed values (for a field with an enum)."""


@dataclass(frozen=True)
class NumTok:
    """A number token (CfnParameter of type Number, or a Lazy number producing `value`)."""

    kind: TokKind
    value: int = 1


@dataclass(frozen=True)
class Wrong:
    """A value of the wrong type for its field."""

    value: Any


@dataclass(frozen=True)
class Filler:
    """`char` repeated `count` times (long values, printed short)."""

    char: str
    count: int

    def __str__(self) -> str:
        return self.char * self.count


Text = str | Filler | Tok | Wrong
Number = int | float | NumTok | Wrong


@dataclass(frozen=True)
class Where:
    """A problem the construct must name: the field (one of `fields`), in container `container`
    when the field is a container's, of variant `variant` in the `variants=` form."""

    fields: tuple[str, ...]
    container: int | None = None
    optional: bool = False
    """The rules leave it open (a hostname rule that depends on a mode of the wrong type)."""
    variant: int | None = None

    def __str__(self) -> str:
        prefix = "" if self.variant is None else f"variants[{self.variant}]."
        prefix += "" if self.container is None else f"containers[{self.container}]."
        return prefix + "|".join(self.fields)


def at(field_name: str, container: int | None = None) -> Where:
    return Where((field_name,), container)


# --- Building ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assets:
    """The local files the asset sources use (made once per test module)."""

    dockerfile_dir: Path
    tarball: Path
    missing: Path
    not_tarball: Path


class Context:
    """A fresh app and stack for one build, and what the specs create in it."""

    def __init__(self, case: Case, assets: Assets, outdir: Path, *, nag: bool) -> None:
        self.app = cdk.App(
            outdir=str(outdir),
            builtin_cloud_formation_validation=False,
            # Each resource's construct path, so that the checks find the endpoint's own.
            context={"aws:cdk:enable-path-metadata": True},
        )
        if nag:
            cdk.Validations.of(self.app).add_plugins(AwsSolutionsChecks(self.app))
        env = None
        if case.region is not None:
            env = cdk.Environment(account=ACCOUNT, region=case.region)
        self.stack = cdk.Stack(self.app, STACK, env=env)
        self.case = case
        self.assets = assets
        self.outdir = outdir
        self.late: dict[str, str] = {}
        """The values of LATE tokens, by id: set after the construct is created."""
        self.after: list[Callable[[MultiContainerEndpoint], None]] = []
        """What happens to the endpoint after it is created (scaling, escape hatches)."""
        self._ids = itertools.count()
        self._section = ""

    def new_id(self, prefix: str) -> str:
        """A construct id, the same in every build of the same case."""
        return f"{prefix}{self._section}{next(self._ids)}"

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        """Number the ids made inside apart (a variant's: a change to one variant then shifts
        no id of another)."""
        saved = self._ids, self._section
        self._ids, self._section = itertools.count(), name
        try:
            yield
        finally:
            self._ids, self._section = saved

    def text(self, value: Text) -> Any:
        """A text value as the construct receives it."""
        if isinstance(value, Wrong):
            return value.value
        if isinstance(value, Filler):
            return str(value)
        if isinstance(value, Tok):
            return value.prefix + self.token(value) + value.suffix
        return value

    def token(self, value: Tok) -> str:
        stack = self.stack
        if value.kind is TokKind.PARAMETER:
            allowed = list(value.allowed) or None
            parameter = cdk.CfnParameter(stack, self.new_id("Param"), allowed_values=allowed)
            return parameter.value_as_string
        if value.kind is TokKind.LAZY:
            return cdk.Lazy.string(_Produce(value.value))
        if value.kind is TokKind.IMPORT:
            return cdk.Fn.import_value(self.new_id("sweep-export-"))
        if value.kind is TokKind.PSEUDO:
            return cdk.Aws.REGION
        if value.kind is TokKind.SSM:
            name = self.new_id("/sweep/parameter-")
            return ssm.StringParameter.value_for_string_parameter(stack, name)
        key = self.new_id("Late")
        self.late[key] = "early"
        self.after.append(lambda _: self.late.__setitem__(key, value.value))
        return cdk.Lazy.uncached_string(_Late(self.late, key))

    def number(self, value: Number) -> Any:
        if isinstance(value, Wrong):
            return value.value
        if isinstance(value, NumTok):
            if value.kind is TokKind.PARAMETER:
                parameter = cdk.CfnParameter(self.stack, self.new_id("Param"), type="Number")
                return parameter.value_as_number
            return cdk.Lazy.number(_ProduceNumber(value.value))
        return value


@jsii.implements(cdk.IStableStringProducer)
class _Produce:
    """What `Lazy.string` calls to learn the value."""

    def __init__(self, value: str) -> None:
        self.value = value

    def produce(self) -> str:
        return self.value


@jsii.implements(cdk.IStringProducer)
class _Late:
    """A producer whose value is set after the construct is created."""

    def __init__(self, values: dict[str, str], key: str) -> None:
        self.values = values
        self.key = key

    def produce(self, context: cdk.IResolveContext) -> str:
        return self.values[self.key]


@jsii.implements(cdk.IStableNumberProducer)
class _ProduceNumber:
    def __init__(self, value: int) -> None:
        self.value = value

    def produce(self) -> int:
        return self.value


def literal(value: Text | None) -> str | None:
    """The literal text of a value (None for a token, a wrong type or no value)."""
    if isinstance(value, Filler):
        return str(value)
    return value if isinstance(value, str) else None


def name_problems(value: Text | None, where: Where) -> list[Where]:
    """SERVICE_RULES.md "Names": 1 to 63 characters of `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`."""
    if value is None or isinstance(value, Tok):
        return []
    text = literal(value)
    if text is None or len(text) > NAME_MAX_LENGTH or not NAME_PATTERN.fullmatch(text):
        return [where]
    return []


# --- Containers -------------------------------------------------------------------------------


class Spec(Protocol):
    def build(self, ctx: Context) -> Any: ...
    def problems(self, case: Case, where: Where) -> list[Where]: ...


@dataclass(frozen=True)
class RegistryImage:
    """`ContainerImage.from_registry(uri)`, or the plain `str` when `plain`."""

    uri: Text
    plain: bool = False

    def build(self, ctx: Context) -> Any:
        uri = ctx.text(self.uri)
        return uri if self.plain else ContainerImage.from_registry(uri)

    def problems(self, case: Case, where: Where) -> list[Where]:
        if isinstance(self.uri, Wrong):
            return [where]
        text = literal(self.uri)
        if text is None:
            return []
        if not 1 <= len(text) <= 255 or re.search(r"\s", text):
            return [where]
        ecr_image = ECR_IMAGE.fullmatch(text)
        if ecr_image is None:
            return [where]  # outside ECR: only with the private-registry source
        if case.region is not None and ecr_image["region"] != case.region:
            return [where]  # an ECR image in another region than the stack
        return []


class RepositoryKind(enum.Enum):
    IN_APP = "ecr.Repository in the app"
    BY_NAME = "ecr.Repository.from_repository_name"
    OTHER_ACCOUNT = "ecr.Repository.from_repository_arn of another account"


@dataclass(frozen=True)
class RepositoryImage:
    """`ContainerImage.from_ecr_repository(repository, tag)`."""

    kind: RepositoryKind
    name: str
    tag: str = "latest"

    def build(self, ctx: Context) -> Any:
        repository_id = ctx.new_id("Repository")
        repository: ecr.IRepository
        if self.kind is RepositoryKind.IN_APP:
            name = f"{self.name}-{repository_id.lower()}"  # unique in the app
            repository = ecr.Repository(ctx.stack, repository_id, repository_name=name)
        elif self.kind is RepositoryKind.BY_NAME:
            repository = ecr.Repository.from_repository_name(ctx.stack, repository_id, self.name)
        else:
            region = ctx.stack.region if not cdk.Token.is_unresolved(ctx.stack.region) else None
            arn = f"arn:aws:ecr:{region or 'us-east-1'}:{OTHER_ACCOUNT}:repository/{self.name}"
            repository = ecr.Repository.from_repository_arn(ctx.stack, repository_id, arn)
        return ContainerImage.from_ecr_repository(repository, self.tag)

    def problems(self, case: Case, where: Where) -> list[Where]:
        return []  # in the stack's region (us-east-1 for an environment-agnostic stack)


@dataclass(frozen=True)
class AssetImage:
    """`ContainerImage.from_asset(directory)`: the fixture, or a directory that does not
    exist."""

    exists: bool = True

    def build(self, ctx: Context) -> Any:
        directory = ctx.assets.dockerfile_dir if self.exists else ctx.assets.missing
        return ContainerImage.from_asset(str(directory))

    def problems(self, case: Case, where: Where) -> list[Where]:
        return [] if self.exists else [where]


@dataclass(frozen=True)
class UriModelData:
    """`ModelData.from_uri(uri)`, or with `prefix`, `ModelData.from_s3_prefix(uri)`
    (uncompressed artifacts under a key prefix); or a plain value where a ModelData is
    expected (`plain`)."""

    uri: Text
    plain: bool = False
    prefix: bool = False

    def build(self, ctx: Context) -> Any:
        uri = ctx.text(self.uri)
        if self.plain:
            return uri
        return ModelData.from_s3_prefix(uri) if self.prefix else ModelData.from_uri(uri)

    def problems(self, case: Case, where: Where) -> list[Where]:
        if self.plain or isinstance(self.uri, Wrong):
            return [where]
        text = literal(self.uri)
        if text is None:
            return []
        if re.fullmatch(r"s3://[^/]+/?", text):
            return [where]  # a bucket is not an artifact
        if self.prefix and not text.endswith("/"):
            return [where]  # SERVICE_RULES.md, "Images and model data": a prefix ends with '/'
        return s3_url_problems(text, case, where)


class BucketKind(enum.Enum):
    IMPORTED = "s3.Bucket.from_bucket_name"
    ENCRYPTED = "s3.Bucket.from_bucket_attributes with a kms.Key of the app"
    IN_APP = "s3.Bucket in the app (named by CloudFormation)"


def bucket(ctx: Context, kind: BucketKind, name: str) -> s3.IBucket:
    """A bucket of `kind` (`name` is not used for one in the app: CloudFormation names it)."""
    bucket_id = ctx.new_id("Bucket")
    if kind is BucketKind.IMPORTED:
        return s3.Bucket.from_bucket_name(ctx.stack, bucket_id, name)
    if kind is BucketKind.IN_APP:
        return s3.Bucket(ctx.stack, bucket_id, enforce_ssl=True)
    key = kms.Key(ctx.stack, f"{bucket_id}Key", enable_key_rotation=True)
    return s3.Bucket.from_bucket_attributes(
        ctx.stack, bucket_id, bucket_name=name, encryption_key=key
    )


@dataclass(frozen=True)
class BucketModelData:
    """`ModelData.from_bucket(bucket, key)`, or with `prefix`,
    `ModelData.from_bucket_prefix(bucket, key)` (uncompressed artifacts under a key prefix)."""

    kind: BucketKind
    bucket_name: str
    key: str
    prefix: bool = False

    def build(self, ctx: Context) -> Any:
        source = ModelData.from_bucket_prefix if self.prefix else ModelData.from_bucket
        return source(bucket(ctx, self.kind, self.bucket_name), self.key)

    def problems(self, case: Case, where: Where) -> list[Where]:
        if self.prefix:
            # SERVICE_RULES.md, "Images and model data": a key prefix ends with '/', and
            # s3://bucket/ is not one (CDK writes a prefix '/' as s3://bucket/).
            return [] if self.key.endswith("/") and self.key.strip("/") else [where]
        return [] if self.key.strip("/") else [where]  # s3://bucket/ is not an artifact


class AssetFile(enum.Enum):
    TARBALL = "a .tar.gz file"
    MISSING = "a file that does not exist"
    NOT_TARBALL = "a file that is not a .tar.gz"


@dataclass(frozen=True)
class AssetModelData:
    """`ModelData.from_asset(path)`."""

    file: AssetFile = AssetFile.TARBALL

    def build(self, ctx: Context) -> Any:
        path = {
            AssetFile.TARBALL: ctx.assets.tarball,
            AssetFile.MISSING: ctx.assets.missing,
            AssetFile.NOT_TARBALL: ctx.assets.not_tarball,
        }[self.file]
        return ModelData.from_asset(str(path))

    def problems(self, case: Case, where: Where) -> list[Where]:
        return [] if self.file is AssetFile.TARBALL else [where]


def s3_url_problems(text: str, case: Case, where: Where) -> list[Where]:
    """A model data URL (SERVICE_RULES.md, "Containers" and "Images and model data"): `s3://`
    or `https://`, at most 1024 characters, S3 artifacts in the stack's region."""
    if len(text) > 1024 or not re.fullmatch(r"(https|s3)://[^/]+/?.*", text):
        return [where]
    regional = S3_HTTPS_REGION.match(text)
    if case.region is not None and regional and regional["region"] != case.region:
        return [where]  # S3 model artifacts in another region than the stack
    return []


class ProviderKind(enum.Enum):
    IMPORTED = "lambda_.Function.from_function_arn"
    IN_APP = "a lambda_.CfnFunction in the app, by its Arn attribute"


@dataclass(frozen=True)
class PrivateRegistryImage:
    """`ContainerImage.from_private_registry(uri, credentials_provider=...)`: pulled through
    the VPC, so the endpoint needs `vpc`."""

    uri: Text
    provider: ProviderKind | Wrong | None = None

    def build(self, ctx: Context) -> Any:
        provider: Any = None
        if isinstance(self.provider, Wrong):
            provider = self.provider.value
        elif self.provider is ProviderKind.IMPORTED:
            arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:registry-credentials"
            provider = lambda_.Function.from_function_arn(ctx.stack, ctx.new_id("Provider"), arn)
        elif self.provider is ProviderKind.IN_APP:
            # An L1 function: lambda_.Function's own DependsOn on its role is a cfn-lint W3005.
            function = lambda_.CfnFunction(
                ctx.stack,
                ctx.new_id("Provider"),
                role=f"arn:aws:iam::{ACCOUNT}:role/registry-credentials",
                runtime="python3.12",
                handler="index.handler",
                code=lambda_.CfnFunction.CodeProperty(
                    zip_file="def handler(e, c):\n    return {}\n"
                ),
            )
            provider = lambda_.Function.from_function_arn(
                ctx.stack, ctx.new_id("Provider"), function.attr_arn
            )
        return ContainerImage.from_private_registry(
            ctx.text(self.uri), credentials_provider=provider
        )

    def problems(self, case: Case, where: Where) -> list[Where]:
        vpc = case.option(Vpc)
        text = literal(self.uri)
        found = []
        if (
            isinstance(self.uri, Wrong)
            or vpc is None
            or not vpc.vpc  # SERVICE_RULES.md: RepositoryAccessMode Vpc needs a VpcConfig
            or (text is not None and (not 1 <= len(text) <= 255 or re.search(r"\s", text)))
        ):
            found.append(where)
        if isinstance(self.provider, Wrong):  # DESIGN.md guarantee 6
            found.append(Where(("credentials_provider", *where.fields), where.container))
        return found


Image = RegistryImage | RepositoryImage | AssetImage | PrivateRegistryImage
ModelDataSpec = UriModelData | BucketModelData | AssetModelData

ENV_KEY = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


@dataclass(frozen=True)
class Environment:
    """A container's environment variables (`entries`), or `wrong`: not a mapping."""

    entries: tuple[tuple[Text, Text], ...] = ()
    wrong: Wrong | None = None

    def build(self, ctx: Context) -> Any:
        if self.wrong is not None:
            return self.wrong.value
        return {ctx.text(key): ctx.text(value) for key, value in self.entries}

    def problems(self, case: Case, where: Where) -> list[Where]:
        if self.wrong is not None:
            return [where]
        found = []
        if len(self.entries) > 100:
            found.append(where)
        for key, value in self.entries:
            key_text = literal(key)
            if isinstance(key, Wrong) or (
                key_text is not None and (len(key_text) > 1024 or not ENV_KEY.fullmatch(key_text))
            ):
                found.append(where)
            value_text = literal(value)
            if isinstance(value, Wrong) or (value_text is not None and len(value_text) > 1024):
                found.append(where)
        return found

    def size(self) -> int:
        """UTF-8 bytes of the literal keys and values (SERVICE_RULES.md: 32 KB in total)."""
        texts = [literal(item) for entry in self.entries for item in entry]
        return sum(len(text.encode()) for text in texts if text is not None)


@dataclass(frozen=True)
class Container:
    """One `ContainerDefinition`."""

    image: Image | Wrong
    hostname: Text | None = None
    model_data: ModelDataSpec | Wrong | None = None
    environment: Environment = field(default_factory=Environment)

    def build(self, ctx: Context) -> ContainerDefinition:
        options: dict[str, Any] = {}
        if self.hostname is not None:
            options["container_hostname"] = ctx.text(self.hostname)
        if self.model_data is not None:
            options["model_data"] = (
                self.model_data.value
                if isinstance(self.model_data, Wrong)
                else self.model_data.build(ctx)
            )
        if self.environment != Environment():
            options["environment"] = self.environment.build(ctx)
        image = self.image.value if isinstance(self.image, Wrong) else self.image.build(ctx)
        return ContainerDefinition(image=image, **options)

    def problems(self, case: Case, index: int) -> list[Where]:
        found = []
        image_where = at("image", index)
        if isinstance(self.image, Wrong):
            found.append(image_where)
        else:
            found += self.image.problems(case, image_where)
        if isinstance(self.model_data, Wrong):
            found.append(at("model_data", index))
        elif self.model_data is not None:
            found += self.model_data.problems(case, at("model_data", index))
        found += self.environment.problems(case, at("environment", index))
        return found


def hostname_problems(
    containers: tuple[Container, ...], mode: InvocationMode | Wrong
) -> list[Where]:
    """Hostnames: valid, unique case-insensitively, on every container in Direct mode and on
    all or none in Serial mode (SERVICE_RULES.md, "Containers")."""
    found: list[Where] = []
    present = [container.hostname is not None for container in containers]
    for index, container in enumerate(containers):
        where = at("container_hostname", index)
        if container.hostname is None:
            if isinstance(mode, Wrong):
                found.append(Where(where.fields, index, optional=True))
            elif mode is InvocationMode.DIRECT or any(present):
                found.append(where)
            continue
        if isinstance(container.hostname, Wrong):
            found.append(where)
            continue
        found += name_problems(container.hostname, where)
        text = literal(container.hostname)
        earlier = [literal(other.hostname) for other in containers[:index]]
        if text is not None and text.lower() in {
            other.lower() for other in earlier if other is not None
        }:
            found.append(where)
    return found


# --- Endpoint options -------------------------------------------------------------------------


class Option(Protocol):
    """An option of the construct: the keyword arguments it gives, and its problems."""

    def kwargs(self, ctx: Context) -> dict[str, Any]: ...
    def problems(self, case: Case) -> list[Where]: ...


@dataclass(frozen=True)
class _TextOption:
    """An option of the construct that takes one text, given as `keyword`."""

    value: Text
    keyword: ClassVar[str]

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        return {self.keyword: ctx.text(self.value)}


class InstanceType(_TextOption):
    keyword = "instance_type"

    def problems(self, case: Case) -> list[Where]:
        # GPU, Inferentia and NVMe types are allowed (warnings at most): SERVICE_RULES.md.
        if isinstance(self.value, Tok):
            return []
        if isinstance(self.value, Wrong) or literal(self.value) not in instance_types():
            return [at(self.keyword)]
        return []


class _NameOption(_TextOption):
    """A SageMaker name."""

    def problems(self, case: Case) -> list[Where]:
        return name_problems(self.value, at(self.keyword))


class EndpointName(_NameOption):
    keyword = "endpoint_name"


class VariantName(_NameOption):
    keyword = "variant_name"


@dataclass(frozen=True)
class InstanceCount:
    value: Number

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        return {"initial_instance_count": ctx.number(self.value)}

    def problems(self, case: Case) -> list[Where]:
        value = self.value
        if isinstance(value, NumTok):
            return []
        if isinstance(value, Wrong) or not isinstance(value, int) or value < 1:
            return [at("initial_instance_count")]
        return []


class RoleKind(enum.Enum):
    IN_APP = "iam.Role in the app"
    IMPORTED = "iam.Role.from_role_arn"
    IMMUTABLE = "iam.Role.from_role_arn(mutable=False)"


@dataclass(frozen=True)
class Role:
    kind: RoleKind
    role_name: str | None = None

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        role_id = ctx.new_id("Role")
        if self.kind is RoleKind.IN_APP:
            role = iam.Role(
                ctx.stack,
                role_id,
                role_name=self.role_name,
                assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            )
            return {"role": role}
        arn = f"arn:aws:iam::{ACCOUNT}:role/{self.role_name or 'execution'}"
        mutable = self.kind is RoleKind.IMPORTED
        return {"role": iam.Role.from_role_arn(ctx.stack, role_id, arn, mutable=mutable)}

    def problems(self, case: Case) -> list[Where]:
        return []


class SubnetsKind(enum.Enum):
    LITERAL = "subnet ids"
    LIST_TOKEN = "a CfnParameter of type List<AWS::EC2::Subnet::Id>"
    SELECTED = "vpc_subnets=SubnetSelection(subnets=[...])"
    NO_PUBLIC = "vpc_subnets=SubnetSelection(subnet_type=PUBLIC) in a VPC with none"


class GroupsKind(enum.Enum):
    IMPORTED = "ec2.SecurityGroup.from_security_group_id"
    IN_APP = "ec2.SecurityGroup in the app"
    TOKEN = "ec2.SecurityGroup.from_security_group_id(Fn.import_value(...))"


@dataclass(frozen=True)
class Vpc:
    """`vpc` (imported with `from_vpc_attributes`), `vpc_subnets` and `security_groups`; or,
    with `vpc=False`, the subnet and group options alone."""

    subnets: SubnetsKind = SubnetsKind.LITERAL
    subnet_count: int = 2
    groups: GroupsKind | None = None
    group_count: int = 1
    vpc: bool = True

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        options: dict[str, Any] = {}
        stack = ctx.stack
        ids = [f"subnet-{index:017x}" for index in range(self.subnet_count)]
        if self.subnets is SubnetsKind.LIST_TOKEN:
            parameter = cdk.CfnParameter(
                stack, ctx.new_id("Subnets"), type="List<AWS::EC2::Subnet::Id>"
            )
            private: Sequence[str] = parameter.value_as_list
        else:
            private = ids if self.subnets is SubnetsKind.LITERAL else ids[:1]
        vpc = ec2.Vpc.from_vpc_attributes(
            stack,
            ctx.new_id("Vpc"),
            vpc_id="vpc-0123456789abcdef0",
            availability_zones=["us-east-1a"],
            private_subnet_ids=private,
        )
        if self.vpc:
            options["vpc"] = vpc
        if self.subnets is SubnetsKind.SELECTED:
            options["vpc_subnets"] = ec2.SubnetSelection(
                subnets=[
                    ec2.Subnet.from_subnet_attributes(
                        stack,
                        ctx.new_id("Subnet"),
                        subnet_id=subnet,
                        availability_zone="us-east-1a",
                    )
                    for subnet in ids
                ]
            )
        elif self.subnets is SubnetsKind.NO_PUBLIC:
            options["vpc_subnets"] = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)
        if self.groups is not None:
            options["security_groups"] = [self._group(ctx, vpc) for _ in range(self.group_count)]
        return options

    def _group(self, ctx: Context, vpc: ec2.IVpc) -> ec2.ISecurityGroup:
        group_id = ctx.new_id("Group")
        if self.groups is GroupsKind.IN_APP:
            return ec2.SecurityGroup(ctx.stack, group_id, vpc=vpc)
        value = f"sg-{next(ctx._ids):017x}"
        if self.groups is GroupsKind.TOKEN:
            value = cdk.Fn.import_value(f"sweep-{group_id}")
        return ec2.SecurityGroup.from_security_group_id(ctx.stack, group_id, value)

    def problems(self, case: Case) -> list[Where]:
        found = []
        if not self.vpc:
            if self.subnets in (SubnetsKind.SELECTED, SubnetsKind.NO_PUBLIC):
                found.append(at("vpc_subnets"))
            if self.groups is not None:
                found.append(at("security_groups"))
            return found
        if self.subnets is SubnetsKind.NO_PUBLIC or (
            self.subnets is not SubnetsKind.LIST_TOKEN and not 1 <= self.subnet_count <= 16
        ):
            found.append(at("vpc_subnets"))
        if self.groups is not None and self.group_count > 5:
            found.append(at("security_groups"))
        return found


@dataclass(frozen=True)
class Isolation:
    value: bool | Wrong

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        value = self.value.value if isinstance(self.value, Wrong) else self.value
        return {"enable_network_isolation": value}

    def problems(self, case: Case) -> list[Where]:
        return [at("enable_network_isolation")] if isinstance(self.value, Wrong) else []


class KeyKind(enum.Enum):
    IN_APP = "kms.Key in the app"
    IMPORTED = "kms.Key.from_key_arn"


@dataclass(frozen=True)
class Kms:
    kind: KeyKind | Wrong

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        if isinstance(self.kind, Wrong):
            return {"kms_key": self.kind.value}
        key: kms.IKey
        if self.kind is KeyKind.IN_APP:
            key = kms.Key(ctx.stack, ctx.new_id("Key"), enable_key_rotation=True)
        else:
            arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            key = kms.Key.from_key_arn(ctx.stack, ctx.new_id("Key"), arn)
        return {"kms_key": key}

    def problems(self, case: Case) -> list[Where]:
        # With an NVMe-only instance type: a warning, never a refusal (SERVICE_RULES.md).
        return [at("kms_key")] if isinstance(self.kind, Wrong) else []


@dataclass(frozen=True)
class Size:
    percent: bool
    value: int

    def build(self) -> CapacitySize:
        if self.percent:
            return CapacitySize.percent(self.value)
        return CapacitySize.instances(self.value)

    def problems(self, where: str, percent: tuple[int, int]) -> list[Where]:
        low, high = percent if self.percent else (1, 10**9)
        return [] if low <= self.value <= high else [at(where)]


class RoutingType(enum.Enum):
    ALL_AT_ONCE = "all_at_once"
    CANARY = "canary"
    LINEAR = "linear"


@dataclass(frozen=True)
class Deployment:
    """`deployment=DeploymentConfig.blue_green(...)` or, with `rolling`, `.rolling(...)`;
    durations in seconds (a `NumTok` is a token duration)."""

    rolling: bool = False
    routing: RoutingType = RoutingType.ALL_AT_ONCE
    size: Size = Size(True, 10)
    wait: int | NumTok | None = None
    termination_wait: int | None = None
    timeout: int | None = None
    rollback_size: Size | None = None
    alarms: int = 0
    alarms_in_app: bool = True

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        wait = None if self.wait is None else cdk.Duration.seconds(ctx.number(self.wait))
        alarms = [self._alarm(ctx) for _ in range(self.alarms)]
        timeout = _seconds(self.timeout)
        if self.rolling:
            return {
                "deployment": DeploymentConfig.rolling(
                    batch_size=self.size.build(),
                    wait=wait or cdk.Duration.seconds(0),
                    rollback_batch_size=self.rollback_size.build() if self.rollback_size else None,
                    maximum_execution_timeout=timeout,
                    rollback_alarms=alarms,
                )
            }
        if self.routing is RoutingType.ALL_AT_ONCE:
            routing = TrafficRouting.all_at_once(wait=wait)
        elif self.routing is RoutingType.CANARY:
            routing = TrafficRouting.canary(
                size=self.size.build(), wait=wait or cdk.Duration.seconds(0)
            )
        else:
            routing = TrafficRouting.linear(
                step=self.size.build(), wait=wait or cdk.Duration.seconds(0)
            )
        return {
            "deployment": DeploymentConfig.blue_green(
                traffic_routing=routing,
                termination_wait=_seconds(self.termination_wait),
                maximum_execution_timeout=timeout,
                rollback_alarms=alarms,
            )
        }

    def _alarm(self, ctx: Context) -> cloudwatch.IAlarm:
        alarm_id = ctx.new_id("Alarm")
        if not self.alarms_in_app:
            arn = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{alarm_id}"
            return cloudwatch.Alarm.from_alarm_arn(ctx.stack, alarm_id, arn)
        metric = cloudwatch.Metric(namespace="AWS/SageMaker", metric_name="Invocation5XXErrors")
        return cloudwatch.Alarm(
            ctx.stack, alarm_id, metric=metric, threshold=1, evaluation_periods=1
        )

    def problems(self, case: Case) -> list[Where]:
        """SERVICE_RULES.md, "Endpoint": the ranges of `DeploymentConfig`."""
        wait = self.wait if isinstance(self.wait, int) else None
        found = self._rolling_problems(wait) if self.rolling else self._blue_green_problems(wait)
        found += self._timeout_problems(wait)
        if self.alarms > 10:
            found.append(at("deployment.rollback_alarms"))
        return found

    def _rolling_problems(self, wait: int | None) -> list[Where]:
        found = self.size.problems("deployment.batch_size", (5, 50))
        if self.rollback_size is not None:
            found += self.rollback_size.problems("deployment.rollback_batch_size", (1, 100))
        if wait is not None and not 0 <= wait <= 3600:
            found.append(at("deployment.wait"))
        return found

    def _blue_green_problems(self, wait: int | None) -> list[Where]:
        found = []
        if self.routing is RoutingType.CANARY:
            found += self.size.problems("deployment.traffic_routing.size", (1, 50))
        elif self.routing is RoutingType.LINEAR:
            found += self.size.problems("deployment.traffic_routing.step", (10, 50))
        if wait is not None and not 0 <= wait <= 3600:
            found.append(at("deployment.traffic_routing.wait"))
        if self.termination_wait is not None and not 0 <= self.termination_wait <= 3600:
            found.append(at("deployment.termination_wait"))
        return found

    def _timeout_problems(self, wait: int | None) -> list[Where]:
        timeout = at("deployment.maximum_execution_timeout")
        if self.timeout is not None and not 600 <= self.timeout <= 28800:
            return [timeout]
        if (
            not self.rolling
            and self.timeout is not None
            and not isinstance(self.wait, NumTok)
            and self.timeout <= (self.termination_wait or 0) + (wait or 0)
        ):
            # CreateEndpoint's MaximumExecutionTimeoutInSeconds: "larger than the total
            # waiting time specified in TerminationWaitInSeconds and WaitIntervalInSeconds".
            return [timeout]
        return []


def _seconds(value: int | None) -> cdk.Duration | None:
    return None if value is None else cdk.Duration.seconds(value)


@dataclass(frozen=True)
class Tags:
    """`tags=`: a mapping of `entries`, or `wrong` (not a mapping)."""

    entries: tuple[tuple[Text, Text], ...] = ()
    wrong: Wrong | None = None

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        if self.wrong is not None:
            return {"tags": self.wrong.value}
        return {"tags": {ctx.text(key): ctx.text(value) for key, value in self.entries}}

    def problems(self, case: Case) -> list[Where]:
        """SERVICE_RULES.md, "Tags"."""
        where = at("tags")
        if self.wrong is not None or len(self.entries) > 50:
            return [where]
        allowed = re.compile(r"[\w\s.:/=+\-@]*")
        for key, value in self.entries:
            if isinstance(key, Wrong) or isinstance(value, Wrong):
                return [where]
            key_text, value_text = literal(key), literal(value)
            if key_text is not None and (
                not 1 <= len(key_text) <= 128
                # Lower case only: other cases are accepted with a warning (the sources
                # are unclear, see docs/refusals.md, mce-constructs:reservedTagPrefix).
                or key_text.startswith("aws:")
                or not allowed.fullmatch(key_text)
            ):
                return [where]
            if value_text is not None and (
                len(value_text) > 256 or not allowed.fullmatch(value_text)
            ):
                return [where]
        return []


@dataclass(frozen=True)
class Scaling:
    """`auto_scale_instance_count(min_capacity=, max_capacity=)` and, with a `target`,
    `scale_on_invocations(invocations_per_instance=target)`, after the construct: on the
    endpoint, or with `variant`, on `endpoint.variant(<name of variant number variant % n>)`."""

    min_capacity: int | NumTok = 1
    max_capacity: int | NumTok = 2
    target: float | None = None
    variant: int | None = None

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        def scale(endpoint: MultiContainerEndpoint) -> None:
            scaled: Any = endpoint
            if self.variant is not None:
                variants = endpoint.variants
                scaled = endpoint.variant(variants[self.variant % len(variants)].variant_name)
            scalable = scaled.auto_scale_instance_count(
                min_capacity=ctx.number(self.min_capacity),
                max_capacity=ctx.number(self.max_capacity),
            )
            if self.target is not None:
                scalable.scale_on_invocations(invocations_per_instance=self.target)

        ctx.after.append(scale)
        return {}

    def problems(self, case: Case) -> list[Where]:
        return []

    def problems_after(self, case: Case) -> list[Where]:
        """Raised by the scaling methods (after the construct is created)."""
        variants = case.variant_list()
        if self.variant is None and case.variants is not None and len(variants) != 1:
            # Scaling is per variant (SERVICE_RULES.md, "Endpoint config").
            return [at("auto_scale_instance_count")]
        found = []
        low, high = self.min_capacity, self.max_capacity
        if isinstance(low, int) and low < 1:
            found.append(at("auto_scale_instance_count.min_capacity"))
        if isinstance(low, int) and isinstance(high, int) and high < low:
            found.append(at("auto_scale_instance_count.max_capacity"))
        if case.variants is None:
            instance_type = case.option(InstanceType)
            given = None if instance_type is None else instance_type.value
        elif variants:
            given = variants[(self.variant or 0) % len(variants)].instance_type
        else:
            return []  # no variant to scale: the construct refuses the variants
        type_text = "ml.m5.large" if given is None else literal(given)
        if type_text is not None and type_text.startswith("ml.t"):
            # Burstable instances cannot be autoscaled (SERVICE_RULES.md, "autoscaling").
            found.append(
                Where(("auto_scale_instance_count", "instance_type", "min_capacity"), None)
            )
        if not found and self.target is not None and self.target <= 0:
            found.append(at("scale_on_invocations.invocations_per_instance"))
        return found


@dataclass(frozen=True)
class EscapeHatch:
    """`endpoint.model.add_property_override(...)` after the construct: an environment
    variable of the first container set to `value`."""

    value: str

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        def override(endpoint: MultiContainerEndpoint) -> None:
            endpoint.model.add_property_override(
                "Containers.0.Environment.SWEEP_OVERRIDE", self.value
            )

        ctx.after.append(override)
        return {}

    def problems(self, case: Case) -> list[Where]:
        return []


Seconds = int | float | NumTok | Wrong


@dataclass(frozen=True)
class VariantSettings:
    """A variant's settings: `volume_size` (GiB), the two timeouts (seconds), the routing
    strategy and SSM access; None leaves one to its default. The construct's keyword options
    in the single-variant form, a `VariantDefinition`'s in the `variants=` form."""

    volume_size: Seconds | None = None
    model_data_download_timeout: Seconds | None = None
    container_startup_health_check_timeout: Seconds | None = None
    routing_strategy: RoutingStrategy | Wrong | None = None
    enable_ssm_access: bool | Wrong | None = None

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        def value(given: Any, make: Callable[[Any], Any]) -> Any:
            return given.value if isinstance(given, Wrong) else make(ctx.number(given))

        found: dict[str, Any] = {}
        if self.volume_size is not None:
            found["volume_size"] = value(self.volume_size, cdk.Size.gibibytes)
        for name in ("model_data_download_timeout", "container_startup_health_check_timeout"):
            given = getattr(self, name)
            if given is not None:
                found[name] = value(given, cdk.Duration.seconds)
        for name in ("routing_strategy", "enable_ssm_access"):
            given = getattr(self, name)
            if given is not None:
                found[name] = given.value if isinstance(given, Wrong) else given
        return found

    def problems(self, case: Case) -> list[Where]:
        """SERVICE_RULES.md, "Endpoint config", per-variant settings."""
        found = []
        for name, (low, high) in (
            ("volume_size", (1, 512)),
            ("model_data_download_timeout", (60, 3600)),
            ("container_startup_health_check_timeout", (60, 3600)),
        ):
            given = getattr(self, name)
            if isinstance(given, Wrong) or (
                isinstance(given, int | float)
                and not (low <= given <= high and given == int(given))
            ):
                found.append(at(name))
        if isinstance(self.routing_strategy, Wrong):
            found.append(at("routing_strategy"))
        if isinstance(self.enable_ssm_access, Wrong):
            found.append(at("enable_ssm_access"))
        return found


@dataclass(frozen=True)
class Capture:
    """`data_capture=DataCapture.to_uri(uri, ...)`, or with `bucket`,
    `DataCapture.to_bucket(<bucket>, prefix, ...)`; or `wrong`: not a DataCapture. None leaves
    an option to its default."""

    uri: Text = "s3://capture-bucket/captured"
    bucket: BucketKind | None = None
    bucket_name: str = "capture-bucket"
    prefix: Text = ""
    sampling_percentage: int | float | NumTok | Wrong | None = None
    capture_input: bool | Wrong | None = None
    capture_output: bool | None = None
    kms_key: KeyKind | Wrong | None = None
    csv_content_types: tuple[str, ...] | Wrong | None = None
    json_content_types: tuple[str, ...] | None = None
    wrong: Wrong | None = None

    def kwargs(self, ctx: Context) -> dict[str, Any]:
        if self.wrong is not None:
            return {"data_capture": self.wrong.value}
        options: dict[str, Any] = {}
        if self.sampling_percentage is not None:
            options["sampling_percentage"] = ctx.number(self.sampling_percentage)
        for name in ("capture_input", "capture_output", "csv_content_types", "json_content_types"):
            given = getattr(self, name)
            if given is not None:
                options[name] = given.value if isinstance(given, Wrong) else given
        if isinstance(self.kms_key, Wrong):
            options["kms_key"] = self.kms_key.value
        elif self.kms_key is not None:
            options.update(Kms(self.kms_key).kwargs(ctx))
        if self.bucket is None:
            capture = DataCapture.to_uri(ctx.text(self.uri), **options)
        else:
            target = bucket(ctx, self.bucket, self.bucket_name)
            capture = DataCapture.to_bucket(target, ctx.text(self.prefix), **options)
        return {"data_capture": capture}

    def problems(self, case: Case) -> list[Where]:
        """SERVICE_RULES.md, "Endpoint config" (data capture), and the service model's
        `DataCaptureConfig` (as docs/refusals.md cites it)."""
        where = at("data_capture")
        if self.wrong is not None:
            return [where]
        found = self._destination_problems()
        sampling = self.sampling_percentage
        if isinstance(sampling, Wrong) or (
            isinstance(sampling, int | float)
            and not (isinstance(sampling, int) and 0 <= sampling <= 100)
        ):
            found.append(at("data_capture.sampling_percentage"))
        if self.capture_input is False and self.capture_output is False:
            found.append(where)
        for name in ("capture_input", "kms_key"):
            if isinstance(getattr(self, name), Wrong):  # of the wrong type (DESIGN.md, 6.)
                found.append(Where((f"data_capture.{name}", "data_capture")))
        return found + self._content_type_problems()

    def _destination_problems(self) -> list[Where]:
        """`DestinationS3Uri`: `s3://` or `https://`, at most 512 characters."""
        if self.bucket is None:
            destination = literal(self.uri)
            if isinstance(self.uri, Wrong) or (
                destination is not None
                and (
                    len(destination) > 512
                    or not re.fullmatch(r"(https|s3)://[^/]+/?.*", destination)
                )
            ):
                return [at("data_capture")]
        elif self.bucket is not BucketKind.IN_APP and isinstance(self.prefix, str | Filler):
            prefix = str(self.prefix).strip("/")
            if len(f"s3://{self.bucket_name}/{prefix}") > 512:
                # DestinationS3Uri: at most 512 characters.
                return [Where(("data_capture.prefix", "data_capture"))]
        return []

    def _content_type_problems(self) -> list[Where]:
        pattern = content_type_pattern()
        found = []
        for name in ("csv_content_types", "json_content_types"):
            given = getattr(self, name)
            if isinstance(given, Wrong) or (
                given is not None
                and (
                    len(given) > 10
                    or any(len(item) > 256 or not re.fullmatch(pattern, item) for item in given)
                )
            ):
                found.append(at(f"data_capture.{name}"))
        return found


def content_type_pattern() -> str:
    """The service model's `CsvContentType` pattern (the same as `JsonContentType`)."""
    pattern: str = sagemaker_model().shape_for("CsvContentType").metadata["pattern"]
    return pattern


EndpointOption = (
    InstanceType
    | InstanceCount
    | EndpointName
    | VariantName
    | VariantSettings
    | Role
    | Vpc
    | Isolation
    | Kms
    | Deployment
    | Capture
    | Tags
    | Scaling
    | EscapeHatch
)
VARIANT_OPTIONS = (InstanceType, InstanceCount, VariantName, VariantSettings)
"""The options of the single-variant form that a `VariantDefinition` has instead."""


_T = TypeVar("_T")


@dataclass(frozen=True)
class Variant:
    """One `VariantDefinition`; None leaves a field to its default."""

    name: Text
    containers: tuple[Container, ...] | Wrong
    mode: InvocationMode | Wrong | None = None
    instance_type: Text | None = None
    instance_count: Number | None = None
    weight: int | float | NumTok | Wrong | None = None
    settings: VariantSettings = field(default_factory=VariantSettings)

    def build(self, ctx: Context) -> VariantDefinition:
        # The containers first: a changed setting then shifts no construct id of theirs.
        containers = build_containers(self.containers, ctx)
        name = ctx.text(self.name)
        options: dict[str, Any] = self.settings.kwargs(ctx)
        if self.mode is not None:
            options["mode"] = self.mode.value if isinstance(self.mode, Wrong) else self.mode
        if self.instance_type is not None:
            options["instance_type"] = ctx.text(self.instance_type)
        if self.instance_count is not None:
            options["initial_instance_count"] = ctx.number(self.instance_count)
        if self.weight is not None:
            options["initial_weight"] = ctx.number(self.weight)
        return VariantDefinition(name=name, containers=containers, **options)

    def options(self) -> tuple[Option, ...]:
        """The variant's fields as the options of the single-variant form."""
        found: list[Option] = [VariantName(self.name), self.settings]
        if self.instance_type is not None:
            found.append(InstanceType(self.instance_type))
        if self.instance_count is not None:
            found.append(InstanceCount(self.instance_count))
        return tuple(found)

    def problems(self, case: Case, index: int) -> list[Where]:
        """The variant's problems, named `variants[index] (<name>).<field>`."""
        mode = InvocationMode.SERIAL if self.mode is None else self.mode
        found = containers_problems(case, self.containers, mode)
        for option in self.options():
            found += option.problems(case)
        weight = self.weight
        if isinstance(weight, Wrong) or (isinstance(weight, int | float) and weight < 0):
            found.append(at("initial_weight"))
        return [
            Where(
                ("name",) if where.fields == ("variant_name",) else where.fields,
                where.container,
                where.optional,
                variant=index,
            )
            for where in found
        ]


# --- The whole configuration ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One configuration: the containers and the mode, or the `variants` (then the containers
    and the mode are not given), the options given (each at most once) and the stack's region
    (None: an environment-agnostic stack)."""

    containers: tuple[Container, ...] | Wrong
    mode: InvocationMode | Wrong = InvocationMode.SERIAL
    options: tuple[EndpointOption, ...] = ()
    region: str | None = None
    variants: tuple[Variant | Wrong, ...] | Wrong | None = None

    def container_list(self) -> tuple[Container, ...]:
        return () if isinstance(self.containers, Wrong) else self.containers

    def containers_of(self, variant: int | None) -> tuple[Container, ...]:
        """The containers of the single-variant form (`variant` None), or of variant number
        `variant` as given; none where they are of the wrong type."""
        containers = self.containers
        if variant is not None:
            given = self.variants[variant] if isinstance(self.variants, tuple) else None
            containers = given.containers if isinstance(given, Variant) else ()
        return () if isinstance(containers, Wrong) else containers

    def variant_list(self) -> tuple[Variant, ...]:
        """The variants that are `VariantDefinition`s (none in the single-variant form)."""
        if self.variants is None or isinstance(self.variants, Wrong):
            return ()
        return tuple(variant for variant in self.variants if isinstance(variant, Variant))

    def option(self, kind: type[_T]) -> _T | None:
        return next((option for option in self.options if isinstance(option, kind)), None)

    def tokens(self) -> Iterator[Tok | NumTok]:
        """Every token in the case."""
        return (value for value in nested(self) if isinstance(value, Tok | NumTok))


def nested(value: object) -> Iterator[object]:
    """`value` and every value in it (the fields of the specs, the items of tuples)."""
    yield value
    if isinstance(value, tuple):
        for item in value:
            yield from nested(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from nested(getattr(value, name))


def containers_problems(
    case: Case, containers: tuple[Container, ...] | Wrong, mode: InvocationMode | Wrong
) -> list[Where]:
    """The problems of one model's containers and mode."""
    if isinstance(containers, Wrong):
        found = [at("containers")]
        containers = ()
    else:
        found = [] if 1 <= len(containers) <= 15 else [at("containers")]
        for index, container in enumerate(containers):
            found += container.problems(case, index)
        if sum(container.environment.size() for container in containers) > 32 * 1024:
            found.append(Where(("containers[*].environment",)))
    if isinstance(mode, Wrong):
        found.append(at("mode"))
    return found + hostname_problems(containers, mode)


def variants_problems(case: Case, variants: tuple[Variant | Wrong, ...] | Wrong) -> list[Where]:
    """The `variants=` form: 1 to 10 variants with unique names, weights at least 0 and not all
    0 (SERVICE_RULES.md, "Endpoint config"), no single-variant option beside them, and each
    variant's own problems."""
    where = at("variants")
    if isinstance(variants, Wrong):
        return [where]  # not a list: refused as variants[0]
    found = [] if 1 <= len(variants) <= 10 else [where]
    if any(isinstance(option, VARIANT_OPTIONS) for option in case.options):
        found.append(where)
    names: set[str] = set()
    weights: list[object] = []
    for index, variant in enumerate(variants):
        if isinstance(variant, Wrong):
            found.append(where)
            continue
        found += variant.problems(case, index)
        weights.append(1 if variant.weight is None else variant.weight)
        name = literal(variant.name)
        if name is not None and name in names:
            found.append(Where(("name",), variant=index))
        names.add(name or "")
    if weights and all(isinstance(w, int | float) and w == 0 for w in weights):
        found.append(where)
    return found


def expected_problems(case: Case) -> list[Where]:
    """Every problem SERVICE_RULES.md makes of `case` when the construct is created."""
    if case.variants is None:
        found = containers_problems(case, case.containers, case.mode)
        options: tuple[EndpointOption, ...] = case.options
    else:
        found = variants_problems(case, case.variants)
        # Given with variants, a single-variant option is refused as such, its value unread.
        options = tuple(o for o in case.options if not isinstance(o, VARIANT_OPTIONS))
    for option in options:
        found += option.problems(case)
    return found


def expected_problems_after(case: Case) -> list[Where]:
    """The problems raised by the methods called after the construct (autoscaling)."""
    scaling = case.option(Scaling)
    return [] if scaling is None else scaling.problems_after(case)


def build_containers(containers: tuple[Container, ...] | Wrong, ctx: Context) -> Any:
    return (
        containers.value
        if isinstance(containers, Wrong)
        else [container.build(ctx) for container in containers]
    )


def build(case: Case, ctx: Context) -> MultiContainerEndpoint:
    """The endpoint of `case` in `ctx`'s stack (then call `finish`). Raises what the construct
    raises."""
    given: dict[str, Any] = {}
    if case.variants is None:
        given["containers"] = build_containers(case.containers, ctx)
        given["mode"] = case.mode.value if isinstance(case.mode, Wrong) else case.mode
    elif isinstance(case.variants, Wrong):
        given["variants"] = case.variants.value
    else:
        given["variants"] = []
        for index, variant in enumerate(case.variants):
            with ctx.section(f"V{index}n"):
                built = variant.value if isinstance(variant, Wrong) else variant.build(ctx)
            given["variants"].append(built)
    for option in case.options:
        # Numbered apart: a changed option shifts no construct id of another.
        with ctx.section(type(option).__name__):
            given.update(option.kwargs(ctx))
    return MultiContainerEndpoint(ctx.stack, ENDPOINT, **given)


def finish(ctx: Context, endpoint: MultiContainerEndpoint) -> None:
    """What happens after the construct: scaling, late values, escape hatches."""
    for step in ctx.after:
        step(endpoint)
