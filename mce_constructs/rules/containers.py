"""A model's containers (CreateModel `Containers`, `InferenceExecutionConfig.Mode`): their
number, hostnames, images, model data and environment.

The settings are those of an `AWS::SageMaker::Model`; `where` is the model's location (the
construct's root, a variant of the `variants=` form, or a template's resource).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from .._locations import ecr_location, s3_location
from ..errors import Problem
from .location import Location
from .names import check_name
from .values import is_unknown, shown

SERIAL: Final = "Serial"
DIRECT: Final = "Direct"
MAX_CONTAINERS = 15
IMAGE_MAX_LENGTH = 255
IMAGE_PATTERN = re.compile(r"[\S]+")
MODEL_DATA_URL_MAX_LENGTH = 1024
MODEL_DATA_URL_PATTERN = re.compile(r"(https|s3)://([^/]+)/?(.*)")
MODEL_DATA_SUFFIX = ".tar.gz"
ENVIRONMENT_KEY_PATTERN = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
ENVIRONMENT_KEY_MAX_LENGTH = 1024
ENVIRONMENT_VALUE_MAX_LENGTH = 1024
"""Bytes of UTF-8: "The maximum length of each key and value in the Environment map is 1024
bytes" (CreateModel's documentation of `Environment`)."""
MAX_ENVIRONMENT_ENTRIES = 100
MODEL_PACKAGE_MAX_LENGTH = 176
MODEL_PACKAGE_PATTERN = re.compile(
    r"(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?"
    r"([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)(\/[0-9]{1,9})?"
)
"""`ContainerDefinition.ModelPackageName` (botocore shape `VersionedArnOrName`, the same in the
CloudFormation schema): a package's name or ARN, optionally `/<version>` (a version of a model
package group: `<group>/<version>`, `arn:...:model-package/<group>/<version>`)."""
MODEL_PACKAGE_GROUP_WARNING = "mce-constructs:modelPackageGroup"
MODEL_PACKAGE_IN_PIPELINE_WARNING = "mce-constructs:modelPackageInPipeline"
MODEL_PACKAGE_WITH_IMAGE_WARNING = "mce-constructs:modelPackageWithImage"
ENVIRONMENT_TOTAL_MAX_BYTES = 32 * 1024
""""32 KB" of keys and values across all containers (CreateModel's documentation of
`Environment`), read as 32768 bytes of UTF-8: the documentation counts bytes."""
HOSTNAME_CASE_WARNING = "mce-constructs:hostnameCase"


@dataclass(frozen=True, kw_only=True)
class ContainerSettings:
    """One container (`ContainerDefinition`): None where a value is absent, or not known before
    the app is synthesized (the URI of an image built from an asset)."""

    image: str | None = None
    """`Image`."""
    hostname: str | None = None
    """`ContainerHostname`."""
    model_data_url: str | None = None
    """`ModelDataUrl`: one `.tar.gz` object."""
    model_data_prefix: str | None = None
    """`ModelDataSource.S3DataSource.S3Uri` of uncompressed model data (`S3Prefix`)."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """`Environment`."""
    pulled_through_vpc: bool = False
    """`ImageConfig.RepositoryAccessMode` is `Vpc`."""
    model_package: str | None = None
    """`ModelPackageName`: the container is a model package's (its images and artifacts)."""


@dataclass(frozen=True, kw_only=True)
class ModelSettings:
    """A model's containers and how they are invoked."""

    containers: Sequence[ContainerSettings | None]
    """In order; None for an item that is not a container (refused for its type)."""
    mode: str | None
    """`Serial` or `Direct`; None when not known."""
    in_vpc: bool = False
    """The model has a `VpcConfig`."""


def container_where(where: Location, index: int, container: ContainerSettings) -> Location:
    """How a problem names a container: its index, and its hostname when it has one known
    before deploy time."""
    return hostname_where(where, index, container.hostname)


def hostname_where(where: Location, index: int, hostname: object) -> Location:
    """How a problem names the container `index` whose hostname is `hostname`."""
    known = isinstance(hostname, str) and not is_unknown(hostname)
    return where.field("Containers").index(index, hostname if known else None)


