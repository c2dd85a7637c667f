"""Every rule of the service, as pure functions: settings in, a list of problems out.

One function per rule (as in cdk-nag's rule files). The rules of an endpoint's settings are
listed in `ENDPOINT_RULES` and run together by `validate`, so that a user sees every problem at
once; the rules of later calls (autoscaling, a container named in a grant or a metric) sit
below them. `report` is the one place problems are raised (errors, as one
`MceValidationError`) or annotated (warnings, acknowledgeable by id). A value that is an
unresolved CDK token is skipped, never guessed at. The limits and patterns below are
cross-checked against botocore's SageMaker service model in `tests/test_service_model.py`.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import aws_cdk as cdk
from constructs import Construct

from ._instance_types import INSTANCE_TYPES
from ._tokens import is_unresolved
from .container import (
    ContainerDefinition,
    ContainerImage,
    InvocationMode,
    ModelData,
    ecr_location,
    s3_location,
)
from .data_capture import DataCapture, bucket_destination
from .deployment import (
    BlueGreenDeployment,
    CapacitySize,
    CapacityUnit,
    DeploymentConfig,
    RollingDeployment,
    TrafficRoutingType,
)
from .errors import MceValidationError, Problem
from .instance_type import InstanceType
from .variants import RoutingStrategy, VariantDefinition

NAME_MAX_LENGTH = 63
NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
"""Names of models, configs, endpoints and variants, and container hostnames."""
MAX_CONTAINERS = 15
IMAGE_MAX_LENGTH = 255
IMAGE_PATTERN = re.compile(r"[\S]+")
MODEL_DATA_URL_MAX_LENGTH = 1024
MODEL_DATA_URL_PATTERN = re.compile(r"(https|s3)://([^/]+)/?(.*)")
MODEL_DATA_ASSET_SUFFIX = ".tar.gz"
ENVIRONMENT_KEY_PATTERN = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
ENVIRONMENT_KEY_MAX_LENGTH = 1024
ENVIRONMENT_VALUE_MAX_LENGTH = 1024
MAX_ENVIRONMENT_ENTRIES = 100
ENVIRONMENT_TOTAL_MAX_BYTES = 32 * 1024
""""32 KB" of keys and values across all containers (CreateModel's documentation of
`Environment`), read as 32768 bytes of UTF-8: the documentation counts bytes."""
MIN_INSTANCE_COUNT = 1
SECURITY_GROUPS_RANGE = (1, 5)
SUBNETS_RANGE = (1, 16)
WAIT_SECONDS = (0, 3600)
TERMINATION_WAIT_SECONDS = (0, 3600)
EXECUTION_TIMEOUT_SECONDS = (600, 28800)
CANARY_PERCENT = (1, 50)
LINEAR_STEP_PERCENT = (10, 50)
ROLLING_BATCH_PERCENT = (5, 50)
ROLLBACK_BATCH_PERCENT = (1, 100)
MAX_ROLLBACK_ALARMS = 10
MAX_VARIANTS = 10
VOLUME_SIZE_GIB = (1, 512)
VARIANT_TIMEOUT_SECONDS = (60, 3600)
SAMPLING_PERCENT = (0, 100)
CAPTURE_URI_MAX_LENGTH = 512
MAX_CAPTURE_CONTENT_TYPES = 10
CONTENT_TYPE_MAX_LENGTH = 256
CONTENT_TYPE_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9])*\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*")
CAPTURE_DIRECT_WARNING_ID = "mce-constructs:dataCaptureDirect"
ROLLING_VARIANTS_WARNING_ID = "mce-constructs:rollingMultiVariant"

MAX_TAGS = 50
TAG_KEY_LENGTH = (1, 128)
TAG_VALUE_LENGTH = (0, 256)
TAG_PUNCTUATION = "_.:/=+-@"
TAG_UNICODE_CATEGORIES = frozenset("LZN")
"""`TagKey` and `TagValue` in the service model (and the CloudFormation schemas) match
`([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)`: Unicode letters, separators (spaces) and numbers, and these
punctuation characters. Python's `re` has no `\\p{...}`: the categories are read with
`unicodedata` instead (`tests/test_service_model.py` compares the two)."""
RESERVED_TAG_PREFIX = "aws:"
RESERVED_TAG_CASE_WARNING = "mce-constructs:reservedTagPrefix"

INSTANCE_TYPE_SHAPE = re.compile(r"ml\.[a-z][a-z0-9-]*\.[a-z0-9]+")
"""`ml.<family>.<size>`, the shape of every `ProductionVariantInstanceType`: all that is
checked of an `InstanceType.of` name, which the pinned list does not know."""
GPU_INSTANCE_TYPE = re.compile(r"ml\.[gp]\d")
"""The GPU families (`ml.g*`, `ml.p*`)."""
INF1_INSTANCE_TYPE = re.compile(r"ml\.inf1\.")
BURSTABLE_INSTANCE_TYPE = re.compile(r"ml\.t\d")

NVME_ONLY_FAMILIES = frozenset(
    {
        # CPU families with local NVMe SSD storage (the `d` in the name).
        *("c5d", "c6gd", "m5d", "m6gd", "r5d", "r6gd", "r7gd"),
        # Accelerated families with local NVMe SSD storage.
        *("dl1", "g4dn", "g5", "g6", "g6e", "p4d", "p4de", "p5", "p5e", "p5en"),
        *("trn1", "trn1n", "trn2"),
    }
)
"""Families of `INSTANCE_TYPES` whose storage is NVMe instance storage only, from the EC2 User
Guide's table of instance store volumes, which the SageMaker API reference of
`CreateEndpointConfig.KmsKeyId` points to: a storage key does not encrypt it. The newest
accelerated families (g7, g7e, p6) are not in that table, so they are left out."""

GPU_DIRECT_WARNING = "mce-constructs:gpuDirect"
UNLISTED_INSTANCE_TYPE_WARNING = "mce-constructs:unlistedInstanceType"
INF1_WARNING = "mce-constructs:inf1"
KMS_INSTANCE_STORAGE_WARNING = "mce-constructs:kmsInstanceStorage"
OTHER_ACCOUNT_ROLE_WARNING = "mce-constructs:roleOfOtherAccount"

_NAME_RULE = (
    f"1 to {NAME_MAX_LENGTH} letters, digits and hyphens, "
    "starting and ending with a letter or digit"
)


@dataclass(frozen=True, kw_only=True)
class EndpointSpec:
    """The settings of one endpoint that the rules look at, as given.

    Plain values and counts, so that every rule stays a pure function; a value of a wrong type
    is kept as it is, for a rule to name it. A new option adds a field here (with a default
    when it is optional) and a rule to `ENDPOINT_RULES`.
    """

    containers: Sequence[ContainerDefinition]
    mode: InvocationMode
    instance_type: str | InstanceType
    initial_instance_count: int
    variant_name: str
    endpoint_name: str | None = None
    """None when CloudFormation generates the name."""
    region: str | None = None
    """The stack's region; None when the stack is environment-agnostic."""
    has_kms_key: bool = False
    security_group_count: int | None = None
    """None when the model is not in a VPC."""
    subnet_count: int | None = None
    """None when the model is not in a VPC, or its subnets are a list token."""
    subnet_selection_error: str | None = None
    """What CDK said when `vpc_subnets` selected nothing it could find in `vpc`."""
    vpc_options_without_vpc: tuple[str, ...] = ()
    """The names of VPC options (`vpc_subnets`, `security_groups`) given without `vpc`."""
    deployment: DeploymentConfig | None = None
    tags: Mapping[str, str] | None = None
    objects: Mapping[str, object] = field(default_factory=dict)
    """The options that only their type rule reads (CDK objects and flags), by name."""
    volume_size: cdk.Size | None = None
    model_data_download_timeout: cdk.Duration | None = None
    container_startup_health_check_timeout: cdk.Duration | None = None
    routing_strategy: RoutingStrategy | None = None
    enable_ssm_access: bool = False
    variants: Sequence[VariantDefinition] | None = None
    """Every variant in the `variants=` form (None in the single-variant form): `validate`
    checks each one's settings as the fields above (`for_variant`), the rest once."""
    single_variant_options: tuple[str, ...] = ()
    """The names of single-variant options (`containers`, `mode`, ...) given with `variants`."""
    data_capture: DataCapture | None = None

    def for_variant(self, variant: VariantDefinition) -> EndpointSpec:
        """This spec with `variant`'s settings as its variant fields (`VARIANT_FIELDS`)."""
        return dataclasses.replace(
            self, **{name: getattr(variant, source) for name, source in VARIANT_FIELDS.items()}
        )


