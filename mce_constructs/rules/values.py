"""How a rule reads a value, and how a message shows one.

A value known only at deploy time is skipped by every rule, never guessed at: an unresolved CDK
token (in a string, a number or a list) or, in a template, a CloudFormation intrinsic function.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final

from .._tokens import is_unresolved

SHOWN_LENGTH: Final = 256
"""The characters of a string a message shows (as many as the longest image URI or tag value
the service takes); a longer one is cut, and its length given."""
UNKNOWN: Final = "${Token[Unknown]}"
"""A string every rule skips, as it skips a CDK token: for a value known only at deploy time
(a template's `{"Ref": ...}`), or one already refused for its type."""
_INTRINSIC_PREFIX = "Fn::"


def is_unknown(value: object) -> bool:
    """Whether `value` is, or holds, a value known only at deploy time (a template's intrinsic
    function is a `dict` of one key: `Ref` or `Fn::...`)."""
    if isinstance(value, dict):
        return len(value) == 1 and any(
            key == "Ref" or (isinstance(key, str) and key.startswith(_INTRINSIC_PREFIX))
            for key in value
        )
    return is_unresolved(value)


def is_whole_number(value: object) -> bool:
    """An `int` that is not a `bool`."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """An `int` or a `float` that is not a `bool`."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def shown(value: object) -> str:
    """`value` as a message shows it: a literal as Python writes it (a long string cut), an enum
    member by its name, any other object by its type (as `<aws_kms.IKey>`), never by a repr
    that carries a memory address."""
    if isinstance(value, str) and len(value) > SHOWN_LENGTH:
        return f"{value[:SHOWN_LENGTH]!r}... ({len(value)} characters)"
    if value is None or isinstance(value, str | bool | int | float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, list | tuple | Mapping):
        return _shown_items(value)
    jsii_type = jsii_type_of(value)
    name = type(value).__qualname__ if jsii_type is None else jsii_type
    return f"<{name.removeprefix('aws-cdk-lib.')}>"


def _shown_items(value: list[object] | tuple[object, ...] | Mapping[object, object]) -> str:
    """A list, a tuple or a mapping, each item shown."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in value.items()) + "}"
    items = ", ".join(shown(item) for item in value)
    if isinstance(value, list):
        return f"[{items}]"
    return f"({items},)" if len(value) == 1 else f"({items})"


def number(value: float) -> str:
    """A number as a message writes it: `60`, not `60.0`; `1.5` as it is."""
    return str(int(value)) if value == int(value) else str(value)


# The one place the package reads jsii's own markers: to name an object in a message and to
# tell whether an argument implements an interface. aws-cdk-lib's interfaces are not
# runtime-checkable protocols, so `isinstance` cannot tell; the classes' jsii metadata can,
# without a round trip to the jsii runtime.


def _classes_of(value: object) -> list[type]:
    """The classes of `value`, and for an object jsii made for several interfaces (a proxy),
    the classes it delegates to."""
    delegates = getattr(value, "__dict__", {}).get("_delegates", ())
    return [type(value), *(type(delegate) for delegate in delegates)]


def jsii_type_of(value: object) -> str | None:
    """The jsii type of `value` (`aws-cdk-lib.aws_kms.IKey`), None for a Python object."""
    names = [name for cls in _classes_of(value) if (name := getattr(cls, "__jsii_type__", None))]
    return names[-1] if names else None


def implements(value: object, jsii_type: str) -> bool:
    """Whether `value` is or implements the jsii type `jsii_type` (`aws-cdk-lib.aws_iam.IRole`)."""
    for cls in _classes_of(value):
        for klass in cls.__mro__:
            for interface in (klass, *getattr(klass, "__jsii_ifaces__", ())):
                for base in interface.__mro__:
                    if getattr(base, "__jsii_type__", None) == jsii_type:
                        return True
    return False