def _containers(model: ModelSettings) -> list[tuple[int, ContainerSettings]]:
    return [
        (index, container)
        for index, container in enumerate(model.containers)
        if container is not None
    ]


def _literal(value: str | None, max_length: int, pattern: re.Pattern[str]) -> str | None:
    """`value` when it is known, of at most `max_length` characters, and `pattern` matches it."""
    if value is None or is_unknown(value) or len(value) > max_length:
        return None
    return value if pattern.fullmatch(value) else None


def _model_data_urls(container: ContainerSettings) -> list[str]:
    """The container's valid model data URLs (of an object or of a prefix)."""
    urls = (container.model_data_url, container.model_data_prefix)
    return [
        known
        for url in urls
        if (known := _literal(url, MODEL_DATA_URL_MAX_LENGTH, MODEL_DATA_URL_PATTERN)) is not None
    ]


def check_container_count(model: ModelSettings, where: Location) -> list[Problem]:
    """A model has 1 to 15 containers."""
    count = len(model.containers)
    if 1 <= count <= MAX_CONTAINERS:
        return []
    return [
        where.field("Containers").problem(
            f"{count} containers given; a multi-container endpoint has 1 to {MAX_CONTAINERS}"
        )
    ]


def check_hostnames(model: ModelSettings, where: Location) -> list[Problem]:
    """Hostnames: valid, unique (a warning when they differ only in case), on every
    container in Direct mode and on all or none in Serial mode."""
    problems: list[Problem] = []
    containers = _containers(model)
    missing = [index for index, container in containers if container.hostname is None]
    if model.mode == DIRECT:
        problems.extend(
            where.field("Containers")
            .index(index)
            .field("ContainerHostname")
            .problem("required in Direct mode (each request names its container by hostname)")
            for index in missing
        )
    elif model.mode == SERIAL and missing and len(missing) < len(containers):
        problems.extend(
            where.field("Containers")
            .index(index)
            .field("ContainerHostname")
            .problem("missing; in Serial mode give a hostname to all containers or to none")
            for index in missing
        )
    seen: dict[str, int] = {}
    for index, container in containers:
        hostname = container.hostname
        if hostname is None or is_unknown(hostname):
            continue
        at = container_where(where, index, container).field("ContainerHostname")
        problems += check_name(hostname, at, "hostname")
        problems += _duplicate_hostname(hostname, index, seen, at)
    return problems


def _duplicate_hostname(
    hostname: str, index: int, seen: dict[str, int], at: Location
) -> list[Problem]:
    """A hostname used before (`seen`: the first index of each spelling): the same spelling is
    refused; one that differs only in case is a warning (no source says that SageMaker compares
    hostnames case-insensitively, but DNS does)."""
    first = seen.setdefault(hostname, index)
    if first != index:
        return [at.problem(f"{shown(hostname)} is already used by containers[{first}]")]
    other = next(
        (
            (spelling, position)
            for spelling, position in seen.items()
            if spelling != hostname and spelling.lower() == hostname.lower()
        ),
        None,
    )
    if other is None:
        return []
    spelling, position = other
    return [
        at.problem(
            f"{shown(hostname)} differs only in case from {shown(spelling)} of "
            f"containers[{position}]; hostnames are DNS names, which ignore case, so SageMaker "
            "may refuse them or route a request to either: give them names that differ",
            HOSTNAME_CASE_WARNING,
        )
    ]


def check_images(model: ModelSettings, where: Location) -> list[Problem]:
    """An image URI has 1 to 255 characters and no whitespace."""
    return [
        container_where(where, index, container)
        .field("Image")
        .problem(
            f"{shown(container.image)} is not a valid image URI: "
            f"1 to {IMAGE_MAX_LENGTH} characters, no whitespace"
        )
        for index, container in _containers(model)
        if container.image is not None
        and not is_unknown(container.image)
        and _literal(container.image, IMAGE_MAX_LENGTH, IMAGE_PATTERN) is None
    ]