VARIANT_FIELDS = {
    # The spec's field (as a problem names it) -> the VariantDefinition field it comes from.
    "containers": "containers",
    "mode": "mode",
    "instance_type": "instance_type",
    "initial_instance_count": "initial_instance_count",
    "variant_name": "name",
    "volume_size": "volume_size",
    "model_data_download_timeout": "model_data_download_timeout",
    "container_startup_health_check_timeout": "container_startup_health_check_timeout",
    "routing_strategy": "routing_strategy",
    "enable_ssm_access": "enable_ssm_access",
}


Rule = Callable[[EndpointSpec], list[Problem]]


def report(scope: Construct, problems: Sequence[Problem]) -> None:
    """Raise the errors among `problems` as one `MceValidationError` naming `scope`'s path, or
    add the warnings to `scope` (each acknowledgeable by its id) when there is no error."""
    errors = [problem for problem in problems if problem.warning_id is None]
    if errors:
        raise MceValidationError(scope.node.path, errors)
    for problem in problems:
        if problem.warning_id is not None:
            cdk.Annotations.of(scope).add_warning_v2(problem.warning_id, str(problem))


def container_label(index: int, container: ContainerDefinition) -> str:
    """How a problem names a container: its index, and its hostname when it has one."""
    hostname = container.container_hostname
    if not isinstance(hostname, str):
        return f"containers[{index}]"
    return f"containers[{index}] ({hostname!r})"


def shown(value: object) -> str:
    """A value as a problem shows it: a literal as Python writes it, another object by its
    type (its repr would carry a memory address), as `<aws_kms.IKey>`."""
    if value is None or isinstance(value, str | int | float | bool):
        return repr(value)
    if isinstance(value, list | tuple):
        items = ", ".join(shown(item) for item in value)
        return f"[{items}]" if isinstance(value, list) else f"({items})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in value.items()) + "}"
    names = [name for cls in _classes(value) if (name := getattr(cls, "__jsii_type__", None))]
    if names:
        return f"<{names[-1].removeprefix('aws-cdk-lib.')}>"
    return f"<{type(value).__qualname__}>"


def _classes(value: object) -> list[type]:
    """The classes of `value`, and for an object jsii made for an interface (a dynamic proxy),
    the classes it delegates to."""
    delegates = getattr(value, "__dict__", {}).get("_delegates", ())
    return [type(value), *(type(delegate) for delegate in delegates)]


def implements(value: object, jsii_type: str) -> bool:
    """Whether `value` is or implements the jsii type `jsii_type` (`aws-cdk-lib.aws_iam.IRole`).

    aws-cdk-lib's interfaces are not runtime-checkable protocols, so `isinstance` cannot tell;
    the jsii metadata of the classes can, without a round trip to the jsii runtime.
    """
    for cls in _classes(value):
        for klass in cls.__mro__:
            interfaces = [klass, *getattr(klass, "__jsii_ifaces__", ())]
            for interface in interfaces:
                for base in interface.__mro__:
                    if getattr(base, "__jsii_type__", None) == jsii_type:
                        return True
    return False


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _list_of(jsii_type: str) -> Callable[[object], bool]:
    return lambda value: (
        isinstance(value, list | tuple) and all(implements(item, jsii_type) for item in value)
    )


Type = tuple[str, Callable[[object], bool]]
"""What a value must be: how a problem says it ("a bool"), and the test of a value."""

FLAG: Type = ("a bool", lambda value: isinstance(value, bool))
"""Every flag (`enable_network_isolation`, `enable_ssm_access`, `capture_input`, ...): a
`bool`, never a value read as true or false ("no" is not False)."""
KMS_KEY: Type = ("a kms.IKey", lambda value: implements(value, "aws-cdk-lib.aws_kms.IKey"))
BUCKET: Type = ("an s3.IBucket", lambda value: implements(value, "aws-cdk-lib.aws_s3.IBucket"))
TEXT: Type = ("a str", lambda value: isinstance(value, str))
TEXT_LIST: Type = ("a list of str", _is_list)
LAMBDA_FUNCTION: Type = (
    "a lambda.IFunction",
    lambda value: implements(value, "aws-cdk-lib.aws_lambda.IFunction"),
)

ARGUMENT_TYPES: dict[str, Type] = {
    "repository": (
        "an ecr.IRepository",
        lambda value: implements(value, "aws-cdk-lib.aws_ecr.IRepository"),
    ),
    "tag_or_digest": TEXT,
    "bucket": BUCKET,
    "credentials_provider": LAMBDA_FUNCTION,
}
"""What each argument of an image or model data source (`ContainerImage.arguments`,
`ModelData.arguments`) must be."""

OPTION_TYPES: dict[str, Type] = {
    "role": ("an iam.IRole", lambda value: implements(value, "aws-cdk-lib.aws_iam.IRole")),
    "vpc": ("an ec2.IVpc", lambda value: implements(value, "aws-cdk-lib.aws_ec2.IVpc")),
    "vpc_subnets": (
        "an ec2.SubnetSelection",
        lambda value: implements(value, "aws-cdk-lib.aws_ec2.SubnetSelection"),
    ),
    "security_groups": (
        "a list of ec2.ISecurityGroup",
        _list_of("aws-cdk-lib.aws_ec2.ISecurityGroup"),
    ),
    "kms_key": KMS_KEY,
    "deployment": ("a DeploymentConfig", lambda value: isinstance(value, DeploymentConfig)),
    "data_capture": ("a DataCapture", lambda value: isinstance(value, DataCapture)),
    "enable_network_isolation": FLAG,
}
"""What each option of `EndpointSpec.objects` must be (None stands for a default, except for
a flag)."""


def has_type(option: str, value: object) -> bool:
    """Whether `value` is what `option` takes (the endpoint asks before it uses the value)."""
    expected = OPTION_TYPES[option]
    if value is None:
        return expected is not FLAG
    return expected[1](value)


def type_problems(where: str, value: object, expected: Type) -> list[Problem]:
    """The one rule of every value's type: `value` is what `expected` says, or one problem
    names `where` (DESIGN.md: a value of a wrong type is refused naming its field)."""
    what, test = expected
    return [] if test(value) else [Problem(where, f"{shown(value)} is not {what}")]


def name_problems(where: str, name: object, what: str) -> list[Problem]:
    """The shared rule of hostnames and SageMaker resource names."""
    if not isinstance(name, str):
        return [Problem(where, f"{shown(name)} is not a str")]
    if is_unresolved(name) or (
        len(name) <= NAME_MAX_LENGTH and NAME_PATTERN.fullmatch(name) is not None
    ):
        return []
    return [Problem(where, f"{name!r} is not a valid {what}: {_NAME_RULE}")]


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def _is_environment_key(key: object) -> bool:
    return (
        isinstance(key, str)
        and len(key) <= ENVIRONMENT_KEY_MAX_LENGTH
        and ENVIRONMENT_KEY_PATTERN.fullmatch(key) is not None
    )


def _containers(spec: EndpointSpec) -> list[tuple[int, ContainerDefinition]]:
    """The containers that are `ContainerDefinition`s, with their index
    (`check_container_count` names the others)."""
    if not _is_list(spec.containers):
        return []
    return [
        (index, container)
        for index, container in enumerate(spec.containers)
        if isinstance(container, ContainerDefinition)
    ]


