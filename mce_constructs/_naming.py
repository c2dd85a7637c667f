"""Physical names for the models and the endpoint config, and when to let CloudFormation name.

CloudFormation replaces a SageMaker model or endpoint config on any change to a create-only
property, and a custom-named resource cannot be replaced under the same name. So each name is a
readable prefix plus a hash of what decides a replacement: the resource's create-only
properties as they will be written to the template, the create-only properties of the
resources of the app they refer to (a role replaced under a new name gives a new ARN), the
deployed stack and the construct path. The name changes exactly when a replacement is due.
The hash is computed from JSON with sorted keys: the same in every process, whatever
`PYTHONHASHSEED`, the machine or the order in which the properties were built.

Some values are not in the template: a `CfnParameter` (an SSM parameter too), a dynamic
reference, a reference to a resource the endpoint cannot follow. A synth-time name cannot
change with them, so such a resource gets no name and CloudFormation generates one on every
replacement; the resources that refer to it use `Fn::GetAtt`. A `Lazy` value is read when the
template is written, and so is the name that hashes it. A change made to the model or the
config after the construct was created (an escape hatch, an aspect) is seen before the
template is written, and the names follow it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Generic, TypeVar

import aws_cdk as cdk
import jsii
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IValidation

from ._logical_ids import allocates_by_default, default_logical_id
from ._tokens import is_unresolved, stack_facts

NAME_MAX_LENGTH = 63
NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
HASH_LENGTH = 16
"""Hex characters of SHA-256 kept in a name: 64 bits, enough to never collide by chance."""
PREFIX_MAX_LENGTH = NAME_MAX_LENGTH - HASH_LENGTH - 1
FALLBACK_PREFIX = "mce"
UPDATABLE_PROPERTIES = frozenset({"Tags"})
"""Properties of `AWS::SageMaker::Model` and `AWS::SageMaker::EndpointConfig` that CloudFormation
updates in place (every other one is create-only, per the resource schemas): not hashed, so that
changing them does not rename, and so replace, the resource."""
FIXED_PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
"""Pseudo parameters whose value never changes for a deployed stack (`AWS::NotificationARNs`
can: it is a deploy-time value)."""
_DYNAMIC_REFERENCE = "{{resolve:"
_PINNED_SSM_REFERENCE = re.compile(r"\{\{resolve:ssm:[^{}]+:\d+\}\}")
"""An SSM dynamic reference with a version: its value is fixed."""
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")
NAME_CHANGED_WARNING = "mce-constructs:nameFollowsLateChange"
CFN_SPELLINGS = {
    "enableSsmAccess": "EnableSSMAccess",
    "maxPayloadInMb": "MaxPayloadInMB",
    "memorySizeInMb": "MemorySizeInMB",
    "volumeSizeInGb": "VolumeSizeInGB",
}
"""The properties of the SageMaker resources whose CloudFormation name is not their jsii name
with a capital first letter (tests/test_naming_rendering.py checks this against the resource
schemas)."""
_EXACT_INTEGERS = 2**53
"""Below this, an integral float crosses jsii as an integer."""
_Resource = TypeVar("_Resource", bound=cdk.CfnResource)


LATE_CHANGE = "was changed after the construct was created (an escape hatch or an aspect)"
OWN_ID_CHANGE = (
    "refers to a resource of the endpoint's own (its role) whose logical id is not the one "
    "CDK allocates by default (a rename or an override)"
)


def late_change_warning(
    path: str, before: str | None, after: str | None, cause: str = LATE_CHANGE
) -> str:
    """The warning of a resource whose name follows a change it was not named with."""
    return (
        f"{path} {cause}: its name in the template follows the change"
        + (f" ({after})" if after else " (CloudFormation generates it)")
        + f"; a name read from the construct before ({before}) is out of date."
    )


def content_hash(
    *,
    stack_name: str,
    path: str,
    properties: Mapping[str, Any],
    references: Mapping[str, Any] | None = None,
    overrides: Sequence[Any] | None = None,
) -> str:
    """A short hash of a resource's create-only CloudFormation properties (resolved, tokens as
    their intrinsic JSON), the create-only properties of the resources they refer to (when any
    has some), the property overrides applied to it (when there are some), the name of the stack
    it is deployed in and its construct path."""
    create_only = {
        key: value for key, value in properties.items() if key not in UPDATABLE_PROPERTIES
    }
    payload: dict[str, Any] = {"stack": stack_name, "path": path, "properties": create_only}
    if references:
        payload["references"] = references
    if overrides:
        payload["overrides"] = overrides
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:HASH_LENGTH]


def readable_prefix(construct_id: str) -> str:
    """The construct id reduced to what a SageMaker name allows (ASCII letters, digits and
    single hyphens between them), cut to leave room for the hash."""
    words = re.findall(r"[a-zA-Z0-9]+", construct_id)
    prefix = "-".join(words)[:PREFIX_MAX_LENGTH].strip("-")
    return prefix or FALLBACK_PREFIX


def physical_name(construct_id: str, digest: str) -> str:
    """`<readable prefix>-<hash>`: at most 63 characters and valid for SageMaker."""
    return f"{readable_prefix(construct_id)}-{digest}"


class _NotPlainError(Exception):
    """A value only jsii can render: a jsii object, such as an `IResolvable`."""


def template_properties(props: Any) -> dict[str, Any] | None:
    """A jsii props struct of a CloudFormation resource as the template holds its properties
    (before tokens are resolved), rendered in Python without a round trip: each key spelled as
    CloudFormation spells it, unset values left out, numbers as they cross jsii. None when a
    value is a jsii object: only jsii renders it."""
    try:
        rendered: dict[str, Any] = _plain(props)
    except _NotPlainError:
        return None
    return rendered


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _EXACT_INTEGERS else value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if type(value) is dict:
        return {key: _plain(item) for key, item in value.items() if item is not None}
    names: Mapping[str, str] | None = getattr(type(value), "__jsii_name_mapping__", None)
    if names is None:
        raise _NotPlainError(value)
    return {
        _cfn_spelling(names[key]): _plain(item)
        for key, item in _struct_values(value).items()
        if item is not None
    }


def _cfn_spelling(jsii_name: str) -> str:
    """`modelDataUrl` -> `ModelDataUrl` (`enableSsmAccess` -> `EnableSSMAccess`)."""
    return CFN_SPELLINGS.get(jsii_name) or jsii_name[0].upper() + jsii_name[1:]


def _struct_values(struct: Any) -> dict[str, Any]:
    """The values set in a jsii struct, by their Python names (as its constructor takes them)."""
    return dict(struct._values)


def _replaced(value: Any, values: Mapping[str, Any]) -> Any:
    """`value` with each string that is a key of `values` replaced by its value."""
    if isinstance(value, str):
        return values.get(value, value)
    if isinstance(value, Mapping):
        return {key: _replaced(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, values) for item in value]
    return value


def _needs_resolving(value: Any) -> bool:
    """Whether `value` holds a token, or a value that is not plain JSON: jsii must resolve it."""
    if isinstance(value, Mapping):
        return any(_needs_resolving(key) or _needs_resolving(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_needs_resolving(item) for item in value)
    if value is None or isinstance(value, bool | int | float | str):
        return is_unresolved(value)
    return True


@functools.cache
def create_only_properties(resource_type: str) -> frozenset[str] | None:
    """The top-level create-only properties of a CloudFormation resource type (from the
    resource schemas shipped with cfn-lint; `tests/test_naming_values.py` checks they agree),
    or None for a type the schemas do not know (a custom resource)."""
    table: dict[str, list[str]] = json.loads(
        resources.files(__package__).joinpath("_create_only.json").read_text()
    )
    if resource_type not in table and not resource_type.startswith("AWS::"):
        return None
    return frozenset(table.get(resource_type, ()))


@dataclass
class Values:
    """What a resolved CloudFormation value depends on besides its own text."""

    logical_ids: set[str] = field(default_factory=set)
    """Resources (or parameters) it refers to with `Ref`, `Fn::GetAtt` or `Fn::Sub`."""
    deploy_time: list[str] = field(default_factory=list)
    """The values in it known only at deploy time, as they are written in the template."""


def find_values(value: Any, found: Values | None = None) -> Values:
    """The references and deploy-time values in a resolved CloudFormation value."""
    found = Values() if found is None else found
    if isinstance(value, str):
        if _DYNAMIC_REFERENCE in _PINNED_SSM_REFERENCE.sub("", value):
            found.deploy_time.append(value)
    elif isinstance(value, list):
        for item in value:
            find_values(item, found)
    elif isinstance(value, Mapping):
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                _add_reference(str(argument), found)
                return found
            if key == "Fn::GetAtt":
                target = argument[0] if isinstance(argument, list) else str(argument)
                _add_reference(str(target).split(".")[0], found)
                return found
            if key == "Fn::Sub":
                template, variables = (argument, {}) if isinstance(argument, str) else argument
                for name in _SUB_VARIABLE.findall(template):
                    if name not in variables:
                        _add_reference(name.split(".")[0], found)
                find_values(variables, found)
                return found
            if key in ("Fn::FindInMap", "Fn::If", "Condition"):
                # A mapping or a condition can change what this resolves to with no change
                # to this text.
                found.deploy_time.append(json.dumps(value, sort_keys=True))
                return found
        for item in value.values():
            find_values(item, found)
    return found


def _add_reference(name: str, found: Values) -> None:
    if name.startswith("AWS::"):
        if name not in FIXED_PSEUDO_PARAMETERS:
            found.deploy_time.append(f"{{Ref: {name}}}")
    else:
        found.logical_ids.add(name)


@dataclass(frozen=True)
class NameKind(Generic[_Resource]):
    """A SageMaker resource named by content: its class, and how it spells its name (the
    property in the template, in jsii's property map, and the attribute that reads it back)."""

    resource_class: Callable[..., _Resource]
    cfn_property: str
    jsii_property: str

    def attribute(self, resource: cdk.CfnResource) -> str:
        """`Fn::GetAtt` of the name, for a name CloudFormation generates."""
        return resource.get_att(self.cfn_property).to_string()


@dataclass
class _Named:
    """One resource named by content, and where others refer to its name."""

    kind: NameKind[Any]
    child_id: str
    resource: cdk.CfnResource
    name: str | None = None
    """The name in the template; None when CloudFormation generates it."""
    referrers: list[tuple[cdk.CfnResource, str]] = field(default_factory=list)
    """(resource, property path) of each place that refers to the name."""
    overrides: list[tuple[str, Any]] = field(default_factory=list)
    """Escape hatches applied to the resource, in order."""
    followed: dict[str, Any] = field(default_factory=dict)
    """(property path) -> name of another of the namer's resources it refers to, where that
    name changed after this one was named: hashed as the template holds it, not as an
    override."""
    late: bool = False
    """It holds a value read only when the template is written (a `Lazy`): it is named then."""
    stale: bool = False
    """Its name is to be computed (again) before the template is written: it is late, or it
    was changed after it was named."""
    cause: str = LATE_CHANGE
    """Why a name computed again differs, for the warning."""


@dataclass(frozen=True)
class OwnAttribute:
    """An attribute of a resource the endpoint created itself with no create-only property (its
    role): names follow it by that resource's logical id alone."""

    token: str
    """The attribute as the endpoint's resources hold it (e.g. the role's ARN)."""
    path: tuple[str, ...]
    """The construct ids of its CloudFormation resource below the endpoint."""
    attribute: str
    """The CloudFormation attribute (`Fn::GetAtt`)."""


class ContentNamer:
    """Names an endpoint's models and config after their content.

    Call `create` for each resource in the order they refer to each other (models, then the
    config) and put the reference it returns where another resource refers to the name; call
    `refer` for each such place: it adds the `DependsOn` that a literal name does not imply.

    The logical ids of the endpoint's own resources are computed in Python as its stack
    allocates them (no round trip) and checked, with every endpoint of the stack in one round
    trip, before the template is written: a renamed or overridden one renames what refers to it.
    """

    def __init__(
        self,
        endpoint: Construct,
        stack: cdk.Stack,
        construct_id: str,
        *,
        path: str,
        own_attributes: Sequence[OwnAttribute],
    ) -> None:
        """:param path: the endpoint's construct path.
        :param own_attributes: what the endpoint's resources refer to of the resources it
        created itself with no create-only property (its role's ARN)."""
        self._endpoint = endpoint
        self._stack = stack
        facts = stack_facts(stack)
        self._stack_name = facts.deployed_name
        self._path = path
        self._construct_id = construct_id
        self._own = tuple(own_attributes)
        self._own_tokens = tuple(own.token for own in self._own)
        below_stack = path[len(facts.path) + 1 :] if facts.path else path
        self._ids_below_stack = tuple(below_stack.split("/"))
        self._predicts_own_ids = bool(self._own) and allocates_by_default(stack)
        self._targets: dict[str, cdk.CfnResource] = {}
        self._named: list[_Named] = []
        _namers_of(stack).append(self)

    def create(self, kind: NameKind[_Resource], id: str, properties: Any) -> tuple[_Resource, str]:
        """Create a `kind` resource with `properties` (its jsii props struct) as the endpoint's
        child `id`, named after its content. Return it and how other resources refer to its
        name: the name itself, a token for a name computed when the template is written, or
        `Fn::GetAtt` for a name CloudFormation generates.

        The name is computed from the properties as the template will hold them, rendered in
        Python, and given to the constructor: no round trip to jsii unless a token in them
        must be resolved."""
        values = _struct_values(properties)
        name_property = _python_name(kind.jsii_property)
        rendered = template_properties(properties)
        if rendered is None:
            # A value only jsii can render (an `IResolvable`): create, then read it back.
            resource = kind.resource_class(self._endpoint, id, **values)
            late, name = self._discover_and_compute(id, self._properties(resource, kind))
            if name is not None:
                setattr(resource, name_property, name)
        else:
            late, name = self._discover_and_compute(id, rendered)
            resource = kind.resource_class(self._endpoint, id, **values, **{name_property: name})
        named = _Named(kind, id, resource, name, late=late, stale=late)
        self._named.append(named)
        reference = self._late_reference(named) if late else name or kind.attribute(resource)
        _watch(resource, lambda change: self._on_change(named, change))
        return resource, reference

    def _discover_and_compute(
        self, child_id: str, properties: Mapping[str, Any]
    ) -> tuple[bool, str | None]:
        """Whether the properties hold a `Lazy` (the name is then computed later), and else
        the content name (None: CloudFormation generates it)."""
        late = self._discover(properties)
        return late, None if late else self._compute(child_id, properties)

    def refer(self, referrer: cdk.CfnResource, path: str, target: cdk.CfnResource) -> None:
        """Record that `referrer` refers to `target`'s name at `path` (dotted, as in
        `add_property_override`), and make `referrer` wait for `target` where the reference
        itself does not say so."""
        named = self._find(target)
        named.referrers.append((referrer, path))
        if named.late or named.name is not None:
            referrer.add_resource_dependency(target)

    def _properties(self, resource: cdk.CfnResource, kind: NameKind[Any]) -> Mapping[str, Any]:
        """The resource's properties as the template will hold them (tokens unresolved),
        without its name and without those CloudFormation updates in place (its tags: a
        parameter there must not take the name away)."""
        properties = {
            key: value
            for key, value in resource._cfn_properties.items()
            if key != kind.jsii_property and _cfn_spelling(key) not in UPDATABLE_PROPERTIES
        }
        rendered: Mapping[str, Any] = resource._render_properties(properties)
        return rendered

    def _discover(self, properties: Mapping[str, Any]) -> bool:
        """Find the app's resources that `properties` refer to (beyond the endpoint's own);
        True when a value in them is only known when the template is written (a `Lazy`)."""
        late = False
        for text in _token_strings(properties):
            if text in self._own_tokens:
                continue
            for token in cdk.Tokenization.reverse_string(text).tokens:
                if isinstance(token, cdk.Reference):
                    target = token.target
                    if isinstance(target, cdk.CfnResource):
                        self._targets[cdk.Stack.of(target).get_logical_id(target)] = target
                elif not isinstance(token, cdk.Intrinsic):
                    late = True
        return late

    def _compute(
        self,
        child_id: str,
        properties: Mapping[str, Any],
        overrides: Sequence[tuple[str, Any]] = (),
    ) -> str | None:
        """The content name of the endpoint's child `child_id`, or None when a value in it is
        known only at deploy time or refers to what cannot be followed (CloudFormation must
        then name it)."""
        resolved, changes = self._resolve(properties, [[path, value] for path, value in overrides])
        found = find_values([resolved, changes])
        references = self._references(found)
        if found.deploy_time or references is None:
            return None
        digest = content_hash(
            stack_name=self._stack_name,
            path=f"{self._path}/{child_id}",
            properties=resolved,
            references=references,
            overrides=changes,
        )
        return physical_name(self._construct_id, digest)

    def _resolve(self, properties: Mapping[str, Any], overrides: list[Any]) -> tuple[Any, Any]:
        """The properties and the overrides as the template will hold them. The endpoint's own
        tokens (its role's ARN) are replaced by their values, read once per endpoint; any other
        token, or a value only jsii resolves, is resolved in one round trip."""
        own_values = self._own_values
        properties = _replaced(properties, own_values) if own_values else properties
        if overrides or _needs_resolving(properties):
            resolved, changes = self._stack.resolve([properties, overrides])
            return resolved, changes
        return properties, overrides

    @functools.cached_property
    def _own_values(self) -> dict[str, Any]:
        """The CloudFormation value of each of the endpoint's own tokens: computed as the stack
        allocates logical ids by default (checked by `check_own_values`), or else resolved."""
        if not self._predicts_own_ids:
            return self._resolved_own_values() if self._own else {}
        return {
            own.token: {
                "Fn::GetAtt": [default_logical_id(self._ids_below_stack + own.path), own.attribute]
            }
            for own in self._own
        }

    def _resolved_own_values(self) -> dict[str, Any]:
        values = self._stack.resolve(list(self._own_tokens))
        return dict(zip(self._own_tokens, values, strict=True))

    def check_own_values(self, resolved: Mapping[str, Any]) -> None:
        """Before the template is written, given the own tokens' values as they resolve then
        (`own_tokens_to_check`): where a logical id was renamed or overridden, follow it."""
        if not self._predicts_own_ids or resolved == self._own_values:
            return
        self.__dict__["_own_values"] = dict(resolved)
        self.__dict__.pop("_own_ids", None)
        for named in self._named:
            if not named.stale:
                named.cause = OWN_ID_CHANGE
            named.stale = True

    @property
    def own_tokens_to_check(self) -> tuple[str, ...]:
        """The own tokens whose values were computed, not resolved."""
        return self._own_tokens if self._predicts_own_ids else ()

    @functools.cached_property
    def _own_ids(self) -> set[str]:
        """The logical ids of the endpoint's own resources that its own tokens refer to."""
        return find_values(list(self._own_values.values())).logical_ids

    def _references(self, found: Values) -> dict[str, Any] | None:
        """The create-only properties of the app's resources that `found` refers to (only those
        that have some), or None when it refers to something that cannot be followed: a
        parameter, or a resource of unknown replacement rules."""
        references: dict[str, Any] = {}
        pending = sorted(found.logical_ids)
        seen: set[str] = set()
        while pending:
            logical_id = pending.pop()
            if logical_id in seen or logical_id in self._own_ids:
                continue
            seen.add(logical_id)
            target = self._targets.get(logical_id)
            if target is None:
                return None
            create_only = create_only_properties(target.cfn_resource_type)
            if create_only is None:
                return None
            # jsii spells a property like the template but for the first letter's case.
            template_names = {name.lower(): name for name in create_only}
            values = {
                template_names[key.lower()]: value
                for key, value in target._cfn_properties.items()
                if key.lower() in template_names and value is not None
            }
            resolved = cdk.Stack.of(target).resolve(values) if values else {}
            if not resolved:
                continue
            inner = find_values(resolved)
            if inner.deploy_time:
                return None
            references[logical_id] = {"Type": target.cfn_resource_type, "Properties": resolved}
            pending.extend(inner.logical_ids)
        return references

    def _late_reference(self, named: _Named) -> str:
        """Name a resource that holds a `Lazy` when the template is written; return how others
        refer to it (the name, or `Fn::GetAtt` when CloudFormation generates it)."""
        resource, kind = named.resource, named.kind
        setattr(
            resource,
            _python_name(kind.jsii_property),
            cdk.Lazy.string(_Producer(lambda: self._final(named))),
        )
        return cdk.Lazy.string(_Producer(lambda: self._final(named) or kind.attribute(resource)))

    def _final(self, named: _Named) -> str | None:
        """The name a late or changed resource has in the template (computed once, when the
        template is about to be written)."""
        if named.stale:
            properties = _with_values(self._properties(named.resource, named.kind), named.followed)
            named.name = self._compute(named.child_id, properties, named.overrides)
            named.stale = False
        return named.name

    def _on_change(self, named: _Named, override: tuple[str, Any] | None) -> None:
        """A named resource changed after it was named: compute its name again before the
        template is written."""
        if override is not None:
            named.overrides.append(override)
        named.stale = True

    def settle(self) -> None:
        """Give each late or changed resource its final name, in the order they refer to each
        other, and make the references follow (with escape hatches of the construct's own)."""
        for named in self._named:
            before = named.name
            after = self._final(named)
            if named.late:
                if after is None:
                    for referrer, _ in named.referrers:
                        referrer.remove_resource_dependency(named.resource)
                continue
            if after == before:
                continue
            with _unwatched(named.resource):
                setattr(named.resource, _python_name(named.kind.jsii_property), after)
            for referrer, path in named.referrers:
                reference = after or named.kind.attribute(named.resource)
                following = self._named_resource(referrer)
                if following is None:
                    referrer.add_property_override(path, reference)
                else:
                    with _unwatched(referrer):
                        referrer.add_property_override(path, reference)
                    following.followed[path] = reference
                    following.stale = True
                if after is None:
                    referrer.remove_resource_dependency(named.resource)
                elif before is None:
                    # A literal name, where `Fn::GetAtt` was: nothing else orders them.
                    referrer.add_resource_dependency(named.resource)
            cdk.Annotations.of(self._endpoint).add_warning_v2(
                NAME_CHANGED_WARNING,
                late_change_warning(named.resource.node.path, before, after, named.cause),
            )

    def _find(self, resource: cdk.CfnResource) -> _Named:
        named = self._named_resource(resource)
        if named is None:
            raise ValueError(f"{resource.node.path} was not named by this namer")
        return named

    def _named_resource(self, resource: cdk.CfnResource) -> _Named | None:
        return next((named for named in self._named if named.resource is resource), None)


@jsii.implements(cdk.IStableStringProducer)
class _Producer:
    """A `Lazy` value computed by a Python function."""

    def __init__(self, produce: Callable[[], str | None]) -> None:
        self._produce = produce

    def produce(self) -> str | None:
        return self._produce()


_NAMERS_ATTRIBUTE = "_mce_constructs_namers"


def _namers_of(stack: cdk.Stack) -> list[ContentNamer]:
    """The namers of `stack`'s endpoints (kept on the stack object), settled together when the
    app is validated (one validation per stack)."""
    namers: list[ContentNamer] | None = stack.__dict__.get(_NAMERS_ATTRIBUTE)
    if namers is None:
        namers = stack.__dict__[_NAMERS_ATTRIBUTE] = []
        stack.node.add_validation(_BeforeSynthesis(stack, namers))
    return namers


@jsii.implements(IValidation)
class _BeforeSynthesis:
    """Settles the names of a stack's endpoints when the app is validated: after every aspect,
    before the templates are written. The logical ids computed in Python are checked first,
    all in one round trip."""

    def __init__(self, stack: cdk.Stack, namers: list[ContentNamer]) -> None:
        self._stack = stack
        self._namers = namers

    def validate(self) -> list[str]:
        tokens = [token for namer in self._namers for token in namer.own_tokens_to_check]
        resolved = dict(zip(tokens, self._stack.resolve(tokens), strict=True)) if tokens else {}
        for namer in self._namers:
            namer.check_own_values({token: resolved[token] for token in namer.own_tokens_to_check})
            namer.settle()
        return []


_OVERRIDES: dict[str, Callable[..., tuple[str, Any]]] = {
    "add_override": lambda path, value: (path, value),
    "add_property_override": lambda property_path, value: (f"Properties.{property_path}", value),
    "add_deletion_override": lambda path: (path, None),
    "add_property_deletion_override": lambda property_path: (f"Properties.{property_path}", None),
}
"""The override methods of a CloudFormation resource, and the override each one makes (with
the methods' own parameter names, for a call by keyword)."""


class _Tracked:
    """A CloudFormation resource that tells its namer when it is changed from Python after it
    was named: a property set, or an override (`_watch` wraps the override methods)."""

    _on_change: Callable[[tuple[str, Any] | None], None] | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if self._on_change is not None and not name.startswith("_"):
            self._on_change(None)


def _watch(resource: cdk.CfnResource, on_change: Callable[[tuple[str, Any] | None], None]) -> None:
    """Call `on_change` for each change made to `resource` from Python after now.

    The override methods are wrapped on the instance, not overridden in the class: jsii calls
    back into Python every method a Python class overrides, and the object that jsii makes for
    such a class costs about half a millisecond per endpoint when the app is synthesized."""
    object.__setattr__(resource, "_on_change", on_change)
    for name, override in _OVERRIDES.items():
        object.__setattr__(resource, name, _notifying(resource, getattr(resource, name), override))


def _notifying(
    resource: cdk.CfnResource,
    method: Callable[..., None],
    override: Callable[..., tuple[str, Any]],
) -> Callable[..., None]:
    def call(*args: Any, **kwargs: Any) -> None:
        method(*args, **kwargs)
        path, value = override(*args, **kwargs)
        on_change = getattr(resource, "_on_change", None)
        is_property = path.startswith("Properties.") and not path.startswith("Properties.Tags")
        if on_change is not None and is_property:
            on_change((path, value))

    return call


class TrackedModel(_Tracked, sagemaker.CfnModel):
    """A `CfnModel` whose name follows changes made to it after the endpoint named it."""


class TrackedEndpointConfig(_Tracked, sagemaker.CfnEndpointConfig):
    """A `CfnEndpointConfig` whose name follows changes made to it after the endpoint named
    it."""


MODEL = NameKind(TrackedModel, "ModelName", "modelName")
ENDPOINT_CONFIG = NameKind(TrackedEndpointConfig, "EndpointConfigName", "endpointConfigName")


@contextlib.contextmanager
def _unwatched(resource: cdk.CfnResource) -> Iterator[None]:
    """Change a tracked resource without telling its namer (the namer's own changes)."""
    callback = resource._on_change if isinstance(resource, _Tracked) else None
    object.__setattr__(resource, "_on_change", None)
    try:
        yield
    finally:
        object.__setattr__(resource, "_on_change", callback)


def _with_values(properties: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of rendered `properties` with each of `values` at its dotted path (as
    `add_property_override` writes it)."""
    result: dict[str, Any] = copy.deepcopy(dict(properties))
    for path, value in values.items():
        *parents, last = path.split(".")
        target: Any = result
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[int(last) if isinstance(target, list) else last] = value
    return result


def _token_strings(value: Any) -> Iterator[str]:
    """The strings in a rendered value that hold an unresolved CDK token."""
    if isinstance(value, str):
        if is_unresolved(value):
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _token_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _token_strings(item)


def _python_name(jsii_name: str) -> str:
    """`modelName` -> `model_name`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", jsii_name).lower()