def check_image_registries(model: ModelSettings, where: Location) -> list[Problem]:
    """SageMaker pulls an image with its own access only from ECR; any other registry (Docker
    Hub, `public.ecr.aws`, a private registry) only through the VPC
    (`RepositoryAccessMode: Vpc`)."""
    problems = []
    for index, container in _containers(model):
        uri = _literal(container.image, IMAGE_MAX_LENGTH, IMAGE_PATTERN)
        if uri is None or container.pulled_through_vpc or ecr_location(uri):
            continue
        problems.append(
            container_where(where, index, container)
            .field("Image")
            .problem(
                f"{shown(uri)} is not in Amazon ECR, and SageMaker pulls from another registry "
                "only through the model's VPC: use "
                f"ContainerImage.from_private_registry({shown(uri)}) with vpc"
            )
        )
    return problems


def check_private_registry_needs_a_vpc(model: ModelSettings, where: Location) -> list[Problem]:
    """An image pulled through the VPC (`RepositoryAccessMode: Vpc`) needs the model in a
    VPC."""
    if model.in_vpc:
        return []
    return [
        container_where(where, index, container)
        .field("ImageConfig")
        .problem(
            "ContainerImage.from_private_registry pulls the image through the endpoint's VPC "
            "(ImageConfig RepositoryAccessMode Vpc); give vpc, with subnets that reach the "
            "registry"
        )
        for index, container in _containers(model)
        if container.pulled_through_vpc
    ]


def check_model_data_urls(model: ModelSettings, where: Location) -> list[Problem]:
    """A model data URL (of an object or of a prefix) is `s3://` or `https://`, at most 1024
    characters."""
    problems = []
    for index, container in _containers(model):
        for name, url in (
            ("ModelDataUrl", container.model_data_url),
            ("ModelDataSource", container.model_data_prefix),
        ):
            if url is None or is_unknown(url):
                continue
            if _literal(url, MODEL_DATA_URL_MAX_LENGTH, MODEL_DATA_URL_PATTERN) is None:
                problems.append(
                    container_where(where, index, container)
                    .field(name)
                    .problem(
                        f"{shown(url)} is not a valid model data URL: s3://<bucket>/<key> or "
                        f"https://<host>/<path>, at most {MODEL_DATA_URL_MAX_LENGTH} characters"
                    )
                )
    return problems


def check_model_data_objects(model: ModelSettings, where: Location) -> list[Problem]:
    """S3 model data is one object: a URL of a bucket alone (`s3://bucket/`) or of a folder
    (a key that ends with `/`) is refused."""
    problems = []
    for index, container in _containers(model):
        url = _literal(container.model_data_url, MODEL_DATA_URL_MAX_LENGTH, MODEL_DATA_URL_PATTERN)
        location = None if url is None else s3_location(url)
        if location is None:
            continue
        at = container_where(where, index, container).field("ModelDataUrl")
        if not location.key.strip("/"):
            problems.append(
                at.problem(
                    f"{shown(url)} names a bucket, not an object; model data is one "
                    f"{MODEL_DATA_SUFFIX} object (s3://<bucket>/<key>)"
                )
            )
        elif location.key.endswith("/"):
            problems.append(
                at.problem(
                    f"{shown(url)} names a folder (its key ends with '/'); model data is one "
                    f"{MODEL_DATA_SUFFIX} object, and uncompressed files under a prefix are "
                    f"ModelData.from_s3_prefix({shown(url)})"
                )
            )
    return problems


def check_model_data_in_s3(model: ModelSettings, where: Location) -> list[Problem]:
    """Model data is in S3 ("The model artifacts must be in an S3 bucket", CreateModel
    `ModelDataUrl`; "the S3 path of ML model data", `S3ModelDataSource.S3Uri`): an `https://`
    URL is one of S3's (virtual-hosted, path style, regional, dualstack, FIPS)."""
    problems = []
    for index, container in _containers(model):
        for name, url in (
            ("ModelDataUrl", container.model_data_url),
            ("ModelDataSource", container.model_data_prefix),
        ):
            known = _literal(url, MODEL_DATA_URL_MAX_LENGTH, MODEL_DATA_URL_PATTERN)
            if known is None or s3_location(known) is not None:
                continue
            problems.append(
                container_where(where, index, container)
                .field(name)
                .problem(
                    f"{shown(known)} is not an S3 URL; SageMaker reads model artifacts only "
                    "from S3: s3://<bucket>/<key>, or https://<bucket>.s3.<region>.amazonaws.com/"
                    "<key> and the other S3 endpoints' forms"
                )
            )
    return problems