def _literal(value: object, max_length: int, pattern: re.Pattern[str]) -> str | None:
    """`value` when it is a literal `str` of at most `max_length` characters that `pattern`
    matches, else None."""
    if (
        not isinstance(value, str)
        or is_unresolved(value)
        or len(value) > max_length
        or pattern.fullmatch(value) is None
    ):
        return None
    return value


def _image_uri(container: ContainerDefinition) -> str | None:
    """The container's image URI when it is a literal that `check_images` accepts."""
    image = container.image
    uri = image.uri if isinstance(image, ContainerImage) else None
    return _literal(uri, IMAGE_MAX_LENGTH, IMAGE_PATTERN)


def _model_data_url(container: ContainerDefinition) -> str | None:
    """The container's model data URL when it is a literal that `check_model_data` accepts."""
    model_data = container.model_data
    uri = model_data.uri if isinstance(model_data, ModelData) else None
    return _literal(uri, MODEL_DATA_URL_MAX_LENGTH, MODEL_DATA_URL_PATTERN)


def _instance_type_name(value: object) -> str | None:
    """The literal name of an instance type given as a `str` or an `InstanceType`."""
    name = value.name if isinstance(value, InstanceType) else value
    return name if isinstance(name, str) and not is_unresolved(name) else None


def check_container_count(spec: EndpointSpec) -> list[Problem]:
    """A model has 1 to 15 containers, each a `ContainerDefinition`."""
    if not _is_list(spec.containers):
        return [
            Problem("containers", f"{shown(spec.containers)} is not a list of ContainerDefinition")
        ]
    problems = [
        Problem(f"containers[{index}]", f"{shown(container)} is not a ContainerDefinition")
        for index, container in enumerate(spec.containers)
        if not isinstance(container, ContainerDefinition)
    ]
    count = len(spec.containers)
    if not 1 <= count <= MAX_CONTAINERS:
        problems.append(
            Problem(
                "containers",
                f"{count} containers given; a multi-container endpoint has 1 to {MAX_CONTAINERS}",
            )
        )
    return problems


def check_mode(spec: EndpointSpec) -> list[Problem]:
    """The mode is an `InvocationMode`; a plain string, even "Direct", is refused, not guessed."""
    if isinstance(spec.mode, InvocationMode):
        return []
    return [
        Problem(
            "mode",
            f"{shown(spec.mode)} is not an InvocationMode; "
            "use InvocationMode.SERIAL or InvocationMode.DIRECT",
        )
    ]


def check_hostnames(spec: EndpointSpec) -> list[Problem]:
    """Hostnames: valid, unique case-insensitively (they are DNS names), on every
    container in Direct mode and on all or none in Serial mode."""
    problems: list[Problem] = []
    containers = _containers(spec)
    missing = [index for index, container in containers if container.container_hostname is None]
    labels = {index: container_label(index, container) for index, container in containers}
    if spec.mode is InvocationMode.DIRECT:
        problems.extend(
            Problem(
                f"{labels[index]}.container_hostname",
                "required in Direct mode (each request names its container by hostname)",
            )
            for index in missing
        )
    elif missing and len(missing) < len(containers):
        problems.extend(
            Problem(
                f"{labels[index]}.container_hostname",
                "missing; in Serial mode give a hostname to all containers or to none",
            )
            for index in missing
        )
    seen: dict[str, int] = {}
    for index, container in containers:
        hostname = container.container_hostname
        if hostname is None or is_unresolved(hostname):
            continue
        where = f"{labels[index]}.container_hostname"
        problems.extend(name_problems(where, hostname, "hostname"))
        if not isinstance(hostname, str):
            continue
        first = seen.setdefault(hostname.lower(), index)
        if first != index:
            problems.append(
                Problem(
                    where,
                    f"{hostname!r} is already used by containers[{first}] "
                    "(hostnames are compared case-insensitively)",
                )
            )
    return problems


def check_images(spec: EndpointSpec) -> list[Problem]:
    """An image SageMaker accepts: a `ContainerImage` (or a `str`) whose URI has 1 to 255
    characters and no whitespace."""
    problems = []
    for index, container in _containers(spec):
        where = f"{container_label(index, container)}.image"
        image = container.image
        if not isinstance(image, ContainerImage):
            problems.append(Problem(where, f"{shown(image)} is not a ContainerImage or a str"))
            continue
        uri = image.uri
        if uri is None or is_unresolved(uri):
            continue
        if not isinstance(uri, str):
            problems.append(Problem(where, f"{shown(uri)} is not a str (an image URI)"))
        elif _literal(uri, IMAGE_MAX_LENGTH, IMAGE_PATTERN) is None:
            problems.append(
                Problem(
                    where,
                    f"{uri!r} is not a valid image URI: "
                    f"1 to {IMAGE_MAX_LENGTH} characters, no whitespace",
                )
            )
    return problems


def check_image_registries(spec: EndpointSpec) -> list[Problem]:
    """SageMaker pulls an image with its own access only from ECR; any other registry (Docker
    Hub, `public.ecr.aws`, a private registry) only through the VPC, with the private-registry
    source."""
    problems = []
    for index, container in _containers(spec):
        uri = _image_uri(container)
        image = container.container_image
        if uri is None or image.pulled_through_vpc or ecr_location(uri):
            continue
        problems.append(
            Problem(
                f"{container_label(index, container)}.image",
                f"{uri!r} is not in Amazon ECR, and SageMaker pulls from another registry only "
                f"through the model's VPC: use ContainerImage.from_private_registry({uri!r}) "
                "with vpc",
            )
        )
    return problems


def check_image_assets(spec: EndpointSpec) -> list[Problem]:
    """An asset image is built from an existing directory with its Dockerfile (`file`)."""
    problems = []
    for index, container in _containers(spec):
        image = container.image
        build = image.asset_build if isinstance(image, ContainerImage) else None
        if build is None:
            continue
        directory, dockerfile = build
        where = f"{container_label(index, container)}.image"
        source = f"ContainerImage.from_asset({shown(directory)})"
        if not isinstance(directory, str) or not os.path.isdir(directory):
            problems.append(Problem(where, f"{source}: no such directory"))
        elif not isinstance(dockerfile, str):
            problems.append(Problem(where, f"{source}: the file {shown(dockerfile)} is not a str"))
        elif not os.path.isfile(os.path.normpath(f"{directory}/{dockerfile}")):
            # Relative to the directory even when it starts with "/", as DockerImageAsset joins.
            problems.append(
                Problem(where, f"{source}: no Dockerfile {dockerfile!r} in the directory")
            )
    return problems


def check_model_data(spec: EndpointSpec) -> list[Problem]:
    """Model data SageMaker accepts: a `ModelData` whose URL is `s3://` or `https://`, or an
    asset that is an existing `.tar.gz` file."""
    problems = []
    for index, container in _containers(spec):
        model_data = container.model_data
        if model_data is None:
            continue
        where = f"{container_label(index, container)}.model_data"
        if not isinstance(model_data, ModelData):
            hint = (
                f"; use ModelData.from_uri({model_data!r})" if isinstance(model_data, str) else ""
            )
            problems.append(Problem(where, f"{shown(model_data)} is not a ModelData{hint}"))
            continue
        uri = model_data.uri
        if uri is not None and not is_unresolved(uri):
            if not isinstance(uri, str):
                problems.append(Problem(where, f"{shown(uri)} is not a str (a model data URL)"))
            elif _literal(uri, MODEL_DATA_URL_MAX_LENGTH, MODEL_DATA_URL_PATTERN) is None:
                problems.append(
                    Problem(
                        where,
                        f"{uri!r} is not a valid model data URL: s3://<bucket>/<key> or "
                        f"https://<host>/<path>, at most {MODEL_DATA_URL_MAX_LENGTH} characters",
                    )
                )
        path = model_data.asset_path
        if (
            path is not None
            and not is_unresolved(path)
            and not (
                isinstance(path, str)
                and path.endswith(MODEL_DATA_ASSET_SUFFIX)
                and os.path.isfile(path)
            )
        ):
            problems.append(
                Problem(
                    where,
                    f"ModelData.from_asset({shown(path)}): model artifacts are an existing "
                    f"{MODEL_DATA_ASSET_SUFFIX} file",
                )
            )
    return problems


