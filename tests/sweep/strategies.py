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

from mce_constructs import InvocationMode

from .model import (
    ACCOUNT,
    OTHER_ACCOUNT,
    AssetFile,
    AssetImage,
    AssetModelData,
    BucketKind,
    BucketModelData,
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
    VariantName,
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
    faulty_images: list[st.SearchStrategy[Any]] = [
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
    image: Image | Wrong = pick(valid, st.one_of(*faulty_images))
    return image


BUCKET = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)
KEY = st.from_regex(r"[a-zA-Z0-9_-]{1,10}(/[a-zA-Z0-9_.-]{1,10}){0,2}\.tar\.gz", fullmatch=True)


def model_data(pick: Picker) -> ModelDataSpec | Wrong | None:
    region = pick.region or "us-east-1"
    uris = st.one_of(
        st.builds("s3://{}/{}".format, BUCKET, KEY),
        st.builds(f"https://{{}}.s3.{region}.amazonaws.com/{{}}".format, BUCKET, KEY),
        st.builds(f"https://{{}}.s3.dualstack.{region}.amazonaws.com/{{}}".format, BUCKET, KEY),
        st.builds(f"https://s3.{region}.amazonaws.com/{{}}/{{}}".format, BUCKET, KEY),
        st.builds("https://{}.s3.amazonaws.com/{}".format, BUCKET, KEY),
        st.just("https://example.com/models/model.tar.gz"),
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
                ]
            ),
        ),
        st.builds(BucketModelData, st.sampled_from(BucketKind), BUCKET, st.sampled_from(["", "/"])),
        st.builds(AssetModelData, st.sampled_from([AssetFile.MISSING, AssetFile.NOT_TARBALL])),
        st.builds(UriModelData, st.just("s3://bucket/model.tar.gz"), plain=st.just(True)),
        wrong(5, b"s3://bucket/model.tar.gz", ["s3://bucket/m.tar.gz"]),
    )
    if not pick.draw(st.booleans()):
        return None
    found: ModelDataSpec | Wrong = pick(valid, faulty)
    return found


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
    st.text(string.printable, max_size=20),
    st.builds(Filler, st.sampled_from(["a", "é", "語"]), st.integers(0, 1024)),
    text_tokens(
        st.text(string.printable, max_size=20),
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


def containers(pick: Picker, mode: InvocationMode | Wrong) -> tuple[Container, ...] | Wrong:
    count = pick(st.integers(1, 15), st.sampled_from([0, 16]))
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


TAG_TEXT = st.text(string.ascii_letters + string.digits + " _.:/=+-@", min_size=1, max_size=20)


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
    return found


def escape_hatch(pick: Picker) -> EscapeHatch:
    return EscapeHatch(pick.draw(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)))


OPTIONS: tuple[Callable[[Picker], EndpointOption], ...] = (
    instance_type,
    instance_count,
    endpoint_name,
    variant_name,
    role,
    vpc,
    isolation,
    kms,
    deployment,
    tags,
    scaling,
    escape_hatch,
)
"""One strategy per keyword option (or method called after the construct); each is given or
left to its default."""


@st.composite
def cases(draw: st.DrawFn, fault_rates: tuple[int, ...] = FAULT_RATES) -> Case:
    """A whole configuration; with `fault_rates=(0,)`, one the service accepts."""
    fault_rate = draw(st.sampled_from(fault_rates))
    region = draw(st.none() | st.sampled_from(REGIONS))
    pick = Picker(draw, fault_rate, region, wrong_types=draw(st.booleans()))
    mode = pick(st.sampled_from(InvocationMode), wrong("Direct", 1))  # None: the default
    options = tuple(
        option(pick) for option in OPTIONS if draw(st.integers(0, 2)) == 1
    )  # each option given a third of the time
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
    """Which names a change must renew: the model's (and so the config's, which names the
    model), the config's only, or neither (a property CloudFormation updates in place)."""

    MODEL = "model"
    CONFIG = "config"
    NEITHER = "neither"


@dataclass(frozen=True)
class Mutation:
    """`case` with one value changed (`what`), and the names that change must renew."""

    what: str
    scope: Scope
    case: Case


def _with_option(case: Case, option: EndpointOption) -> Case:
    others = tuple(o for o in case.options if type(o) is not type(option))
    return replace(case, options=(*others, option))


def _with_container(case: Case, index: int, container: Container) -> Case:
    items = list(case.container_list())
    items[index] = container
    return replace(case, containers=tuple(items))


