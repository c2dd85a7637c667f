"""The types of what the construct and its option classes are given, and the options that
make sense only together. These run first: the settings the other rules read are built only
from values of the right type, and a value of a wrong type is refused naming its field
(DESIGN.md, guarantee 6), never with an `AttributeError` or a bare `TypeError`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, cast

from ..errors import Problem
from .location import Location
from .values import UNKNOWN, implements, is_number, is_unknown, is_whole_number, shown


class Type(NamedTuple):
    """What a value must be: how a message says it ("a bool"), and the test of a value."""

    what: str
    test: Callable[[object], bool]


def instance_of(cls: type, what: str) -> Type:
    """A value of the Python class `cls`."""
    return Type(what, lambda value: isinstance(value, cls))


def interface(jsii_type: str, what: str) -> Type:
    """A value that is or implements the jsii type `jsii_type`."""
    return Type(what, lambda value: implements(value, jsii_type))


def is_list(value: object) -> bool:
    """A list or a tuple (not a str, whose items are characters)."""
    return isinstance(value, list | tuple)


FLAG = Type("a bool", lambda value: isinstance(value, bool))
"""Every flag (`enable_network_isolation`, `enable_ssm_access`, `capture_input`, ...): a
`bool`, never a value read as true or false ("no" is not False)."""
TEXT = Type("a str", lambda value: isinstance(value, str))
TEXT_LIST = Type("a list of str", is_list)
KMS_KEY = interface("aws-cdk-lib.aws_kms.IKey", "a kms.IKey")
BUCKET = interface("aws-cdk-lib.aws_s3.IBucket", "an s3.IBucket")
REPOSITORY = interface("aws-cdk-lib.aws_ecr.IRepository", "an ecr.IRepository")
LAMBDA_FUNCTION = interface("aws-cdk-lib.aws_lambda.IFunction", "a lambda.IFunction")
GRANTABLE = interface("aws-cdk-lib.aws_iam.IGrantable", "an iam.IGrantable")
ROLE = interface("aws-cdk-lib.aws_iam.IRole", "an iam.IRole")
VPC = interface("aws-cdk-lib.aws_ec2.IVpc", "an ec2.IVpc")
SUBNET_SELECTION = interface("aws-cdk-lib.aws_ec2.SubnetSelection", "an ec2.SubnetSelection")
SECURITY_GROUPS = Type(
    "a list of ec2.ISecurityGroup",
    lambda value: (
        isinstance(value, list | tuple)
        and all(implements(item, "aws-cdk-lib.aws_ec2.ISecurityGroup") for item in value)
    ),
)
WHOLE_NUMBER = Type("a whole number", is_whole_number)
NUMBER = Type("a finite number", is_number)
DURATION = interface("aws-cdk-lib.Duration", "a cdk.Duration (e.g. cdk.Duration.minutes(5))")
SIZE = interface("aws-cdk-lib.Size", "a cdk.Size (e.g. cdk.Size.gibibytes(30))")
ALARM = interface("aws-cdk-lib.aws_cloudwatch.IAlarm", "a cloudwatch.IAlarm")


def check_type(value: object, expected: Type, where: Location) -> list[Problem]:
    """The one rule of every value's type: `value` is what `expected` says."""
    return [] if expected.test(value) else [where.problem(f"{shown(value)} is not {expected.what}")]


def check_items(values: object, expected: Type, where: Location) -> list[Problem]:
    """A list or a tuple of what `expected` says (each wrong item named by its index)."""
    if not is_list(values):
        return [where.problem(f"{shown(values)} is not a list or a tuple")]
    return [
        problem
        for index, value in enumerate(cast(Sequence[object], values))
        for problem in check_type(value, expected, where.index(index))
    ]


def check_optional(value: object, expected: Type, where: Location) -> list[Problem]:
    """`value` is None (the default) or what `expected` says."""
    return [] if value is None else check_type(value, expected, where)


def check_token_unit(unconvertible: bool, unit: str, where: Location) -> list[Problem]:
    """A duration or a size whose amount is a token is given in the `unit` the template
    writes (`seconds`, `gibibytes`): CDK cannot convert a token from another unit."""
    if not unconvertible:
        return []
    kind = "Duration" if unit == "seconds" else "Size"
    return [
        where.problem(
            f"a token amount in another unit than {unit}, which CDK cannot convert: give it as "
            f"cdk.{kind}.{unit}(<token>)"
        )
    ]


def check_text_mapping(
    mapping: object, where: Location, key_problem: Callable[[Location, object], Problem]
) -> list[Problem]:
    """A mapping of str to str (tags, an environment): `key_problem` says what is wrong with a
    key that is not a str; a value that is a token is a str."""
    if not isinstance(mapping, Mapping):
        return [where.problem(f"{shown(mapping)} is not a mapping of str to str")]
    problems = []
    for key, value in mapping.items():
        if not isinstance(key, str):
            problems.append(key_problem(where.key(key), key))
        if not isinstance(value, str) and not is_unknown(value):
            problems.append(where.key(key).problem(f"the value {shown(value)} is not a str"))
    return problems


def known_text_mapping(mapping: object) -> dict[str, str]:
    """The entries of a mapping (when it is one) whose keys are str; a value of a wrong type
    (refused by `check_text_mapping`) is read as one known only at deploy time."""
    if not isinstance(mapping, Mapping):
        return {}
    return {
        key: value if isinstance(value, str) else UNKNOWN
        for key, value in mapping.items()
        if isinstance(key, str)
    }


def check_given_without_vpc(options: Sequence[str], where: Location) -> list[Problem]:
    """Subnets and security groups mean nothing without a VPC: refuse rather than ignore."""
    return [
        where.field(option).problem(
            "given without vpc; it applies only to a model in a VPC: give vpc too"
        )
        for option in options
    ]


def check_model_options_without_own_model(options: Sequence[str], where: Location) -> list[Problem]:
    """An endpoint's model options (`vpc`, `enable_network_isolation`) apply to its own models
    only: with every variant serving a `MultiContainerModel` they would do nothing: refuse
    rather than ignore."""
    return [
        where.field(option).problem(
            "every variant serves a MultiContainerModel, which has its own; give it to the "
            "MultiContainerModel"
        )
        for option in options
    ]


def check_subnet_selection(error: str | None, where: Location) -> list[Problem]:
    """`vpc_subnets` selects subnets that `vpc` has (`error`: what CDK said when it did not)."""
    if error is None:
        return []
    return [where.field("vpc_subnets").problem(f"selects no subnet of vpc: {error}")]


def check_single_variant_options(options: Sequence[str], where: Location) -> list[Problem]:
    """The `variants=` form takes none of the single-variant options beside it."""
    if not options:
        return []
    return [
        where.field("ProductionVariants").problem(
            f"given together with {', '.join(options)}, options of the single-variant form; "
            "set them on each VariantDefinition instead"
        )
    ]