def check_model_data_objects(spec: EndpointSpec) -> list[Problem]:
    """S3 model data is one object: a URL of a bucket alone (`s3://bucket/`) is refused (a key
    prefix of uncompressed model data has its own rule, `check_model_data_prefixes`)."""
    problems = []
    for index, container in _containers(spec):
        url = _model_data_url(container)
        location = None if url is None else s3_location(url)
        model_data = container.model_data
        uncompressed = isinstance(model_data, ModelData) and model_data.prefix is not None
        if location is not None and not location.key and not uncompressed:
            problems.append(
                Problem(
                    f"{container_label(index, container)}.model_data",
                    f"{url!r} names a bucket, not an object; model data is one "
                    f"{MODEL_DATA_ASSET_SUFFIX} object (s3://<bucket>/<key>)",
                )
            )
        key = model_data.object_key if isinstance(model_data, ModelData) else None
        if key is None or is_unresolved(key):
            continue
        if not isinstance(key, str):
            problems.append(
                Problem(
                    f"{container_label(index, container)}.model_data",
                    f"{shown(key)} is not a str (an object key)",
                )
            )
        elif not key.strip("/"):
            problems.append(
                Problem(
                    f"{container_label(index, container)}.model_data",
                    f"ModelData.from_bucket(bucket, {key!r}) names the bucket, not an object; "
                    f"model data is one {MODEL_DATA_ASSET_SUFFIX} object: give its key",
                )
            )
    return problems


def check_regions(spec: EndpointSpec) -> list[Problem]:
    """An ECR image and S3 model data are in the model's region (a stack with an explicit
    region; only a URL that names its region is checked)."""
    if spec.region is None or is_unresolved(spec.region):
        return []
    problems = []
    for index, container in _containers(spec):
        label = container_label(index, container)
        uri = _image_uri(container)
        repository = None if uri is None else ecr_location(uri)
        if repository is not None and repository[1] != spec.region:
            problems.append(
                Problem(
                    f"{label}.image",
                    f"{uri!r} is in {repository[1]}, but the stack deploys to {spec.region}; "
                    "SageMaker pulls an ECR image only from the model's region (copy it there, "
                    "e.g. with ECR replication)",
                )
            )
        url = _model_data_url(container)
        location = None if url is None else s3_location(url)
        if location is not None and location.region not in (None, spec.region):
            problems.append(
                Problem(
                    f"{label}.model_data",
                    f"{url!r} is in {location.region}, but the stack deploys to {spec.region}; "
                    "SageMaker reads model artifacts only from a bucket in the model's region",
                )
            )
    return problems


def check_environment(spec: EndpointSpec) -> list[Problem]:
    """Environment names and sizes, per variable, per container and in total."""
    problems = []
    total_bytes = 0
    for index, container in _containers(spec):
        label = f"{container_label(index, container)}.environment"
        if not isinstance(container.environment, Mapping):
            problems.append(
                Problem(label, f"{shown(container.environment)} is not a mapping of str to str")
            )
            continue
        if len(container.environment) > MAX_ENVIRONMENT_ENTRIES:
            problems.append(
                Problem(
                    label,
                    f"{len(container.environment)} variables; "
                    f"at most {MAX_ENVIRONMENT_ENTRIES} per container",
                )
            )
        for key, value in container.environment.items():
            where = f"{label}[{key!r}]"
            if not is_unresolved(key):
                if isinstance(key, str):
                    total_bytes += _utf8_length(key)
                if not _is_environment_key(key):
                    problems.append(
                        Problem(
                            where,
                            "not a valid variable name: letters, digits and underscores, "
                            "not starting with a digit, "
                            f"at most {ENVIRONMENT_KEY_MAX_LENGTH} characters",
                        )
                    )
            if is_unresolved(value):
                continue
            if not isinstance(value, str):
                problems.append(Problem(where, f"the value {shown(value)} is not a str"))
                continue
            total_bytes += _utf8_length(value)
            if len(value) > ENVIRONMENT_VALUE_MAX_LENGTH:
                problems.append(
                    Problem(
                        where,
                        f"the value is {len(value)} characters; "
                        f"at most {ENVIRONMENT_VALUE_MAX_LENGTH}",
                    )
                )
    if total_bytes > ENVIRONMENT_TOTAL_MAX_BYTES:
        problems.append(
            Problem(
                "containers[*].environment",
                f"{total_bytes} bytes of names and values in all containers together; "
                f"at most {ENVIRONMENT_TOTAL_MAX_BYTES} (32 KB)",
            )
        )
    return problems


def check_endpoint_name(spec: EndpointSpec) -> list[Problem]:
    """A given endpoint name is a valid SageMaker name."""
    if spec.endpoint_name is None:
        return []
    return name_problems("endpoint_name", spec.endpoint_name, "endpoint name")


def check_variant_name(spec: EndpointSpec) -> list[Problem]:
    """The variant name is a valid SageMaker name."""
    return name_problems("variant_name", spec.variant_name, "variant name")


def check_instance_type(spec: EndpointSpec) -> list[Problem]:
    """A `str` is one of the service's instance types (the pinned list); an `InstanceType`
    only has the shape of one."""
    value = spec.instance_type
    if isinstance(value, InstanceType):
        return _instance_type_of_problems(value.name)
    if not isinstance(value, str):
        return [Problem("instance_type", f"{shown(value)} is not a str or an InstanceType")]
    if is_unresolved(value) or value in INSTANCE_TYPES:
        return []
    close = difflib.get_close_matches(value, INSTANCE_TYPES, n=3)
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    return [
        Problem(
            "instance_type",
            f"{value!r} is not an instance type of SageMaker endpoints "
            f"(ProductionVariantInstanceType in the SageMaker API){hint} "
            f"(a type newer than this list: InstanceType.of({value!r}))",
        )
    ]


def _instance_type_of_problems(name: object) -> list[Problem]:
    """`InstanceType.of(name)`: the shape of an instance type; a name close to a listed one,
    but not listed, warns (a typo, or a type newer than the list)."""
    given = f"InstanceType.of({shown(name)})"
    if not isinstance(name, str):
        return [Problem("instance_type", f"{given}: {shown(name)} is not a str")]
    if is_unresolved(name) or name in INSTANCE_TYPES:
        return []
    if not INSTANCE_TYPE_SHAPE.fullmatch(name):
        return [
            Problem(
                "instance_type",
                f"{given} is not the name of an instance type: ml.<family>.<size>, "
                "as in 'ml.m5.large'",
            )
        ]
    close = difflib.get_close_matches(name, INSTANCE_TYPES, n=3)
    if not close:
        return []
    return [
        Problem(
            "instance_type",
            f"{given} is not in this library's list of SageMaker endpoint instance "
            f"types; did you mean {', '.join(map(repr, close))}? (A type newer than the "
            "list is right here: acknowledge this warning.)",
            UNLISTED_INSTANCE_TYPE_WARNING,
        )
    ]


def check_instance_count(spec: EndpointSpec) -> list[Problem]:
    """At least one instance, a whole number."""
    count = spec.initial_instance_count
    if is_unresolved(count) or (_is_whole_number(count) and count >= MIN_INSTANCE_COUNT):
        return []
    return [
        Problem(
            "initial_instance_count",
            f"{shown(count)} is not allowed: a whole number, at least {MIN_INSTANCE_COUNT}",
        )
    ]


def _is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_gpu_in_direct_mode(spec: EndpointSpec) -> list[Problem]:
    """GPU instances are documented for Serial pipelines only: a warning in Direct mode."""
    name = _instance_type_name(spec.instance_type)
    if spec.mode is not InvocationMode.DIRECT or name is None or not GPU_INSTANCE_TYPE.match(name):
        return []
    return [
        Problem(
            "instance_type",
            f"{name!r} is a GPU instance type; the SageMaker Developer Guide documents GPU "
            "instances for multi-container endpoints invoked as a Serial pipeline, not in Direct "
            "mode, so SageMaker may refuse it",
            warning_id=GPU_DIRECT_WARNING,
        )
    ]


