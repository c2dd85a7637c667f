"""Hypothesis strategies: one per option of the construct, and `cases()` for whole
configurations.

Every field is drawn through a `Picker`: a valid value (literal or token) most of the time, and
with the case's `fault_rate` an invalid one or one of the wrong type. `cases(fault_rate=0)` draws
only configurations the service accepts; shrinking moves towards valid values, one container,
and no options.

To add an option: a strategy of its spec (valid and faulty values) in `OPTIONS`, and, if its value
is create-only, a mutation in `MUTATIONS`.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from mce_constructs import InvocationMode, RoutingStrategy

from .model import (
    ACCOUNT,
    OTHER_ACCOUNT,
    AssetFile,
    AssetImage,
    AssetModelData,
    BucketKind,
    BucketModelData,
    Capture,
    Case,
    Container,
    Deployment,
    EndpointName,
    EndpointOption,
    Environment,
    EscapeHatch,
    Filler,
    GroupsKind,
    Image,
    InstanceCount,
    InstanceType,
    Isolation,
    KeyKind,
    Kms,
    ModelDataSpec,
    NumTok,
    PrivateRegistryImage,
    ProviderKind,
    RegistryImage,
    RepositoryImage,
    RepositoryKind,
    Role,
    RoleKind,
    RoutingType,
    Scaling,
    Size,
    SubnetsKind,
    Tags,
    Text,
    Tok,
    TokKind,
    UriModelData,
    Variant,
    VariantName,
    VariantSettings,
    Vpc,
    Wrong,
    expected_problems,
    expected_problems_after,
    instance_types,
    literal,
    nested,
)

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
FAULT_RATES = (0, 5, 30)
"""Percent chance that a field is drawn invalid (0 first: shrinking goes there)."""


class Picker:
    """Draws each field valid, or with `fault_rate` percent chance faulty."""

    def __init__(
        self, draw: st.DrawFn, fault_rate: int, region: str | None, *, wrong_types: bool
    ) -> None:
        self.draw = draw
        self.fault_rate = fault_rate
        self.region = region
        self.wrong_types = wrong_types
        """Whether a faulty value may be of the wrong type (else it is one of the right type)."""
        self.in_vpc = False
        """Whether the endpoint is in a VPC (images from a private registry need one)."""
        self.variant_count: int | None = None
        """How many variants the case has in the `variants=` form (None: the single form)."""

    def __call__(self, valid: st.SearchStrategy[Any], faulty: st.SearchStrategy[Any]) -> Any:
        if self.fault_rate and self.draw(st.integers(0, 99)) < self.fault_rate:
            value = self.draw(faulty)
            if self.wrong_types or not contains_wrong(value):
                return value
        return self.draw(valid)


def contains_wrong(value: object) -> bool:
    """Whether a drawn value is, or holds, a value of the wrong type."""
    return any(
        isinstance(item, Wrong) or (isinstance(item, UriModelData) and item.plain)
        for item in nested(value)
    )


# --- Shared pieces ----------------------------------------------------------------------------


def wrong(*values: Any) -> st.SearchStrategy[Wrong]:
    return st.sampled_from([Wrong(value) for value in values])


WRONG_TEXT = wrong(123, None, 1.5, b"bytes", ["a"], {"a": "b"})
NAME = st.from_regex(r"[a-zA-Z0-9](-?[a-zA-Z0-9]){0,20}", fullmatch=True)
NAMES = st.one_of(
    NAME,
    st.sampled_from(["a" * 63, "A" + "-" * 61 + "z", "0", "a--b", "a-" * 31 + "b"]),
)
"""SageMaker names (hostnames, variants, endpoints): valid, up to exactly 63 characters."""
BAD_NAMES = st.one_of(
    st.sampled_from(
        ["", "a" * 64, "-a", "a-", "-", "a_b", "a.b", "a b", "é", "ホスト", "a\n", "ab-" * 21 + "c"]
    ),
    NAME.map(lambda name: name + "_"),
)
"""Names the service refuses: over 63 characters, hyphens at the ends, other characters."""


def text_tokens(
    values: st.SearchStrategy[str],
    *kinds: TokKind,
    prefix: str = "",
    suffix: str = "",
    allowed: tuple[str, ...] = (),
) -> st.SearchStrategy[Tok]:
    """Tokens of `kinds`; a Lazy one produces one of `values` (valid values of the field)."""
    return st.builds(
        Tok,
        kind=st.sampled_from(kinds),
        value=values,
        prefix=st.just(prefix),
        suffix=st.just(suffix),
        allowed=st.just(allowed),
    )


# --- Containers -------------------------------------------------------------------------------

REPOSITORY = st.from_regex(
    r"[a-z0-9]{1,12}([._-][a-z0-9]{1,8}){0,2}(/[a-z0-9]{1,8}){0,2}", fullmatch=True
)
REFERENCE = st.one_of(
    st.from_regex(r":[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,20}", fullmatch=True),
    st.just("@sha256:" + "0123456789abcdef" * 4),
)


PRIVATE_IMAGES = st.sampled_from(
    [
        "registry.example.com/team/model:1",
        "registry.example.com:5000/model@sha256:" + "0123456789abcdef" * 4,
        "docker.io/library/nginx:1.27",
        "public.ecr.aws/acme/serve:2",
        "nginx",
    ]
)
"""Images outside ECR (SageMaker pulls them through the VPC)."""


def ecr_uris(region: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        "{}.dkr.ecr.{}.amazonaws.com/{}{}".format,
        st.sampled_from([ACCOUNT, OTHER_ACCOUNT]),
        region,
        REPOSITORY,
        REFERENCE,
    )


def images(pick: Picker) -> Image | Wrong:
    region = st.just(pick.region) if pick.region else st.sampled_from(REGIONS)
    plain = st.booleans()
    valid = st.one_of(
        st.builds(RegistryImage, ecr_uris(region), plain),
        st.builds(
            RegistryImage,
            text_tokens(
                ecr_uris(region),
                TokKind.PARAMETER,
                TokKind.LAZY,
                TokKind.IMPORT,
                TokKind.SSM,
                TokKind.LATE,
            ),
            plain,
        ),
        st.builds(
            RegistryImage,
            text_tokens(
                st.just(""),
                TokKind.PSEUDO,
                prefix=f"{ACCOUNT}.dkr.ecr.",
                suffix=".amazonaws.com/model:1",
            ),
        ),
        st.builds(
            RepositoryImage,
            st.sampled_from(RepositoryKind),
            st.from_regex(r"[a-z][a-z0-9]{1,10}", fullmatch=True),
            st.sampled_from(["latest", "v1", "sha256:" + "ab" * 32]),
        ),
        st.just(AssetImage()),
    )
    providers = st.none() | st.sampled_from(ProviderKind)
    private = st.builds(
        PrivateRegistryImage,
        PRIVATE_IMAGES | text_tokens(PRIVATE_IMAGES, TokKind.PARAMETER, TokKind.LAZY),
        providers,
    )
    valid_images: st.SearchStrategy[Image] = st.one_of(valid, private) if pick.in_vpc else valid
    faulty_images: list[st.SearchStrategy[Any]] = [
        st.builds(
            PrivateRegistryImage,
            st.sampled_from(["", "with space:1", "registry.example.com/" + "r" * 250 + ":1"]),
            providers,
        ),
        st.builds(PrivateRegistryImage, PRIVATE_IMAGES, wrong("arn:aws:lambda:::function:f")),
        private,  # without a VPC
        st.builds(PrivateRegistryImage, wrong(5)),
        st.builds(
            RegistryImage,
            st.sampled_from(
                [
                    "nginx:latest",
                    "public.ecr.aws/lambda/python:3.12",
                    "registry.example.com:5000/team/model:1",
                    "",
                    "with space:1",
                    f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/" + "r" * 250 + ":1",
                ]
            ),
            plain,
        ),
        st.just(AssetImage(exists=False)),
        WRONG_TEXT,
    ]
    if pick.region:  # an ECR image of another region than the stack's
        other_region = st.sampled_from([r for r in REGIONS if r != pick.region])
        faulty_images.append(st.builds(RegistryImage, ecr_uris(other_region)))
    image: Image | Wrong = pick(valid_images, st.one_of(*faulty_images))
    return image


BUCKET = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)
KEY = st.from_regex(r"[a-zA-Z0-9_-]{1,10}(/[a-zA-Z0-9_.-]{1,10}){0,2}\.tar\.gz", fullmatch=True)
PREFIX = st.from_regex(r"[a-zA-Z0-9_-]{1,10}(/[a-zA-Z0-9_.-]{1,10}){0,2}/", fullmatch=True)


def model_data(pick: Picker) -> ModelDataSpec | Wrong | None:
    region = pick.region or "us-east-1"
    prefix_uris = st.one_of(
        st.builds("s3://{}/{}".format, BUCKET, PREFIX),
        st.builds(f"https://{{}}.s3.{region}.amazonaws.com/{{}}".format, BUCKET, PREFIX),
        st.builds(f"https://s3.{region}.amazonaws.com/{{}}/{{}}".format, BUCKET, PREFIX),
    )
    uris = st.one_of(
        st.builds("s3://{}/{}".format, BUCKET, KEY),
        st.builds(f"https://{{}}.s3.{region}.amazonaws.com/{{}}".format, BUCKET, KEY),
        st.builds(f"https://{{}}.s3.dualstack.{region}.amazonaws.com/{{}}".format, BUCKET, KEY),
        st.builds(f"https://s3.{region}.amazonaws.com/{{}}/{{}}".format, BUCKET, KEY),
        st.builds("https://{}.s3.amazonaws.com/{}".format, BUCKET, KEY),
        st.builds(f"https://{{}}.s3-fips.{region}.amazonaws.com/{{}}".format, BUCKET, KEY),
        st.just("s3://bucket/" + "k" * 1012),
    )
    valid = st.one_of(
        st.builds(UriModelData, uris),
        st.builds(
            UriModelData,
            text_tokens(uris, TokKind.PARAMETER, TokKind.IMPORT, TokKind.SSM, TokKind.LAZY),
        ),
        st.builds(
            UriModelData,
            text_tokens(
                BUCKET, TokKind.PARAMETER, TokKind.LAZY, prefix="s3://", suffix="/m.tar.gz"
            ),
        ),
        st.builds(BucketModelData, st.sampled_from(BucketKind), BUCKET, KEY),
        st.just(AssetModelData()),
        st.builds(UriModelData, prefix_uris, prefix=st.just(True)),
        st.builds(
            UriModelData,
            text_tokens(prefix_uris, TokKind.PARAMETER, TokKind.LAZY),
            prefix=st.just(True),
        ),
        st.builds(BucketModelData, st.sampled_from(BucketKind), BUCKET, PREFIX, st.just(True)),
    )
    faulty = st.one_of(
        st.builds(
            UriModelData,
            st.sampled_from(
                [
                    "ftp://host/model.tar.gz",
                    "http://bucket.s3.amazonaws.com/model.tar.gz",
                    "s3://bucket",
                    "s3://bucket/",
                    "model.tar.gz",
                    "s3://bucket/" + "k" * 1013,
                    "https://bucket.s3.sa-east-1.amazonaws.com/model.tar.gz",
                    "https://example.com/models/model.tar.gz",
                    "s3://bucket/models/",
                ]
            ),
        ),
        st.builds(BucketModelData, st.sampled_from(BucketKind), BUCKET, st.sampled_from(["", "/"])),
        st.builds(AssetModelData, st.sampled_from([AssetFile.MISSING, AssetFile.NOT_TARBALL])),
        st.builds(UriModelData, st.just("s3://bucket/model.tar.gz"), plain=st.just(True)),
        wrong(5, b"s3://bucket/model.tar.gz", ["s3://bucket/m.tar.gz"]),
        st.builds(
            UriModelData,
            prefix=st.just(True),
            uri=st.sampled_from(
                [
                    "s3://bucket/models",
                    "s3://bucket/",
                    "s3://bucket",
                    "https://example.com/models",
                    "ftp://bucket/models/",
                    "https://bucket.s3.sa-east-1.amazonaws.com/models/",
                ]
            ),
        ),
        st.builds(UriModelData, wrong(5), prefix=st.just(True)),
        st.builds(
            BucketModelData,
            st.sampled_from(BucketKind),
            BUCKET,
            st.sampled_from(["", "/", "models"]),
            st.just(True),
        ),
    )
    if not pick.draw(st.booleans()):
        return None
    found: ModelDataSpec | Wrong = pick(valid, faulty)
    return found


def plain_text(text: str) -> bool:
    """Not a pseudo parameter's name ('AWS::Region'): cfn-lint's W1054 warns of one written as
    a plain string. Hypothesis draws the string constants of the code it tests (`iam_lint.py`
    has them), so a drawn text can be one."""
    return not text.startswith("AWS::")


PRINTABLE = st.text(string.printable, max_size=20).filter(plain_text)


ENV_KEYS = st.one_of(
    st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,15}", fullmatch=True),
    st.just(Filler("K", 1024)),
    text_tokens(st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,15}", fullmatch=True), TokKind.LAZY),
)
BAD_ENV_KEYS = st.one_of(
    st.sampled_from(["", "1X", "A-B", "A B", "é", "KEY=1"]),
    st.just(Filler("K", 1025)),
    wrong(5, None),
)
ENV_VALUES = st.one_of(
    PRINTABLE,
    st.builds(Filler, st.sampled_from(["a", "é", "語"]), st.integers(0, 1024)),
    text_tokens(
        PRINTABLE,
        TokKind.PARAMETER,
        TokKind.PSEUDO,
        TokKind.IMPORT,
        TokKind.LAZY,
        TokKind.LATE,
    ),
)
BAD_ENV_VALUES = st.one_of(
    st.builds(Filler, st.sampled_from(["a", "é"]), st.integers(1025, 1100)),
    wrong(5, None, True),
)


def environment(pick: Picker) -> Environment:
    def entries(keys: st.SearchStrategy[Text], values: st.SearchStrategy[Text]) -> Any:
        return st.lists(st.tuples(keys, values), max_size=8, unique_by=lambda kv: repr(kv[0]))

    valid = st.one_of(
        st.just(Environment()),
        st.builds(Environment, entries(ENV_KEYS, ENV_VALUES).map(tuple)),
    )
    many = st.integers(101, 104).map(
        lambda count: Environment(tuple((f"V{index}", "x") for index in range(count)))
    )
    faulty = st.one_of(
        st.builds(Environment, entries(BAD_ENV_KEYS, ENV_VALUES).filter(bool).map(tuple)),
        st.builds(Environment, entries(ENV_KEYS, BAD_ENV_VALUES).filter(bool).map(tuple)),
        many,
        st.builds(Environment, wrong=wrong(None, ["A=1"], "A=1")),
    )
    found: Environment = pick(valid, faulty)
    return found


def hostnames(pick: Picker, count: int, mode: InvocationMode | Wrong) -> list[Text | None]:
    """Valid hostnames: unique, on all containers in Direct mode, on all or none in Serial."""
    with_hostnames = mode is InvocationMode.DIRECT or pick.draw(st.booleans())
    if not with_hostnames:
        found: list[Text | None] = [None] * count
    else:
        unique = st.lists(NAMES, min_size=count, max_size=count, unique_by=str.lower)
        found = list(pick.draw(unique))
        for index in range(count):
            if pick.draw(st.integers(0, 9)) == 9:
                found[index] = pick.draw(text_tokens(NAME, TokKind.PARAMETER, TokKind.LAZY))
    for index in range(count):
        faulty = st.one_of(
            st.just(None),
            BAD_NAMES,
            wrong(5, b"host"),
            # A case-insensitive duplicate of an earlier hostname.
            st.sampled_from([h.swapcase() for h in found[:index] if isinstance(h, str)] or [""]),
        )
        found[index] = pick(st.just(found[index]), faulty)
    return found


def containers(
    pick: Picker, mode: InvocationMode | Wrong, most: int = 15
) -> tuple[Container, ...] | Wrong:
    count = pick(st.integers(1, most), st.sampled_from([0, 16]))
    if pick(st.just(False), st.integers(0, 4).map(lambda n: n == 0)):
        found: Wrong = pick.draw(wrong(None, "image", 5))
        return found
    names = hostnames(pick, count, mode)
    return tuple(
        Container(
            image=images(pick),
            hostname=names[index],
            model_data=model_data(pick),
            environment=environment(pick),
        )
        for index in range(count)
    )


# --- Endpoint options -------------------------------------------------------------------------


def instance_type(pick: Picker) -> InstanceType:
    types = instance_types()
    cpu = [name for name in types if name.split(".")[1][0] in "tmcr"]
    valid = st.one_of(
        st.sampled_from(cpu),
        st.sampled_from(types),
        text_tokens(
            st.sampled_from(cpu),
            TokKind.PARAMETER,
            TokKind.LAZY,
            TokKind.SSM,
            allowed=("ml.m5.large", "ml.c5.xlarge"),
        ),
    )
    faulty = st.one_of(
        st.sampled_from(["ml.m5.larg", "m5.large", "ml.M5.large", "", "ml.m5.large "]),
        wrong(5, b"ml.m5.large"),  # None: the default
    )
    return InstanceType(pick(valid, faulty))


def instance_count(pick: Picker) -> InstanceCount:
    valid = st.integers(1, 10) | st.builds(NumTok, st.sampled_from(TokKind), st.integers(1, 5))
    faulty = st.sampled_from([0, -1, 1.5, 2.0]) | wrong(True, "1")
    return InstanceCount(pick(valid, faulty))


def endpoint_name(pick: Picker) -> EndpointName:
    valid = NAMES | text_tokens(NAMES, TokKind.PARAMETER, TokKind.IMPORT, TokKind.LAZY)
    return EndpointName(pick(valid, BAD_NAMES | wrong(5, b"endpoint")))  # None: the default


def variant_name(pick: Picker) -> VariantName:
    valid = NAMES | text_tokens(NAMES, TokKind.PARAMETER, TokKind.LAZY)
    return VariantName(pick(valid, BAD_NAMES | wrong(5, b"variant")))  # None: the default


def role(pick: Picker) -> Role:
    name = st.none() | st.from_regex(r"[a-zA-Z0-9_+=,.@-]{1,64}", fullmatch=True)
    return Role(pick.draw(st.sampled_from(RoleKind)), pick.draw(name))


def vpc(pick: Picker) -> Vpc:
    groups = st.none() | st.sampled_from(GroupsKind)
    valid = st.one_of(
        st.builds(
            Vpc,
            subnets=st.sampled_from([SubnetsKind.LITERAL, SubnetsKind.SELECTED]),
            subnet_count=st.integers(1, 16),
            groups=groups,
            group_count=st.integers(1, 5),
        ),
        st.builds(
            Vpc,
            subnets=st.just(SubnetsKind.LIST_TOKEN),
            groups=groups,
            group_count=st.integers(1, 5),
        ),
    )
    faulty = st.one_of(
        st.builds(
            Vpc,
            subnets=st.sampled_from([SubnetsKind.LITERAL, SubnetsKind.SELECTED]),
            subnet_count=st.sampled_from([0, 17]),
        ),
        st.builds(Vpc, subnets=st.just(SubnetsKind.NO_PUBLIC)),
        st.builds(Vpc, groups=st.sampled_from(GroupsKind), group_count=st.just(6)),
        st.builds(
            Vpc,
            vpc=st.just(False),
            subnets=st.sampled_from([SubnetsKind.SELECTED, SubnetsKind.LITERAL]),
            groups=st.sampled_from(GroupsKind),
        ),
    )
    found: Vpc = pick(valid, faulty)
    return found


def isolation(pick: Picker) -> Isolation:
    return Isolation(pick(st.booleans(), wrong("yes", 1, None)))


def kms(pick: Picker) -> Kms:
    return Kms(pick(st.sampled_from(KeyKind), wrong(f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k")))


def sizes(percent: tuple[int, int]) -> st.SearchStrategy[Size]:
    return st.builds(Size, st.just(True), st.integers(*percent)) | st.builds(
        Size, st.just(False), st.integers(1, 3)
    )


BAD_SIZES = st.builds(Size, st.just(True), st.sampled_from([0, 51, 100, 101])) | st.builds(
    Size, st.just(False), st.sampled_from([0, -1])
)


def deployment(pick: Picker) -> Deployment:
    waits = st.none() | st.integers(0, 3600) | st.builds(NumTok, st.just(TokKind.PARAMETER))
    bad_waits = st.sampled_from([3601, 7200])  # a negative Duration is refused by CDK itself
    timeouts = st.none() | st.integers(3601 * 2 + 1, 28800) | st.just(28800)
    alarms = pick(st.integers(0, 10), st.just(11))
    routing = pick.draw(st.sampled_from(RoutingType))
    size_range = {RoutingType.LINEAR: (10, 50)}.get(routing, (1, 50))
    valid = st.one_of(
        st.builds(
            Deployment,
            routing=st.just(routing),
            size=sizes(size_range),
            wait=waits,
            termination_wait=st.none() | st.integers(0, 3600),
            timeout=timeouts,
            alarms=st.just(alarms),
            alarms_in_app=st.booleans(),
        ),
        st.builds(
            Deployment,
            rolling=st.just(True),
            size=sizes((5, 50)),
            wait=waits,
            rollback_size=st.none() | sizes((1, 100)),
            timeout=st.none() | st.integers(600, 28800),
            alarms=st.just(alarms),
            alarms_in_app=st.booleans(),
        ),
    )
    faulty = st.one_of(
        st.builds(Deployment, routing=st.just(routing), size=BAD_SIZES),
        st.builds(Deployment, wait=bad_waits),
        st.builds(Deployment, termination_wait=bad_waits),
        st.builds(Deployment, timeout=st.sampled_from([599, 28801])),
        st.builds(Deployment, wait=st.just(3600), timeout=st.just(3600)),
        st.builds(Deployment, rolling=st.just(True), size=BAD_SIZES),
        st.builds(Deployment, rolling=st.just(True), wait=bad_waits),
    )
    found: Deployment = pick(valid, faulty)
    return found


TAG_TEXT = st.text(
    string.ascii_letters + string.digits + " _.:/=+-@", min_size=1, max_size=20
).filter(plain_text)


def tags(pick: Picker) -> Tags:
    keys = TAG_TEXT.filter(lambda key: not key.lower().startswith("aws:")) | st.just(
        Filler("k", 128)
    )
    values = (
        TAG_TEXT
        | st.just("")
        | st.just(Filler("v", 256))
        | text_tokens(TAG_TEXT, TokKind.PARAMETER)
    )
    entries = st.lists(st.tuples(keys, values), max_size=5, unique_by=lambda kv: str(kv[0]))
    valid = st.builds(Tags, entries.map(tuple))
    faulty = st.one_of(
        st.builds(
            Tags,
            st.sampled_from(
                [
                    (("aws:team", "a"),),
                    (("AWS:team", "a"),),
                    ((Filler("k", 129), "a"),),
                    (("team", Filler("v", 257)),),
                    (("team#1", "a"),),
                    (("", "a"),),
                    tuple((f"k{index}", "v") for index in range(51)),
                ]
            ),
        ),
        st.builds(Tags, st.just((("team", Wrong(5)),))),
        st.builds(Tags, st.just(((Wrong(5), "a"),))),
        st.builds(Tags, wrong=wrong(["team"], "team=a")),
    )
    found: Tags = pick(valid, faulty)
    return found


def scaling(pick: Picker) -> Scaling:
    targets = st.none() | st.floats(0.5, 10000, allow_nan=False)
    valid = st.builds(
        lambda low, extra, target: Scaling(low, low + extra, target),
        st.integers(1, 3),
        st.integers(0, 5),
        targets,
    ) | st.builds(Scaling, st.builds(NumTok, st.just(TokKind.PARAMETER)), st.just(4), targets)
    faulty = st.one_of(
        st.builds(Scaling, st.just(0), st.just(2)),
        st.builds(Scaling, st.just(3), st.just(2)),
        st.builds(Scaling, st.just(1), st.just(2), st.sampled_from([0.0, -1.0])),
    )
    found: Scaling = pick(valid, faulty)
    # On the endpoint (with one variant only), or on endpoint.variant(name).
    on_endpoint = st.none() if pick.variant_count in (None, 1) else st.nothing()
    variant: int | None = pick(on_endpoint | st.integers(0, 9), st.none())
    return replace(found, variant=variant)


def variant_settings(pick: Picker) -> VariantSettings:
    seconds = st.builds(NumTok, st.sampled_from([TokKind.PARAMETER, TokKind.LAZY]), st.just(600))
    timeouts = st.none() | st.integers(60, 3600) | seconds
    valid = st.builds(
        VariantSettings,
        volume_size=st.none() | st.integers(1, 512) | st.builds(NumTok, st.just(TokKind.LAZY)),
        model_data_download_timeout=timeouts,
        container_startup_health_check_timeout=timeouts,
        routing_strategy=st.none() | st.sampled_from(RoutingStrategy),
        enable_ssm_access=st.none() | st.booleans(),
    )
    bad_timeouts = st.sampled_from([59, 3601, 90.5]) | wrong(600)
    faulty = st.one_of(
        st.builds(VariantSettings, volume_size=st.sampled_from([0, 513, 1.5]) | wrong(30)),
        st.builds(VariantSettings, model_data_download_timeout=bad_timeouts),
        st.builds(VariantSettings, container_startup_health_check_timeout=bad_timeouts),
        st.builds(VariantSettings, routing_strategy=wrong("RANDOM")),
        st.builds(VariantSettings, enable_ssm_access=wrong("yes", 1)),
    )
    # At least one setting given (all None would give none): SSM access off, as given.
    given = valid.map(
        lambda s: s if s != VariantSettings() else replace(s, enable_ssm_access=False)
    )
    found: VariantSettings = pick(given, faulty)
    return found


CONTENT_TYPES = st.sampled_from(
    ["text/csv", "application/json", "application/jsonlines", "text/x-csv", "application/vnd.a.v1"]
)


def data_capture(pick: Picker) -> Capture:
    destinations = st.one_of(
        st.builds("s3://{}/{}".format, BUCKET, st.from_regex(r"[a-z0-9/-]{0,20}", fullmatch=True)),
        st.builds("https://{}.s3.amazonaws.com/captured".format, BUCKET),
        st.builds("s3://{}/".format, BUCKET) | st.just("s3://b/" + "p" * 505),
    )
    types = st.none() | st.lists(CONTENT_TYPES, min_size=1, max_size=10).map(tuple)
    flags = st.sampled_from([(None, None), (True, False), (False, True), (True, True)])
    options = {
        "sampling_percentage": st.none()
        | st.integers(0, 100)
        | st.builds(NumTok, st.just(TokKind.PARAMETER)),
        "kms_key": st.none() | st.sampled_from(KeyKind),
        "csv_content_types": types,
        "json_content_types": types,
    }
    valid = st.builds(
        lambda capture, flag: replace(capture, capture_input=flag[0], capture_output=flag[1]),
        st.builds(
            Capture, uri=destinations | text_tokens(destinations, TokKind.PARAMETER), **options
        )
        | st.builds(
            Capture,
            bucket=st.sampled_from(BucketKind),
            bucket_name=BUCKET,
            prefix=st.sampled_from(["", "captured", "a/b/", "/x"]),
            **options,
        ),
        flags,
    )
    faulty = st.one_of(
        st.builds(
            Capture,
            uri=st.sampled_from(["ftp://b/p", "bucket/prefix", "s3://", "", "s3://b/" + "p" * 506])
            | wrong(5),
        ),
        st.builds(Capture, sampling_percentage=st.sampled_from([-1, 101, 50.5]) | wrong(True, "5")),
        st.builds(Capture, capture_input=st.just(False), capture_output=st.just(False)),
        st.builds(
            Capture,
            csv_content_types=st.sampled_from(
                [("text csv",), tuple(f"text/c{i}" for i in range(11)), ("",), ("text/",)]
            ),
        ),
        st.builds(Capture, json_content_types=st.just(("application/json", "json"))),
        st.builds(Capture, kms_key=wrong(f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k")),
        st.builds(Capture, capture_input=wrong("no")),
        st.builds(Capture, csv_content_types=wrong(None)),
        st.builds(
            Capture,
            bucket=st.sampled_from([BucketKind.IMPORTED, BucketKind.ENCRYPTED]),
            prefix=st.just(Filler("p", 500)),
        ),
        st.builds(Capture, wrong=wrong("s3://capture-bucket/captured", 5)),
    )
    found: Capture = pick(valid, faulty)
    return found


def escape_hatch(pick: Picker) -> EscapeHatch:
    return EscapeHatch(pick.draw(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)))


OPTIONS: tuple[Callable[[Picker], EndpointOption], ...] = (
    instance_type,
    instance_count,
    endpoint_name,
    variant_name,
    variant_settings,
    role,
    vpc,
    isolation,
    kms,
    deployment,
    data_capture,
    tags,
    scaling,
    escape_hatch,
)
"""One strategy per keyword option (or method called after the construct); each is given or
left to its default."""


VARIANT_OPTION_STRATEGIES = (instance_type, instance_count, variant_name, variant_settings)
"""The options of the single-variant form (each variant of the `variants=` form has them)."""


def weights(pick: Picker) -> int | float | NumTok | Wrong | None:
    valid = st.one_of(
        st.none(),
        st.integers(0, 100),
        st.floats(0, 100, allow_nan=False),
        st.builds(NumTok, st.just(TokKind.PARAMETER)),
    )
    found: int | float | NumTok | Wrong | None = pick(
        valid, st.sampled_from([-1, -0.5]) | wrong("1", True, None)
    )
    return found


def variants(pick: Picker, count: int) -> tuple[Variant | Wrong, ...]:
    """`count` variants: unique names (case-insensitively), 1 to 3 containers each; faulty:
    a duplicate name, every weight 0, an item that is not a VariantDefinition."""
    unique = st.lists(NAMES, min_size=count, max_size=count, unique_by=str.lower)
    names: list[Text] = list(pick.draw(unique))
    found: list[Variant | Wrong] = []
    all_zero = pick(st.just(False), st.integers(0, 2).map(lambda n: n == 0))
    for index in range(count):
        earlier = [name for name in names[:index] if isinstance(name, str)]
        bad_names = BAD_NAMES | wrong(5, None)
        name = pick(
            st.just(names[index]) | text_tokens(NAMES, TokKind.PARAMETER, TokKind.LAZY),
            st.sampled_from(earlier) | bad_names if earlier else bad_names,
        )
        mode = pick(st.none() | st.sampled_from(InvocationMode), wrong("Direct"))
        settings = variant_settings(pick) if pick.draw(st.booleans()) else VariantSettings()
        variant = Variant(
            name=name,
            containers=containers(pick, InvocationMode.SERIAL if mode is None else mode, most=3),
            mode=mode,
            instance_type=instance_type(pick).value if pick.draw(st.booleans()) else None,
            instance_count=instance_count(pick).value if pick.draw(st.booleans()) else None,
            weight=0 if all_zero else weights(pick),
            settings=settings,
        )
        found.append(pick(st.just(variant), wrong({"name": "a"}, "variant")))
    return tuple(found)


@st.composite
def cases(draw: st.DrawFn, fault_rates: tuple[int, ...] = FAULT_RATES) -> Case:
    """A whole configuration; with `fault_rates=(0,)`, one the service accepts."""
    fault_rate = draw(st.sampled_from(fault_rates))
    region = draw(st.none() | st.sampled_from(REGIONS))
    pick = Picker(draw, fault_rate, region, wrong_types=draw(st.booleans()))
    # Half of the cases in the variants= form, with 1 to 10 variants (faulty: 0 or 11).
    variant_count: int | None = None
    if draw(st.booleans()):
        variant_count = pick(st.integers(1, 3) | st.integers(1, 10), st.sampled_from([0, 11]))
    pick.variant_count = variant_count
    endpoint_options = OPTIONS
    if variant_count is not None:
        endpoint_options = tuple(o for o in OPTIONS if o not in VARIANT_OPTION_STRATEGIES)
    options = tuple(
        option(pick) for option in endpoint_options if draw(st.integers(0, 2)) == 1
    )  # each option given a third of the time
    if variant_count is not None:
        # A single-variant option beside variants: refused.
        mixed = pick(st.none(), st.sampled_from(VARIANT_OPTION_STRATEGIES))
        options += () if mixed is None else (mixed(pick),)
    vpc_option = next((o for o in options if isinstance(o, Vpc)), None)
    pick.in_vpc = vpc_option is not None and vpc_option.vpc
    if variant_count is not None:
        given: tuple[Variant | Wrong, ...] | Wrong = pick(
            st.just(variants(pick, variant_count)), wrong("variant")
        )
        return Case(containers=(), options=options, region=region, variants=given)
    mode = pick(st.sampled_from(InvocationMode), wrong("Direct", 1))  # None: the default
    return Case(containers=containers(pick, mode), mode=mode, options=options, region=region)


def valid_cases() -> st.SearchStrategy[Case]:
    """Configurations the service accepts (the rules find no problem in them)."""
    return cases(fault_rates=(0,)).filter(
        lambda case: not expected_problems(case) and not expected_problems_after(case)
    )


def faulty_cases() -> st.SearchStrategy[Case]:
    """Configurations with at least one problem."""
    return cases(fault_rates=FAULT_RATES[1:]).filter(
        lambda case: bool(expected_problems(case) or expected_problems_after(case))
    )


# --- Mutations: one create-only value changed -------------------------------------------------


class Scope(enum.Enum):
    """What a change must replace: the model (and so the config, which reads the model's
    name), the config only, or neither (a property CloudFormation updates in place)."""

    MODEL = "model"
    CONFIG = "config"
    NEITHER = "neither"


@dataclass(frozen=True)
class Mutation:
    """`case` with one value changed (`what`), and what that change must replace: with
    Scope.MODEL, the model of variant `variant` only (None: every model)."""

    what: str
    scope: Scope
    case: Case
    variant: int | None = None


def _with_option(case: Case, option: EndpointOption) -> Case:
    others = tuple(o for o in case.options if type(o) is not type(option))
    return replace(case, options=(*others, option))


def _with_variant(case: Case, index: int, variant: Variant) -> Case:
    assert isinstance(case.variants, tuple)
    items = list(case.variants)
    items[index] = variant
    return replace(case, variants=tuple(items))


def _with_container(case: Case, variant: int | None, index: int, container: Container) -> Case:
    items = list(case.containers_of(variant))
    items[index] = container
    if variant is None:
        return replace(case, containers=tuple(items))
    return _with_variant(
        case, variant, replace(case.variant_list()[variant], containers=tuple(items))
    )


def _mode_of(case: Case, variant: int | None) -> InvocationMode | Wrong | None:
    return case.mode if variant is None else case.variant_list()[variant].mode


Candidate = tuple[str, Scope, Case, int | None]
"""A change: what it is, what it replaces, the changed case, and the model it is about."""


@st.composite
def mutations(draw: st.DrawFn, case: Case) -> Mutation:
    """One change to a valid `case` that keeps it valid."""
    variant = None
    if case.variants is not None:
        variant = draw(st.integers(0, len(case.variant_list()) - 1))
    candidates = _container_mutations(draw, case, variant)
    candidates += _model_mutations(case)
    new_type = draw(st.sampled_from(["ml.c5.large", "ml.r5.large"]))
    settings = VariantSettings(volume_size=draw(st.integers(1, 512)))
    if variant is None:
        candidates += _single_variant_mutations(case, new_type, settings)
    else:
        candidates += _variant_mutations(case, variant, new_type, settings)
    candidates += _endpoint_mutations(draw, case)
    what, scope, changed, model = draw(st.sampled_from(candidates))
    assume(changed != case)
    assume(not expected_problems(changed) and not expected_problems_after(changed))
    return Mutation(what, scope, changed, model)


def _container_mutations(draw: st.DrawFn, case: Case, variant: int | None) -> list[Candidate]:
    """Changes of one container of the model of `variant` (and of its mode)."""
    items = case.containers_of(variant)
    index = draw(st.integers(0, len(items) - 1))
    container = items[index]
    candidates: list[Candidate] = []

    def add_container(what: str, changed: Container) -> None:
        changed_case = _with_container(case, variant, index, changed)
        candidates.append((what, Scope.MODEL, changed_case, variant))

    env = dict(container.environment.entries)
    env_changed = Environment(tuple({**env, "SWEEP_MUTATION": draw(NAME)}.items()))
    add_container("an environment variable", replace(container, environment=env_changed))
    image = container.image
    if isinstance(image, RegistryImage | PrivateRegistryImage) and literal(image.uri):
        add_container(
            "an image URI", replace(container, image=replace(image, uri=f"{literal(image.uri)}0"))
        )
    if (
        isinstance(image, RegistryImage)
        and isinstance(image.uri, Tok)
        and image.uri.kind in (TokKind.LAZY, TokKind.LATE)
    ):
        changed_image = replace(image, uri=replace(image.uri, value=image.uri.value + "0"))
        add_container(
            f"an image from a {image.uri.kind.value}", replace(container, image=changed_image)
        )
    data = container.model_data
    if isinstance(data, UriModelData) and literal(data.uri):
        uri = f"{literal(data.uri)}0/" if data.prefix else f"{literal(data.uri)}0"
        add_container("a model data URL", replace(container, model_data=replace(data, uri=uri)))
    if data is None:
        add_container(
            "model data added", replace(container, model_data=UriModelData("s3://bucket/m.tar.gz"))
        )
    if all(isinstance(c.hostname, str) for c in items):
        add_container("a hostname", replace(container, hostname=f"mutated-{index}"))
        candidates.append(_mode_mutation(case, variant))
    return candidates


def _mode_mutation(case: Case, variant: int | None) -> Candidate:
    mode = _mode_of(case, variant)
    other_mode = InvocationMode.SERIAL if mode is InvocationMode.DIRECT else InvocationMode.DIRECT
    if variant is None:
        return ("the mode", Scope.MODEL, replace(case, mode=other_mode), None)
    chosen = case.variant_list()[variant]
    changed = _with_variant(case, variant, replace(chosen, mode=other_mode))
    return ("the mode", Scope.MODEL, changed, variant)


def _model_mutations(case: Case) -> list[Candidate]:
    """Changes of the endpoint's options that every model reads."""
    isolation = case.option(Isolation)
    candidates: list[Candidate] = [
        (
            "network isolation",
            Scope.MODEL,
            _with_option(case, Isolation(not (isolation and isolation.value is True))),
            None,
        )
    ]
    vpc_option = case.option(Vpc)
    if vpc_option and vpc_option.subnets is SubnetsKind.LITERAL:
        subnets = vpc_option.subnet_count
        count = subnets + 1 if subnets < 16 else subnets - 1
        changed = _with_option(case, replace(vpc_option, subnet_count=count))
        candidates.append(("the subnets", Scope.MODEL, changed, None))
    role_option = case.option(Role)
    if role_option and role_option.kind is RoleKind.IN_APP and role_option.role_name:
        renamed = replace(role_option, role_name=role_option.role_name[:60] + "0")
        changed = _with_option(case, renamed)
        candidates.append(
            ("the name of the given role (the role is replaced)", Scope.MODEL, changed, None)
        )
    hatch = case.option(EscapeHatch)
    if hatch:
        changed = _with_option(case, EscapeHatch(hatch.value + "0"))
        candidates.append(("a value set by an escape hatch", Scope.MODEL, changed, 0))
    return candidates