def is_key_prefix(prefix: str) -> bool:
    """A key prefix of uncompressed model data ends with `/` and is not only slashes."""
    return prefix.endswith("/") and bool(prefix.strip("/"))


def prefix_problem(where: Location, given: str) -> Problem:
    """What is wrong with a prefix that `is_key_prefix` refuses (`given`: as the user gave it)."""
    return where.problem(
        f"{shown(given)} is not a key prefix of uncompressed model data: s3://<bucket>/"
        "<prefix>/, a prefix that ends with '/' (ModelDataSource S3Prefix)"
    )


def check_model_data_prefixes(model: ModelSettings, where: Location) -> list[Problem]:
    """Uncompressed model data is a key prefix that ends with `/` (`S3Prefix`; a URL outside
    S3 is refused by `check_model_data_in_s3`)."""
    problems = []
    for index, container in _containers(model):
        url = container.model_data_prefix
        location = None if url is None or is_unknown(url) else s3_location(url)
        if url is not None and location is not None and not is_key_prefix(location.key):
            at = container_where(where, index, container).field("ModelDataSource")
            problems.append(prefix_problem(at.field("S3DataSource").field("S3Uri"), url))
    return problems


def check_regions(model: ModelSettings, region: str | None, where: Location) -> list[Problem]:
    """An ECR image and S3 model data are in the model's `region` (when it is known; only a URL
    that names its region is checked)."""
    if region is None or is_unknown(region):
        return []
    problems = []
    for index, container in _containers(model):
        at = container_where(where, index, container)
        uri = _literal(container.image, IMAGE_MAX_LENGTH, IMAGE_PATTERN)
        repository = None if uri is None else ecr_location(uri)
        if repository is not None and repository.region != region:
            problems.append(
                at.field("Image").problem(
                    f"{shown(uri)} is in {repository.region}, but the stack deploys to {region}; "
                    "SageMaker pulls an ECR image only from the model's region (copy it there, "
                    "e.g. with ECR replication)"
                )
            )
        for url in _model_data_urls(container):
            location = s3_location(url)
            if location is not None and location.region not in (None, region):
                problems.append(
                    at.field("ModelDataUrl").problem(
                        f"{shown(url)} is in {location.region}, but the stack deploys to "
                        f"{region}; SageMaker reads model artifacts only from a bucket in the "
                        "model's region"
                    )
                )
    return problems


def environment_key_problem(where: Location) -> Problem:
    """What is wrong with a variable name that is not one (or not a str)."""
    return where.problem(
        "not a valid variable name: letters, digits and underscores, not starting with a digit, "
        f"at most {ENVIRONMENT_KEY_MAX_LENGTH} bytes"
    )


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _variable_problems(key: str, value: str, at: Location) -> list[Problem]:
    """One variable's name and the length of its value, in bytes of UTF-8."""
    problems = []
    if not is_unknown(key) and (
        _utf8_length(key) > ENVIRONMENT_KEY_MAX_LENGTH
        or ENVIRONMENT_KEY_PATTERN.fullmatch(key) is None
    ):
        problems.append(environment_key_problem(at.key(key)))
    if not is_unknown(value) and _utf8_length(value) > ENVIRONMENT_VALUE_MAX_LENGTH:
        problems.append(
            at.key(key).problem(
                f"the value is {_utf8_length(value)} bytes of UTF-8; "
                f"at most {ENVIRONMENT_VALUE_MAX_LENGTH}"
            )
        )
    return problems


def _known_bytes(environment: Mapping[str, str]) -> int:
    """The bytes of UTF-8 of the names and values known before deploy time."""
    texts = (text for item in environment.items() for text in item if not is_unknown(text))
    return sum(_utf8_length(text) for text in texts)