def check_inf1(spec: EndpointSpec) -> list[Problem]:
    """Inferentia 1 instances are not documented for multi-container endpoints: a warning."""
    name = _instance_type_name(spec.instance_type)
    if name is None or not INF1_INSTANCE_TYPE.match(name):
        return []
    return [
        Problem(
            "instance_type",
            f"{name!r} is an Inferentia (ml.inf1) instance type; the SageMaker Developer Guide "
            "does not document it for multi-container endpoints, so SageMaker may refuse it",
            warning_id=INF1_WARNING,
        )
    ]


def check_kms_key_storage(spec: EndpointSpec) -> list[Problem]:
    """A storage key does not encrypt NVMe instance storage: a warning."""
    name = _instance_type_name(spec.instance_type)
    family = name.split(".")[1] if name is not None and name.count(".") == 2 else None
    if not spec.has_kms_key or family not in NVME_ONLY_FAMILIES:
        return []
    return [
        Problem(
            "kms_key",
            f"{name!r} stores data on NVMe instance storage, which the key does not encrypt "
            "(the instance encrypts it with a hardware module of its own)",
            warning_id=KMS_INSTANCE_STORAGE_WARNING,
        )
    ]


def refused_tag_characters(text: str) -> str:
    """The characters of `text` that a tag key or value may not have, each once, in order."""
    return "".join(
        sorted(
            {
                character
                for character in text
                if character not in TAG_PUNCTUATION
                and unicodedata.category(character)[0] not in TAG_UNICODE_CATEGORIES
            }
        )
    )


def _tag_text_problems(
    where: str, what: str, text: object, length: tuple[int, int]
) -> list[Problem]:
    """A tag key or value: a str of `length` characters that `TagKey`/`TagValue` allow."""
    if is_unresolved(text):
        return []
    if not isinstance(text, str):
        return [Problem(where, f"the {what} {shown(text)} is not a str")]
    low, high = length
    if not low <= len(text) <= high:
        return [Problem(where, f"the {what} is {len(text)} characters; {low} to {high} allowed")]
    refused = refused_tag_characters(text)
    if not refused:
        return []
    return [
        Problem(
            where,
            f"the {what} has characters that a tag does not allow ({refused!r}); "
            f"letters, digits, spaces and {' '.join(TAG_PUNCTUATION)} are allowed",
        )
    ]


def check_tags(spec: EndpointSpec) -> list[Problem]:
    """At most 50 tags; keys of 1 to 128 characters that do not start with `aws:`, values of
    0 to 256, of the characters the service allows."""
    tags = spec.tags
    if tags is None:
        return []
    if not isinstance(tags, Mapping):
        return [Problem("tags", f"{shown(tags)} is not a mapping of str to str")]
    problems = []
    if len(tags) > MAX_TAGS:
        problems.append(Problem("tags", f"{len(tags)} tags; at most {MAX_TAGS} per resource"))
    for key, value in tags.items():
        where = f"tags[{shown(key)}]"
        problems += _tag_text_problems(where, "key", key, TAG_KEY_LENGTH)
        if isinstance(key, str) and key.startswith(RESERVED_TAG_PREFIX):
            problems.append(
                Problem(where, f"the key starts with {RESERVED_TAG_PREFIX!r}, reserved for AWS")
            )
        elif isinstance(key, str) and key.lower().startswith(RESERVED_TAG_PREFIX):
            problems.append(
                Problem(
                    where,
                    f"the key starts with {key[: len(RESERVED_TAG_PREFIX)]!r}: AWS's tagging "
                    "rules reserve 'aws:' in any combination of upper and lower case, though "
                    "SageMaker's own documents name only 'aws:', so SageMaker may refuse it",
                    RESERVED_TAG_CASE_WARNING,
                )
            )
        problems += _tag_text_problems(where, "value", value, TAG_VALUE_LENGTH)
    return problems


def check_option_types(spec: EndpointSpec) -> list[Problem]:
    """The options that no other rule reads have the types they take."""
    return [
        problem
        for option, value in spec.objects.items()
        if not has_type(option, value)
        for problem in type_problems(option, value, OPTION_TYPES[option])
    ]


def check_subnet_selection(spec: EndpointSpec) -> list[Problem]:
    """`vpc_subnets` selects subnets that `vpc` has (CDK says which it could not find)."""
    if spec.subnet_selection_error is None:
        return []
    return [Problem("vpc_subnets", f"selects no subnet of vpc: {spec.subnet_selection_error}")]


def check_vpc(spec: EndpointSpec) -> list[Problem]:
    """A model in a VPC has 1 to 5 security groups and 1 to 16 subnets."""
    problems = []
    for where, count, (low, high), noun in (
        ("security_groups", spec.security_group_count, SECURITY_GROUPS_RANGE, "security groups"),
        ("vpc_subnets", spec.subnet_count, SUBNETS_RANGE, "subnets"),
    ):
        if count is not None and not low <= count <= high:
            problems.append(
                Problem(where, f"{count} {noun}; a model in a VPC has {low} to {high} {noun}")
            )
    return problems


def check_vpc_options_need_a_vpc(spec: EndpointSpec) -> list[Problem]:
    """Subnets and security groups mean nothing without a VPC: refuse rather than ignore."""
    return [
        Problem(option, "given without vpc; it applies only to a model in a VPC: give vpc too")
        for option in spec.vpc_options_without_vpc
    ]


def _seconds(duration: cdk.Duration | None) -> float | None:
    """The duration in seconds, or None when it is absent or a token."""
    if duration is None or duration.is_unresolved():
        return None
    return duration.to_seconds(integral=False)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _duration_problems(
    where: str, duration: cdk.Duration | None, limits: tuple[int, int]
) -> list[Problem]:
    """A whole number of seconds within `limits` (inclusive)."""
    seconds = _seconds(duration)
    if seconds is None:
        return []
    low, high = limits
    if seconds != int(seconds):
        return [
            Problem(where, f"{_number(seconds)} seconds given; a whole number of seconds is needed")
        ]
    if not low <= seconds <= high:
        return [
            Problem(where, f"{_number(seconds)} seconds given; {low} to {high} seconds allowed")
        ]
    return []


def _capacity_problems(
    where: str, size: CapacitySize | None, what: str, percent: tuple[int, int]
) -> list[Problem]:
    """A share of the fleet: a percentage within `percent`, or at least one instance."""
    if size is None or is_unresolved(size.value):
        return []
    if size.unit is CapacityUnit.INSTANCES:
        if size.value >= 1:
            return []
        return [Problem(where, f"{size.value} instances given; {what} is at least 1 instance")]
    low, high = percent
    if low <= size.value <= high:
        return []
    return [
        Problem(
            where, f"{size.value}% given; {what} is {low}% to {high}% of the variant's instances"
        )
    ]


def check_rollback_alarms(spec: EndpointSpec) -> list[Problem]:
    """Auto-rollback watches at most 10 alarms."""
    if not isinstance(spec.deployment, DeploymentConfig):
        return []
    count = len(spec.deployment.rollback_alarms)
    if count <= MAX_ROLLBACK_ALARMS:
        return []
    return [
        Problem(
            "deployment.rollback_alarms",
            f"{count} alarms given; auto-rollback watches 1 to {MAX_ROLLBACK_ALARMS} alarms",
        )
    ]


def check_blue_green(spec: EndpointSpec) -> list[Problem]:
    """Blue/green traffic shifting: canary and linear sizes, waits and timeout."""
    config = spec.deployment
    if not isinstance(config, BlueGreenDeployment):
        return []
    routing = config.traffic_routing
    problems = []
    if routing.type is TrafficRoutingType.CANARY:
        problems += _capacity_problems(
            "deployment.traffic_routing.size", routing.size, "a canary", CANARY_PERCENT
        )
    elif routing.type is TrafficRoutingType.LINEAR:
        problems += _capacity_problems(
            "deployment.traffic_routing.step", routing.size, "a linear step", LINEAR_STEP_PERCENT
        )
    problems += _duration_problems("deployment.traffic_routing.wait", routing.wait, WAIT_SECONDS)
    problems += _duration_problems(
        "deployment.termination_wait", config.termination_wait, TERMINATION_WAIT_SECONDS
    )
    timeout_problems = _duration_problems(
        "deployment.maximum_execution_timeout",
        config.maximum_execution_timeout,
        EXECUTION_TIMEOUT_SECONDS,
    )
    problems += timeout_problems or _timeout_exceeds_waits(config)
    return problems