def _single_variant_mutations(
    case: Case, new_type: str, settings: VariantSettings
) -> list[Candidate]:
    """Changes of the variant of the single-variant form."""
    candidates: list[Candidate] = [
        ("the instance type", Scope.CONFIG, _with_option(case, InstanceType(new_type)), None)
    ]
    count_option = case.option(InstanceCount)
    given_count: object = count_option.value if count_option else 1
    if isinstance(given_count, int):
        changed = _with_option(case, InstanceCount(given_count + 1))
        candidates.append(("the instance count", Scope.CONFIG, changed, None))
    return [
        *candidates,
        (
            "the variant name",
            Scope.CONFIG,
            _with_option(case, VariantName("mutated-variant")),
            None,
        ),
        ("the variant settings", Scope.CONFIG, _with_option(case, settings), None),
    ]


def _variant_mutations(
    case: Case, index: int, new_type: str, settings: VariantSettings
) -> list[Candidate]:
    """Changes of one variant of the `variants=` form."""
    chosen = case.variant_list()[index]
    changes: list[tuple[str, Scope, Variant]] = [
        ("a variant's instance type", Scope.CONFIG, replace(chosen, instance_type=new_type))
    ]
    if isinstance(chosen.instance_count, int | None):
        count = (chosen.instance_count or 1) + 1
        changes.append(
            ("a variant's instance count", Scope.CONFIG, replace(chosen, instance_count=count))
        )
    if isinstance(chosen.weight, int | float | None):
        # No weight is VariantDefinition's default, 1: the change must leave it.
        weight = (1 if chosen.weight is None else chosen.weight) + 1
        changes.append(("a variant's weight", Scope.CONFIG, replace(chosen, weight=weight)))
    changes.append(("a variant's settings", Scope.CONFIG, replace(chosen, settings=settings)))
    # The model's construct id ends with the variant's name: a new model.
    changes.append(("a variant's name", Scope.MODEL, replace(chosen, name="mutated-variant")))
    return [
        (what, scope, _with_variant(case, index, changed), index)
        for what, scope, changed in changes
    ]


def _endpoint_mutations(draw: st.DrawFn, case: Case) -> list[Candidate]:
    """Changes of the endpoint config's and the endpoint's own options."""
    storage_key = (
        replace(case, options=tuple(o for o in case.options if not isinstance(o, Kms)))
        if case.option(Kms)
        else _with_option(case, Kms(KeyKind.IMPORTED))
    )
    capture = case.option(Capture)
    changed_capture = _with_option(
        case,
        Capture(sampling_percentage=draw(st.integers(0, 100)))
        if capture is None
        else replace(capture, sampling_percentage=None if capture.sampling_percentage else 1),
    )
    tags = _with_option(case, Tags((("mutation", draw(NAME)),)))
    deployment = _with_option(case, Deployment(wait=draw(st.integers(0, 3600))))
    return [
        ("the storage key", Scope.CONFIG, storage_key, None),
        ("the data capture", Scope.CONFIG, changed_capture, None),
        ("the tags", Scope.NEITHER, tags, None),
        ("the deployment guardrails", Scope.NEITHER, deployment, None),
    ]