def check_environment(model: ModelSettings, where: Location) -> list[Problem]:
    """Environment names and sizes, per variable, per container and in total."""
    problems = []
    total_bytes = 0
    for index, container in _containers(model):
        at = container_where(where, index, container).field("Environment")
        environment = container.environment
        if len(environment) > MAX_ENVIRONMENT_ENTRIES:
            problems.append(
                at.problem(
                    f"{len(environment)} variables; at most {MAX_ENVIRONMENT_ENTRIES} per container"
                )
            )
        for key, value in environment.items():
            problems += _variable_problems(key, value, at)
        total_bytes += _known_bytes(environment)
    if total_bytes > ENVIRONMENT_TOTAL_MAX_BYTES:
        problems.append(
            where.field("Containers")
            .every()
            .field("Environment")
            .problem(
                f"{total_bytes} bytes of names and values in all containers together; "
                f"at most {ENVIRONMENT_TOTAL_MAX_BYTES} (32 KB)"
            )
        )
    return problems


def _package_problem(package: str, where: Location) -> Problem | None:
    """What is wrong with one `ModelPackageName` (None: nothing), refused by the pattern of the
    service model, warned about when it names a package group (not documented)."""
    if len(package) > MODEL_PACKAGE_MAX_LENGTH or MODEL_PACKAGE_PATTERN.fullmatch(package) is None:
        return where.problem(
            f"{shown(package)} is not a model package: its name or ARN "
            "(arn:<partition>:sagemaker:<region>:<account>:model-package/<name>), optionally "
            f"with /<version>, at most {MODEL_PACKAGE_MAX_LENGTH} characters"
        )
    if ":model-package-group/" in package:
        return where.problem(
            f"{shown(package)} is the ARN of a model package group; SageMaker documents "
            "deploying a version of it (arn:...:model-package/<group>/<version>), and no source "
            "says which version a group would deploy",
            MODEL_PACKAGE_GROUP_WARNING,
        )
    return None


def check_model_packages(model: ModelSettings, where: Location) -> list[Problem]:
    """A model package (`ModelPackageName`) matches the service model's pattern. Where the
    sources are silent, warn: a package beside other containers (the Developer Guide deploys
    a package as the only container, and a package may itself hold a pipeline of up to 15),
    and a package with an image or model data of the container's own (the SageMaker Python
    SDK sends only `ModelPackageName` and `Environment`)."""
    problems = []
    containers = _containers(model)
    packaged = [(i, c) for i, c in containers if c.model_package is not None]
    for index, container in packaged:
        at = container_where(where, index, container).field("ModelPackageName")
        package = container.model_package
        if package is not None and not is_unknown(package):
            found = _package_problem(package, at)
            problems += [] if found is None else [found]
        own = [
            name
            for name, value in (
                ("Image", container.image),
                ("ModelDataUrl", container.model_data_url),
                ("ModelDataSource", container.model_data_prefix),
            )
            if value is not None
        ]
        if own:
            problems.append(
                at.problem(
                    f"a model package with {' and '.join(own)} of the container's own: the "
                    "package names its images and artifacts, and no source documents both on "
                    "one container (the SageMaker Python SDK sends only ModelPackageName and "
                    "Environment)",
                    MODEL_PACKAGE_WITH_IMAGE_WARNING,
                )
            )
    if packaged and len(model.containers) > 1:
        index, container = packaged[0]
        problems.append(
            container_where(where, index, container)
            .field("ModelPackageName")
            .problem(
                f"a model package among {len(model.containers)} containers: the SageMaker "
                "Developer Guide deploys a model package as the model's only container, and no "
                "source says how a package (which may itself hold up to 15 containers) combines "
                "with others, so SageMaker may refuse it",
                MODEL_PACKAGE_IN_PIPELINE_WARNING,
            )
        )
    return problems


def check_model(model: ModelSettings, region: str | None, where: Location) -> list[Problem]:
    """Every rule of a model's containers, in the order a problem list shows them."""
    return [
        *check_container_count(model, where),
        *check_hostnames(model, where),
        *check_images(model, where),
        *check_image_registries(model, where),
        *check_private_registry_needs_a_vpc(model, where),
        *check_model_data_urls(model, where),
        *check_model_data_in_s3(model, where),
        *check_model_data_objects(model, where),
        *check_model_data_prefixes(model, where),
        *check_regions(model, region, where),
        *check_environment(model, where),
        *check_model_packages(model, where),
    ]