def _timeout_exceeds_waits(config: BlueGreenDeployment) -> list[Problem]:
    """The service model: the timeout must be longer than the termination wait and the wait."""
    timeout = _seconds(config.maximum_execution_timeout)
    termination_wait = _seconds(config.termination_wait or cdk.Duration.seconds(0))
    wait = _seconds(config.traffic_routing.wait)
    if timeout is None or termination_wait is None or wait is None:
        return []
    if timeout > termination_wait + wait:
        return []
    return [
        Problem(
            "deployment.maximum_execution_timeout",
            f"{_number(timeout)} seconds given; it must be longer than termination_wait + "
            f"traffic_routing.wait ({_number(termination_wait + wait)} seconds)",
        )
    ]


def check_rolling(spec: EndpointSpec) -> list[Problem]:
    """Rolling updates: batch sizes, wait and timeout."""
    config = spec.deployment
    if not isinstance(config, RollingDeployment):
        return []
    return [
        *_capacity_problems(
            "deployment.batch_size", config.batch_size, "a rolling batch", ROLLING_BATCH_PERCENT
        ),
        *_duration_problems("deployment.wait", config.wait, WAIT_SECONDS),
        *_capacity_problems(
            "deployment.rollback_batch_size",
            config.rollback_batch_size,
            "a rollback batch",
            ROLLBACK_BATCH_PERCENT,
        ),
        *_duration_problems(
            "deployment.maximum_execution_timeout",
            config.maximum_execution_timeout,
            EXECUTION_TIMEOUT_SECONDS,
        ),
    ]


def _size_problems(where: str, size: cdk.Size | None, limits: tuple[int, int]) -> list[Problem]:
    """A whole number of GiB within `limits` (inclusive); a token is skipped."""
    if size is None:
        return []
    if not isinstance(size, cdk.Size):
        return [Problem(where, f"{size!r} is not a cdk.Size (e.g. cdk.Size.gibibytes(30))")]
    if size.is_unresolved():
        return []
    gibibytes = size.to_gibibytes(rounding=cdk.SizeRoundingBehavior.NONE)
    low, high = limits
    if gibibytes != int(gibibytes):
        return [Problem(where, f"{_number(gibibytes)} GiB given; a whole number of GiB is needed")]
    if not low <= gibibytes <= high:
        return [Problem(where, f"{_number(gibibytes)} GiB given; {low} to {high} GiB allowed")]
    return []


def _timeout_problems(where: str, duration: cdk.Duration | None) -> list[Problem]:
    """A variant's timeout: a `cdk.Duration` of 60 to 3600 whole seconds."""
    if duration is not None and not isinstance(duration, cdk.Duration):
        return [
            Problem(where, f"{duration!r} is not a cdk.Duration (e.g. cdk.Duration.minutes(10))")
        ]
    return _duration_problems(where, duration, VARIANT_TIMEOUT_SECONDS)


def check_variant_settings(spec: EndpointSpec) -> list[Problem]:
    """A variant's volume size, timeouts, routing strategy and SSM access."""
    problems = [
        *_size_problems("volume_size", spec.volume_size, VOLUME_SIZE_GIB),
        *_timeout_problems("model_data_download_timeout", spec.model_data_download_timeout),
        *_timeout_problems(
            "container_startup_health_check_timeout", spec.container_startup_health_check_timeout
        ),
    ]
    strategy = spec.routing_strategy
    if strategy is not None and not isinstance(strategy, RoutingStrategy):
        problems.append(
            Problem(
                "routing_strategy",
                f"{strategy!r} is not a RoutingStrategy; use "
                "RoutingStrategy.LEAST_OUTSTANDING_REQUESTS or RoutingStrategy.RANDOM",
            )
        )
    problems += type_problems("enable_ssm_access", spec.enable_ssm_access, FLAG)
    return problems


def check_variants(spec: EndpointSpec) -> list[Problem]:
    """The `variants=` form: 1 to 10 `VariantDefinition`s with unique names, and none of the
    single-variant options beside them."""
    if spec.variants is None:
        return []
    problems = []
    if spec.single_variant_options:
        options = ", ".join(spec.single_variant_options)
        problems.append(
            Problem(
                "variants",
                f"given together with {options}, options of the single-variant form; set them "
                "on each VariantDefinition instead",
            )
        )
    count = len(spec.variants)
    if not 1 <= count <= MAX_VARIANTS:
        problems.append(
            Problem(
                "variants",
                f"{count} variants given; an endpoint has 1 to {MAX_VARIANTS} production variants",
            )
        )
    seen: dict[str, int] = {}
    for index, variant in enumerate(spec.variants):
        if not isinstance(variant, VariantDefinition):
            problems.append(
                Problem(f"variants[{index}]", f"{variant!r} is not a VariantDefinition")
            )
            continue
        name = variant.name
        if not isinstance(name, str) or is_unresolved(name):
            continue
        first = seen.setdefault(name, index)
        if first != index:
            problems.append(
                Problem(
                    f"{variant_label(index, variant)}.name",
                    f"{name!r} is already the name of variants[{first}]; variant names are unique",
                )
            )
    return problems


def check_variant_weights(spec: EndpointSpec) -> list[Problem]:
    """Each variant's weight is a number, at least 0, and not every weight is 0 (no variant
    would receive traffic)."""
    problems = []
    weights = []
    for index, variant in enumerate(spec.variants or ()):
        if not isinstance(variant, VariantDefinition):
            continue
        weight = variant.initial_weight
        weights.append(weight)
        if not is_unresolved(weight) and (
            not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0
        ):
            problems.append(
                Problem(
                    f"{variant_label(index, variant)}.initial_weight",
                    f"{weight!r} is not allowed: a number, at least 0",
                )
            )
    if weights and all(isinstance(weight, int | float) and weight == 0 for weight in weights):
        problems.append(
            Problem(
                "variants", "every initial_weight is 0; give at least one variant a weight above 0"
            )
        )
    return problems


def check_rolling_with_variants(spec: EndpointSpec) -> list[Problem]:
    """Rolling deployments exclude multi-variant endpoints (deployment guardrails,
    "Exclusions"); whether SageMaker then refuses or falls back is not documented: warn."""
    if not isinstance(spec.deployment, RollingDeployment) or len(spec.variants or ()) < 2:
        return []
    return [
        Problem(
            "deployment",
            "a rolling deployment on an endpoint with several production variants: the "
            "SageMaker Developer Guide lists multi-variant endpoints among the exclusions of "
            "rolling deployments, so SageMaker may not apply it as configured; use "
            "DeploymentConfig.blue_green(...) for an A/B endpoint",
            warning_id=ROLLING_VARIANTS_WARNING_ID,
        )
    ]


def check_private_registry_needs_a_vpc(spec: EndpointSpec) -> list[Problem]:
    """An image outside ECR is pulled through the VPC (`RepositoryAccessMode: Vpc`), which
    needs the model in a VPC."""
    if spec.security_group_count is not None:
        return []
    return [
        Problem(
            f"{container_label(index, container)}.image",
            "ContainerImage.from_private_registry pulls the image through the endpoint's VPC "
            "(ImageConfig RepositoryAccessMode Vpc); give vpc, with subnets that reach the "
            "registry",
        )
        for index, container in _containers(spec)
        if isinstance(container.image, ContainerImage) and container.image.pulled_through_vpc
    ]