@st.composite
def mutations(draw: st.DrawFn, case: Case) -> Mutation:
    """One change to a valid `case` that keeps it valid."""
    items = case.container_list()
    index = draw(st.integers(0, len(items) - 1))
    container = items[index]
    candidates: list[tuple[str, Scope, Case]] = []

    def add(what: str, scope: Scope, changed: Case) -> None:
        candidates.append((what, scope, changed))

    env = dict(container.environment.entries)
    env_changed = Environment(tuple({**env, "SWEEP_MUTATION": draw(NAME)}.items()))
    add(
        "an environment variable",
        Scope.MODEL,
        _with_container(case, index, replace(container, environment=env_changed)),
    )
    image = container.image
    if isinstance(image, RegistryImage) and literal(image.uri):
        changed_image = replace(image, uri=f"{literal(image.uri)}0")
        add(
            "an image URI",
            Scope.MODEL,
            _with_container(case, index, replace(container, image=changed_image)),
        )
    if (
        isinstance(image, RegistryImage)
        and isinstance(image.uri, Tok)
        and image.uri.kind
        in (
            TokKind.LAZY,
            TokKind.LATE,
        )
    ):
        changed_image = replace(image, uri=replace(image.uri, value=image.uri.value + "0"))
        add(
            f"an image from a {image.uri.kind.value}",
            Scope.MODEL,
            _with_container(case, index, replace(container, image=changed_image)),
        )
    data = container.model_data
    if isinstance(data, UriModelData) and literal(data.uri):
        add(
            "a model data URL",
            Scope.MODEL,
            _with_container(
                case, index, replace(container, model_data=UriModelData(f"{literal(data.uri)}0"))
            ),
        )
    if data is None:
        add(
            "model data added",
            Scope.MODEL,
            _with_container(
                case, index, replace(container, model_data=UriModelData("s3://bucket/m.tar.gz"))
            ),
        )
    if all(isinstance(c.hostname, str) for c in items):
        add(
            "a hostname",
            Scope.MODEL,
            _with_container(case, index, replace(container, hostname=f"mutated-{index}")),
        )
        other_mode = (
            InvocationMode.SERIAL if case.mode is InvocationMode.DIRECT else InvocationMode.DIRECT
        )
        add("the mode", Scope.MODEL, replace(case, mode=other_mode))
    isolation = case.option(Isolation)
    add(
        "network isolation",
        Scope.MODEL,
        _with_option(case, Isolation(not (isolation and isolation.value is True))),
    )
    vpc_option = case.option(Vpc)
    if vpc_option and vpc_option.subnets is SubnetsKind.LITERAL:
        subnets = vpc_option.subnet_count
        add(
            "the subnets",
            Scope.MODEL,
            _with_option(
                case, replace(vpc_option, subnet_count=subnets + 1 if subnets < 16 else subnets - 1)
            ),
        )
    role_option = case.option(Role)
    if role_option and role_option.kind is RoleKind.IN_APP and role_option.role_name:
        add(
            "the name of the given role (the role is replaced)",
            Scope.MODEL,
            _with_option(case, replace(role_option, role_name=role_option.role_name[:60] + "0")),
        )
    hatch = case.option(EscapeHatch)
    if hatch:
        add(
            "a value set by an escape hatch",
            Scope.MODEL,
            _with_option(case, EscapeHatch(hatch.value + "0")),
        )
    add(
        "the instance type",
        Scope.CONFIG,
        _with_option(case, InstanceType(draw(st.sampled_from(["ml.c5.large", "ml.r5.large"])))),
    )
    count_option = case.option(InstanceCount)
    given_count: object = count_option.value if count_option else 1
    if isinstance(given_count, int):
        add("the instance count", Scope.CONFIG, _with_option(case, InstanceCount(given_count + 1)))
    add("the variant name", Scope.CONFIG, _with_option(case, VariantName("mutated-variant")))
    add(
        "the storage key",
        Scope.CONFIG,
        (
            replace(case, options=tuple(o for o in case.options if not isinstance(o, Kms)))
            if case.option(Kms)
            else _with_option(case, Kms(KeyKind.IMPORTED))
        ),
    )
    add("the tags", Scope.NEITHER, _with_option(case, Tags((("mutation", draw(NAME)),))))
    add(
        "the deployment guardrails",
        Scope.NEITHER,
        _with_option(case, Deployment(wait=draw(st.integers(0, 3600)))),
    )
    what, scope, changed = draw(st.sampled_from(candidates))
    assume(changed != case)
    assume(not expected_problems(changed) and not expected_problems_after(changed))
    return Mutation(what, scope, changed)