def check_source_arguments(spec: EndpointSpec) -> list[Problem]:
    """The objects given to an image or model data source (`from_ecr_repository`'s
    repository, `from_bucket`'s bucket, `from_private_registry`'s credentials provider, ...)
    have the types they take."""
    problems = []
    for index, container in _containers(spec):
        label = container_label(index, container)
        for field_name, source in (
            ("image", container.image),
            ("model_data", container.model_data),
        ):
            if not isinstance(source, ContainerImage | ModelData):
                continue  # none, or of a wrong type (`check_images`, `check_model_data`)
            for name, value in source.arguments.items():
                problems += type_problems(
                    f"{label}.{field_name}.{name}", value, ARGUMENT_TYPES[name]
                )
    return problems


SUBMIT_DIRECTORY = "SAGEMAKER_SUBMIT_DIRECTORY"
"""Where a SageMaker framework container finds its script-mode code (set by the SageMaker
Python SDK to an `s3://.../sourcedir.tar.gz`, downloaded with the execution role)."""


def check_source_code(spec: EndpointSpec) -> list[Problem]:
    """`source_code` is a `ModelData` of one archive (not a key prefix), given instead of a
    `SAGEMAKER_SUBMIT_DIRECTORY` variable, which it sets."""
    problems = []
    for index, container in _containers(spec):
        code = container.source_code
        if code is None:
            continue
        where = f"{container_label(index, container)}.source_code"
        if not isinstance(code, ModelData):
            problems.append(Problem(where, f"{shown(code)} is not a ModelData"))
        elif code.prefix is not None:
            problems.append(
                Problem(where, "a key prefix; the code is one archive (sourcedir.tar.gz)")
            )
        if isinstance(container.environment, Mapping) and SUBMIT_DIRECTORY in container.environment:
            problems.append(
                Problem(
                    where,
                    f"sets {SUBMIT_DIRECTORY}, which environment sets too; give one of them",
                )
            )
    return problems


def check_model_data_prefixes(spec: EndpointSpec) -> list[Problem]:
    """Uncompressed model data is a key prefix that ends with `/` (`S3Prefix`), and not only
    slashes: CDK writes `from_bucket_prefix(bucket, "/")` as `s3://bucket/`, the bucket
    itself (as a key "/" of `from_bucket` names it)."""
    problems = []
    for index, container in _containers(spec):
        model_data = container.model_data
        prefix = model_data.prefix if isinstance(model_data, ModelData) else None
        if model_data is None or prefix is None:
            continue
        where = f"{container_label(index, container)}.model_data"
        if not isinstance(prefix, str):
            problems.append(Problem(where, f"{shown(prefix)} is not a str (a key prefix)"))
        elif not (prefix.endswith("/") and prefix.strip("/")):
            given = model_data.uri or prefix
            problems.append(
                Problem(
                    where,
                    f"{given!r} is not a key prefix of uncompressed model data: s3://<bucket>/"
                    "<prefix>/, a prefix that ends with '/' (ModelDataSource S3Prefix)",
                )
            )
    return problems


def check_data_capture(spec: EndpointSpec) -> list[Problem]:
    """Data capture: destination, sampling, what is captured and the content types."""
    capture = spec.data_capture
    if not isinstance(capture, DataCapture):
        return []  # none, or of a wrong type (`check_option_types`)
    problems = _capture_destination_problems(capture)
    sampling = capture.sampling_percentage
    low, high = SAMPLING_PERCENT
    if not is_unresolved(sampling) and not (
        isinstance(sampling, int) and not isinstance(sampling, bool) and low <= sampling <= high
    ):
        problems.append(
            Problem(
                "data_capture.sampling_percentage",
                f"{sampling!r} given; a whole number from {low} to {high}",
            )
        )
    problems += type_problems("data_capture.capture_input", capture.capture_input, FLAG)
    problems += type_problems("data_capture.capture_output", capture.capture_output, FLAG)
    if capture.capture_input is False and capture.capture_output is False:
        problems.append(
            Problem(
                "data_capture",
                "capture_input and capture_output are both off; capture at least one of them",
            )
        )
    if capture.kms_key is not None:
        problems += type_problems("data_capture.kms_key", capture.kms_key, KMS_KEY)
    for where, content_types in (
        ("data_capture.csv_content_types", capture.csv_content_types),
        ("data_capture.json_content_types", capture.json_content_types),
    ):
        if not _is_list(content_types):
            problems += type_problems(where, content_types, TEXT_LIST)
            continue
        if len(content_types) > MAX_CAPTURE_CONTENT_TYPES:
            problems.append(
                Problem(
                    where,
                    f"{len(content_types)} content types given; "
                    f"at most {MAX_CAPTURE_CONTENT_TYPES}",
                )
            )
        problems.extend(
            Problem(where, f"{content_type!r} is not a content type such as 'text/csv'")
            for content_type in content_types
            if not is_unresolved(content_type)
            and not (
                isinstance(content_type, str)
                and len(content_type) <= CONTENT_TYPE_MAX_LENGTH
                and CONTENT_TYPE_PATTERN.fullmatch(content_type)
            )
        )
    return problems


def _capture_destination_problems(capture: DataCapture) -> list[Problem]:
    """`DestinationS3Uri`: the URI given to `to_uri`, or the name of the bucket given to
    `to_bucket` with the prefix, `s3://` and at most 512 characters (skipped while the URI or
    the bucket's name is a token: its length is not known)."""
    where = "data_capture"
    if capture.bucket is None:
        destination = capture.destination_uri
    else:
        where = "data_capture.prefix"
        types = type_problems("data_capture.bucket", capture.bucket, BUCKET)
        types += type_problems(where, capture.prefix, TEXT)
        if types:
            return types
        destination = bucket_destination(capture.bucket.bucket_name, capture.prefix)
    if (
        is_unresolved(destination)
        or _literal(destination, CAPTURE_URI_MAX_LENGTH, MODEL_DATA_URL_PATTERN) is not None
    ):
        return []
    return [
        Problem(
            where,
            f"{shown(destination)} is not a valid capture destination: s3://<bucket>/<prefix>, "
            f"at most {CAPTURE_URI_MAX_LENGTH} characters",
        )
    ]


def check_data_capture_in_direct_mode(spec: EndpointSpec) -> list[Problem]:
    """Data capture is documented for Serial pipelines only: warn for a Direct variant."""
    if not isinstance(spec.data_capture, DataCapture) or spec.mode is not InvocationMode.DIRECT:
        return []
    return [
        Problem(
            "data_capture",
            f"variant {spec.variant_name!r} invokes its containers Directly; the SageMaker "
            "Developer Guide documents data capture for Serial inference pipelines (captured "
            "for the pipeline as a whole), not for Direct mode: check what it captures before "
            "you rely on it",
            warning_id=CAPTURE_DIRECT_WARNING_ID,
        )
    ]


ENDPOINT_RULES: tuple[Rule, ...] = (
    check_container_count,
    check_mode,
    check_hostnames,
    check_images,
    check_image_registries,
    check_image_assets,
    check_model_data,
    check_model_data_objects,
    check_regions,
    check_environment,
    check_endpoint_name,
    check_variant_name,
    check_instance_type,
    check_instance_count,
    check_gpu_in_direct_mode,
    check_inf1,
    check_kms_key_storage,
    check_vpc,
    check_subnet_selection,
    check_vpc_options_need_a_vpc,
    check_blue_green,
    check_rolling,
    check_rollback_alarms,
    check_tags,
    check_option_types,
    check_variants,
    check_variant_weights,
    check_variant_settings,
    check_rolling_with_variants,
    check_private_registry_needs_a_vpc,
    check_source_arguments,
    check_source_code,
    check_model_data_prefixes,
    check_data_capture,
    check_data_capture_in_direct_mode,
)


def variant_label(index: int, variant: VariantDefinition) -> str:
    """How a problem names a variant: its index and its name."""
    return f"variants[{index}] ({variant.name!r})"


def _variant_field(problem: Problem) -> tuple[str, int] | None:
    """The `VariantDefinition` field `problem` is about and where its name ends in
    `problem.where`; None for a problem about the endpoint."""
    leading = re.match(r"[a-z_]+", problem.where)
    source = VARIANT_FIELDS.get(leading[0]) if leading else None
    if leading is None or source is None:
        return None
    return source, leading.end()


def _run_rules(spec: EndpointSpec) -> list[Problem]:
    return [problem for rule in ENDPOINT_RULES for problem in rule(spec)]


def validate(spec: EndpointSpec) -> list[Problem]:
    """Every problem with `spec`, in a stable order (empty when the endpoint is valid).

    In the `variants=` form the rules run once per variant, with its settings as the spec's
    variant fields; a problem with one of those fields names the variant, the others (about
    the endpoint) are listed once.
    """
    if spec.variants is None:
        return _run_rules(spec)
    variants = [
        (index, variant)
        for index, variant in enumerate(spec.variants)
        if isinstance(variant, VariantDefinition)
    ]
    if not variants:
        return [problem for problem in _run_rules(spec) if _variant_field(problem) is None]
    found: dict[tuple[str, str, str | None], Problem] = {}
    for index, variant in variants:
        for problem in _run_rules(spec.for_variant(variant)):
            named = problem
            variant_field = _variant_field(problem)
            if variant_field is not None:
                source, end = variant_field
                where = f"{variant_label(index, variant)}.{source}{problem.where[end:]}"
                named = Problem(where, problem.message, problem.warning_id)
            found.setdefault((named.where, named.message, named.warning_id), named)
    return list(found.values())


# --- Rules of later calls: autoscaling, and a container named in a grant or a metric. --------


def check_capacity_range(min_capacity: int, max_capacity: int) -> list[Problem]:
    """Autoscaling bounds: whole numbers, at least one instance, and min <= max."""
    problems = []
    for option, value in (("min_capacity", min_capacity), ("max_capacity", max_capacity)):
        if not is_unresolved(value) and not _is_whole_number(value):
            problems.append(
                Problem(
                    f"auto_scale_instance_count.{option}", f"{shown(value)} is not a whole number"
                )
            )
    if problems:
        return problems
    if not is_unresolved(min_capacity) and min_capacity < 1:
        problems.append(
            Problem(
                "auto_scale_instance_count.min_capacity",
                f"{min_capacity} given; a variant keeps at least 1 instance",
            )
        )
    if not is_unresolved([min_capacity, max_capacity]) and max_capacity < min_capacity:
        problems.append(
            Problem(
                "auto_scale_instance_count.max_capacity",
                f"{max_capacity} given; at least min_capacity ({min_capacity})",
            )
        )
    return problems


def check_scalable_instance_type(instance_type: str | InstanceType) -> list[Problem]:
    """Application Auto Scaling does not scale burstable (`ml.t*`) instances."""
    name = _instance_type_name(instance_type)
    if name is None or not BURSTABLE_INSTANCE_TYPE.match(name):
        return []
    return [
        Problem(
            "auto_scale_instance_count",
            f"the variant runs on {name!r}, a burstable instance type, and SageMaker does not "
            "autoscale burstable (ml.t*) instances: choose another instance_type",
        )
    ]


def check_role_account(stack_account: str, role_account: str) -> list[Problem]:
    """An environment-agnostic stack cannot attach a policy to a role of a known account
    (CloudFormation would look the role up by name in whatever account deploys): a warning."""
    if not is_unresolved(stack_account) or is_unresolved(role_account):
        return []
    return [
        Problem(
            "role",
            f"The role of account {role_account} receives no policy from an "
            "environment-agnostic stack (the stack's account is known only at deploy time): it "
            "must already allow what the endpoint needs (docs/security.md), or give the stack "
            "an account.",
            warning_id=OTHER_ACCOUNT_ROLE_WARNING,
        )
    ]


def check_target_value(where: str, value: float) -> list[Problem]:
    """A target-tracking target: a positive number."""
    if is_unresolved(value):
        return []
    if not isinstance(value, int | float) or isinstance(value, bool):
        return [Problem(where, f"{shown(value)} is not a number")]
    if value > 0:
        return []
    return [Problem(where, f"{value} given; a scaling target is a positive number")]


def check_container_hostname(
    hostname: str,
    *,
    where: str,
    mode: InvocationMode | None,
    hostnames: Sequence[str] | None,
    serial_too: bool = False,
) -> list[Problem]:
    """Whether one container of the endpoint can be named by `hostname` (compared
    case-insensitively, like the uniqueness of hostnames): in Direct mode, or with
    `serial_too` (a metric published for pipelines too) in either mode.

    `mode` and `hostnames` are None for an imported endpoint whose settings are not known:
    then any valid hostname is accepted.
    """
    if is_unresolved(hostname):
        return []
    if not isinstance(hostname, str):
        return name_problems(where, hostname, "hostname")
    if mode is InvocationMode.SERIAL and not serial_too:
        return [
            Problem(
                where,
                f"{hostname!r} names a container, but this endpoint is a Serial pipeline; "
                "only a Direct-mode endpoint invokes its containers by hostname",
            )
        ]
    if hostnames is not None:
        if hostname.lower() in {known.lower() for known in hostnames}:
            return []
        known = ", ".join(repr(name) for name in hostnames)
        return [Problem(where, f"{hostname!r} is not a container of this endpoint ({known})")]
    return name_problems(where, hostname, "hostname")


def hostnames_of(variant: VariantDefinition) -> tuple[str, ...]:
    """The hostnames of a variant's containers (those that have one)."""
    return tuple(
        container.container_hostname
        for container in variant.containers
        if container.container_hostname is not None
    )


def variants_with_container(
    hostname: str, variants: Sequence[VariantDefinition]
) -> list[VariantDefinition]:
    """The variants that have a container named `hostname` (compared case-insensitively)."""
    return [
        variant
        for variant in variants
        if hostname.lower() in {known.lower() for known in hostnames_of(variant)}
    ]


def check_container_in_variants(
    hostname: str,
    *,
    where: str,
    variants: Sequence[VariantDefinition],
    one_variant: bool,
    serial_too: bool = False,
) -> list[Problem]:
    """Whether `hostname` names a container of one of the endpoint's Direct-mode variants
    (of any variant with `serial_too`; of exactly one with `one_variant`: a metric is about
    one variant)."""
    if is_unresolved(hostname):
        return []
    if not isinstance(hostname, str):
        return name_problems(where, hostname, "hostname")
    direct = [
        variant for variant in variants if serial_too or variant.mode is InvocationMode.DIRECT
    ]
    if not direct:
        return [
            Problem(
                where,
                f"{hostname!r} names a container, but every variant of this endpoint is a "
                "Serial pipeline; only a Direct-mode variant invokes its containers by hostname",
            )
        ]
    owners = variants_with_container(hostname, direct)
    if not owners:
        hostnames = dict.fromkeys(name for variant in direct for name in hostnames_of(variant))
        known = ", ".join(repr(name) for name in hostnames)
        return [
            Problem(
                where,
                f"{hostname!r} is not a container of this endpoint's Direct-mode variants "
                f"({known})",
            )
        ]
    if one_variant and len(owners) > 1:
        names = " and ".join(repr(variant.name) for variant in owners)
        return [
            Problem(
                where,
                f"{hostname!r} is a container of variants {names}; name the variant with "
                "endpoint.variant(name)",
            )
        ]
    return []


def check_variant_exists(name: str, names: Sequence[str]) -> list[Problem]:
    """`endpoint.variant(name)` names one of the endpoint's variants."""
    if name in names:
        return []
    known = ", ".join(repr(variant) for variant in names)
    return [Problem("variant", f"{name!r} is not a production variant of this endpoint ({known})")]


def check_one_variant_to_scale(names: Sequence[str]) -> list[Problem]:
    """`endpoint.auto_scale_instance_count` scales the endpoint's one variant; with several,
    each is scaled with `variant(name)`."""
    if len(names) == 1:
        return []
    known = ", ".join(repr(variant) for variant in names)
    return [
        Problem(
            "auto_scale_instance_count",
            f"this endpoint has {len(names)} production variants ({known}); scale each one "
            "with endpoint.variant(name).auto_scale_instance_count(...)",
        )
    ]
