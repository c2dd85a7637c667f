"""What CloudFormation does to each resource when a stack is updated from one template to another.

A test oracle for update safety that follows CloudFormation's rules, not the code under test:
a resource is replaced when a create-only property of its resource schema (the schemas cfn-lint
ships) changes; values are compared after resolving what is known of each deploy; a reference
to a replaced resource changes (its physical id or generated name does), so replacements cascade
through references until nothing more changes.

Assumptions, kept simple on purpose:

- An attribute read with `Ref`, `Fn::GetAtt` or `Fn::Sub` does not change when its resource is
  updated in place, and changes when it is replaced.
- A parameter, dynamic reference or import given no value has the same value in both deploys.
  (CloudFormation itself re-reads a dynamic reference only when its text changes: giving one two
  values models the deploy where the new value is read.)
- A type without a schema (custom resources) is never replaced: its provider decides.
  `conditionalCreateOnlyProperties` are noted in the reasons, not counted as replacements.
- A resource whose `Condition` is known to be false in a deploy is absent from it.

A custom name blocks a replacement only when it stays the same (CloudFormation's message says
"Rename X and update the stack again"): a replacement under a changed or removed name is fine.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from .conftest import resource_schema

Template = Mapping[str, Any]
PropertyPath = tuple[str | int, ...]

NEVER_REPLACED: frozenset[str] = frozenset({"AWS::SageMaker::Endpoint"})
"""Types whose replacement is a violation by default."""

NAME_PROPERTIES: Mapping[str, str] = {
    "AWS::SageMaker::Model": "ModelName",
    "AWS::SageMaker::EndpointConfig": "EndpointConfigName",
    "AWS::SageMaker::Endpoint": "EndpointName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::EC2::SecurityGroup": "GroupName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::SSM::Parameter": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
}
"""The physical-name property of the types an endpoint's stack uses. Other types derive theirs
from their schema (see `name_property`)."""

CASE_INSENSITIVE_NAMES = ("AWS::SageMaker::", "AWS::IAM::")
"""Type prefixes whose services compare names case-insensitively."""

_NOT_PROPERTIES = (
    "Condition",
    "DependsOn",
    "Metadata",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "UpdatePolicy",
    "CreationPolicy",
)
_DYNAMIC = re.compile(r"\{\{resolve:[^{}]*\}\}")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_SHOWN_PATHS = 3


# --- the schemas --------------------------------------------------------------------------------


@functools.cache
def _schema(resource_type: str) -> Mapping[str, Any] | None:
    try:
        schema: Mapping[str, Any] = resource_schema(resource_type)
    except KeyError:
        return None
    return schema


def create_only_pointers(resource_type: str) -> tuple[str, ...]:
    """The schema's `createOnlyProperties` (JSON pointers); none for a type without a schema."""
    schema = _schema(resource_type)
    return tuple(schema.get("createOnlyProperties", ())) if schema else ()


def _conditional_pointers(resource_type: str) -> tuple[str, ...]:
    schema = _schema(resource_type)
    return tuple(schema.get("conditionalCreateOnlyProperties", ())) if schema else ()


def name_property(resource_type: str) -> str | None:
    """The property that holds a resource's physical name, if it has one.

    From `NAME_PROPERTIES`, else from the schema: the first create-only property among the one
    named after the type (`FunctionName` for `AWS::Lambda::Function`), a `...Name` property
    that alone identifies the resource, and `Name`. (A name that can change in place is no
    identity; in an identifier of several properties, a `...Name` is often another resource's.)
    """
    if resource_type in NAME_PROPERTIES:
        return NAME_PROPERTIES[resource_type]
    schema = _schema(resource_type)
    if schema is None:
        return None
    identifiers = [
        str(pointer).removeprefix("/properties/") for pointer in schema.get("primaryIdentifier", ())
    ]
    candidates = [
        resource_type.rsplit("::", 1)[-1] + "Name",
        *(name for name in identifiers[:1] if len(identifiers) == 1 and name.endswith("Name")),
        "Name",
    ]
    create_only = set(schema.get("createOnlyProperties", ()))
    for candidate in candidates:
        if (
            candidate in schema.get("properties", {})
            and f"/properties/{candidate}" in create_only
            and f"/properties/{candidate}" not in schema.get("readOnlyProperties", ())
        ):
            return candidate
    return None


def _case_insensitive(resource_type: str) -> bool:
    return resource_type.startswith(CASE_INSENSITIVE_NAMES)


# --- values as CloudFormation resolves them -------------------------------------------------------


@dataclass(frozen=True)
class Deploy:
    """What one deploy resolves that its template does not say."""

    parameters: Mapping[str, Any] = field(default_factory=dict)
    """Parameter values by name; for an SSM parameter type, the value it is resolved to."""
    dynamic_references: Mapping[str, Any] = field(default_factory=dict)
    """Values of dynamic references by their text, e.g. `{{resolve:ssm:/app/image}}`."""
    imports: Mapping[str, Any] = field(default_factory=dict)
    """Values of `Fn::ImportValue` by export name."""


@dataclass(frozen=True)
class _Unknown:
    """A value known only when deploying: equal across deploys when every field is."""

    kind: str  # pseudo, parameter, resource, import, dynamic, unknown
    name: Any
    attribute: Any = None
    replaced: bool = False


@dataclass(frozen=True)
class _Concat:
    """A string made of literal and unknown parts."""

    parts: tuple[Any, ...]


@dataclass(frozen=True)
class _Call:
    """An intrinsic function the oracle does not evaluate: equal when its arguments are."""

    function: str
    argument: Any


class _Missing:
    def __repr__(self) -> str:
        return "<absent>"


_MISSING = _Missing()
_NO_VALUE = _Unknown("pseudo", "AWS::NoValue")


def _concat(parts: Iterable[Any]) -> Any:
    """Parts joined into one string value, adjacent literals merged."""
    merged: list[Any] = []
    for part in parts:
        for piece in map(_piece, part.parts if isinstance(part, _Concat) else (part,)):
            if isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            elif not (isinstance(piece, str) and piece == ""):
                merged.append(piece)
    if not merged:
        return ""
    return merged[0] if len(merged) == 1 else _Concat(tuple(merged))


def _piece(value: Any) -> Any:
    """A scalar as the text it is when joined into a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int | float) else value


def _known(value: Any) -> bool:
    if isinstance(value, _Unknown | _Concat | _Call):
        return False
    if isinstance(value, Mapping):
        return all(_known(item) for item in value.values())
    if isinstance(value, list):
        return all(_known(item) for item in value)
    return True


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, sort_keys=True)


def _equals(left: Any, right: Any) -> bool | None:
    """`Fn::Equals`: the same value is equal to itself even when it is not known."""
    if left == right:
        return True
    return _text(left) == _text(right) if _known(left) and _known(right) else None


def _combine(function: str, truths: list[bool | None]) -> bool | None:
    """`Fn::Not`, `Fn::And` or `Fn::Or` of conditions, some of them unknown (None)."""
    if function == "Fn::Not" and len(truths) == 1:
        return None if truths[0] is None else not truths[0]
    if function not in ("Fn::And", "Fn::Or"):
        return None
    decisive = function == "Fn::Or"
    if decisive in truths:
        return decisive
    return None if None in truths else not decisive


def _first(argument: Any) -> Any:
    return argument[0] if isinstance(argument, list) and argument else None


def _is_intrinsic(node: Any) -> bool:
    return (
        isinstance(node, Mapping)
        and len(node) == 1
        and any(key == "Ref" or str(key).startswith("Fn::") for key in node)
    )


class _Resolver:
    """The values of one template's nodes in one deploy, given which resources are replaced."""

    def __init__(self, template: Template, deploy: Deploy, replaced: AbstractSet[str]) -> None:
        self.template = template
        self.deploy = deploy
        self.replaced = replaced
        self.parameters: Mapping[str, Any] = template.get("Parameters", {})
        self.resources: Mapping[str, Any] = template.get("Resources", {})
        self.conditions: Mapping[str, Any] = template.get("Conditions", {})
        self._truths: dict[str, bool | None] = {}
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::ImportValue": self._import_value,
        }

    def present(self) -> dict[str, Mapping[str, Any]]:
        """The resources this deploy creates or keeps (a false `Condition` removes one)."""
        return {
            logical_id: resource
            for logical_id, resource in self.resources.items()
            if not (
                isinstance(resource.get("Condition"), str)
                and self.condition(resource["Condition"]) is False
            )
        }

    def value(self, node: Any) -> Any:
        """The value of a template node, as far as it is known."""
        if _is_intrinsic(node):
            ((key, argument),) = node.items()
            return self._intrinsic(key, argument)
        if isinstance(node, Mapping):
            values = {key: self.value(item) for key, item in node.items()}
            return {key: item for key, item in values.items() if item is not _NO_VALUE}
        if isinstance(node, list):
            return [item for item in map(self.value, node) if item is not _NO_VALUE]
        return self.text(node) if isinstance(node, str) else node

    def _intrinsic(self, key: str, argument: Any) -> Any:
        if key == "Ref":
            return self.ref(argument)
        if key == "Fn::GetAtt":
            return self._get_att(argument)
        function = self._functions.get(key)
        return function(argument) if function else _Call(key, self.value(argument))

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return _Call("Ref", self.value(name))
        if name in self.parameters:
            return self._parameter(name)
        if name in self.resources:
            return _Unknown("resource", name, None, name in self.replaced)
        if name == "AWS::NoValue":
            return _NO_VALUE
        return _Unknown("pseudo" if name.startswith("AWS::") else "unknown", name)

    def text(self, text: str) -> Any:
        """A literal string of the template, its dynamic references resolved."""
        parts: list[Any] = []
        position = 0
        for match in _DYNAMIC.finditer(text):
            parts.append(text[position : match.start()])
            reference = match.group()
            parts.append(
                self.deploy.dynamic_references.get(reference, _Unknown("dynamic", reference))
            )
            position = match.end()
        parts.append(text[position:])
        return _concat(parts)

    def condition(self, name: str) -> bool | None:
        """Whether a named condition holds; None when it depends on what is not known."""
        if name not in self._truths:
            self._truths[name] = None  # a cycle reads as unknown
            definition = self.conditions.get(name)
            self._truths[name] = None if definition is None else self._truth(definition)
        return self._truths[name]

    def _truth(self, node: Any) -> bool | None:
        if isinstance(node, bool):
            return node
        if not (isinstance(node, Mapping) and len(node) == 1):
            return None
        ((key, argument),) = node.items()
        if key == "Condition":
            return self.condition(argument) if isinstance(argument, str) else None
        if not isinstance(argument, list):
            return None
        if key == "Fn::Equals" and len(argument) == 2:
            return _equals(self.value(argument[0]), self.value(argument[1]))
        return _combine(key, [self._truth(item) for item in argument])

    def _parameter(self, name: str) -> Any:
        if name not in self.deploy.parameters:
            return _Unknown("parameter", name)
        value = self.deploy.parameters[name]
        declared = str(self.parameters[name].get("Type", ""))
        if isinstance(value, str) and ("List<" in declared or "CommaDelimitedList" in declared):
            return value.split(",")
        return value

    def _get_att(self, argument: Any) -> Any:
        if isinstance(argument, str) and "." in argument:
            logical_id, attribute = argument.split(".", 1)
        elif isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
            logical_id, attribute = argument[0], self.value(argument[1])
        else:
            return _Call("Fn::GetAtt", self.value(argument))
        return _Unknown("resource", logical_id, attribute, logical_id in self.replaced)

    def _sub(self, argument: Any) -> Any:
        if isinstance(argument, str):
            text, variables = argument, {}
        elif (
            isinstance(argument, list)
            and len(argument) == 2
            and isinstance(argument[0], str)
            and isinstance(argument[1], Mapping)
        ):
            text, variables = argument
        else:
            return _Call("Fn::Sub", self.value(argument))
        parts: list[Any] = []
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            parts.append(self.text(text[position : match.start()]))
            name = match.group(1).strip()
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
            elif name in variables:
                parts.append(self.value(variables[name]))
            elif "." in name:
                parts.append(self._get_att(name))
            else:
                parts.append(self.ref(name))
            position = match.end()
        parts.append(self.text(text[position:]))
        return _concat(parts)

    def _join(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            return _Call("Fn::Join", self.value(argument))
        delimiter, items = self.value(argument[0]), self.value(argument[1])
        if not (isinstance(delimiter, str) and isinstance(items, list)):
            return _Call("Fn::Join", [delimiter, items])
        parts: list[Any] = []
        for index, item in enumerate(items):
            parts.extend([delimiter, item] if index else [item])
        return _concat(parts)

    def _select(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            return _Call("Fn::Select", self.value(argument))
        index, items = self.value(argument[0]), self.value(argument[1])
        if isinstance(index, str) and index.isdigit():
            index = int(index)
        if isinstance(items, list) and type(index) is int and 0 <= index < len(items):
            return items[index]
        return _Call("Fn::Select", [index, items])

    def _split(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            return _Call("Fn::Split", self.value(argument))
        delimiter, source = self.value(argument[0]), self.value(argument[1])
        if isinstance(delimiter, str) and delimiter and isinstance(source, str):
            return source.split(delimiter)
        return _Call("Fn::Split", [delimiter, source])

    def _if(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            return _Call("Fn::If", self.value(argument))
        truth = self.condition(argument[0])
        if truth is not None:
            return self.value(argument[1] if truth else argument[2])
        definition = self.value(self.conditions.get(argument[0]))
        return _Call("Fn::If", [definition, self.value(argument[1]), self.value(argument[2])])

    def _find_in_map(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) in (3, 4)):
            return _Call("Fn::FindInMap", self.value(argument))
        keys = [self.value(item) for item in argument[:3]]
        mappings = self.template.get("Mappings", {})
        if all(isinstance(key, str) for key in keys):
            try:
                return self.value(mappings[keys[0]][keys[1]][keys[2]])
            except (KeyError, TypeError):
                pass
            default = argument[3] if len(argument) == 4 else None
            if isinstance(default, Mapping) and "DefaultValue" in default:
                return self.value(default["DefaultValue"])
        # The keys are not known: the value is equal when the keys and the mappings are.
        return _Call("Fn::FindInMap", [self.value(mappings), *keys])

    def _import_value(self, argument: Any) -> Any:
        name = self.value(argument)
        if isinstance(name, str) and name in self.deploy.imports:
            return self.deploy.imports[name]
        return _Unknown("import", name)

    def references(self, node: Any) -> Iterator[tuple[str, Any]]:
        """What a template node reads from outside itself, as (cause, node to resolve)."""
        if isinstance(node, str):
            for reference in _DYNAMIC.findall(node):
                yield f"dynamic reference {reference}", reference
            return
        if isinstance(node, list):
            for item in node:
                yield from self.references(item)
            return
        if not isinstance(node, Mapping):
            return
        if _is_intrinsic(node):
            yield from self._function_references(node)
        for item in node.values():
            yield from self.references(item)

    def _function_references(self, node: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
        """What one intrinsic function reads: the resources and parameters it names, what a
        condition reads, an import."""
        ((key, argument),) = node.items()
        if key == "Fn::If" and isinstance(_first(argument), str):
            yield from self.references(self.conditions.get(_first(argument)))
        elif key == "Fn::ImportValue":
            yield f"import {json.dumps(argument)}", node
        for name in _named(key, argument):
            if name in self.resources:
                yield f"reference to {name}", {"Ref": name}
            elif name in self.parameters:
                yield f"parameter {name}", {"Ref": name}


def _named(key: str, argument: Any) -> list[str]:
    """The names a `Ref`, `Fn::GetAtt` or `Fn::Sub` reads (a resource's or a parameter's)."""
    if key == "Ref" and isinstance(argument, str):
        return [argument]
    if key == "Fn::GetAtt":
        target = argument.split(".")[0] if isinstance(argument, str) else _first(argument)
        return [target] if isinstance(target, str) else []
    if key == "Fn::Sub":
        text = argument if isinstance(argument, str) else _first(argument)
        variables = argument[1] if isinstance(argument, list) and len(argument) > 1 else {}
        return [
            name.split(".")[0]
            for name in (match.strip() for match in _PLACEHOLDER.findall(str(text)))
            if not name.startswith("!") and name not in variables
        ]
    return []


# --- paths and differences ---------------------------------------------------------------------


def _pointer_segments(pointer: str) -> list[str]:
    """`/properties/A/*/B` -> ["A", "*", "B"]."""
    return [segment.replace("~1", "/").replace("~0", "~") for segment in pointer.split("/")[2:]]


def _at(
    node: Any, segments: list[str], path: PropertyPath = ()
) -> Iterator[tuple[PropertyPath, Any]]:
    """The values under a pointer's segments, by concrete path (an opaque value stops the walk
    and counts as a whole)."""
    if node is _MISSING:
        return
    if not segments:
        yield path, node
        return
    head, rest = segments[0], segments[1:]
    if head == "*" and isinstance(node, list):
        for index, item in enumerate(node):
            yield from _at(item, rest, (*path, index))
    elif head == "*" and isinstance(node, Mapping):
        for key, item in node.items():
            yield from _at(item, rest, (*path, key))
    elif isinstance(node, Mapping):
        yield from _at(node.get(head, _MISSING), rest, (*path, head))
    else:
        yield path, node


def _changed_under(pointers: Iterable[str], old: Any, new: Any) -> list[PropertyPath]:
    """The concrete paths under the pointers whose values differ."""
    changed: list[PropertyPath] = []
    for pointer in pointers:
        segments = _pointer_segments(pointer)
        before, after = dict(_at(old, segments)), dict(_at(new, segments))
        for path in sorted(before.keys() | after.keys(), key=str):
            if before.get(path, _MISSING) != after.get(path, _MISSING) and path not in changed:
                changed.append(path)
    return changed


def _differences(old: Any, new: Any, path: PropertyPath = ()) -> Iterator[PropertyPath]:
    """The deepest paths where two values differ."""
    if old == new:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(old.keys() | new.keys(), key=str):
            yield from _differences(old.get(key, _MISSING), new.get(key, _MISSING), (*path, key))
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            yield from _differences(
                old[index] if index < len(old) else _MISSING,
                new[index] if index < len(new) else _MISSING,
                (*path, index),
            )
    else:
        yield path


def _raw_at(node: Any, path: PropertyPath) -> Any:
    """The template node at a path of resolved values, or the nearest one above it."""
    for segment in path:
        if isinstance(node, Mapping) and not _is_intrinsic(node):
            node = node.get(segment, _MISSING)
        elif isinstance(node, list) and not any(_is_intrinsic(item) for item in node):
            node = node[segment] if isinstance(segment, int) and segment < len(node) else _MISSING
        else:
            break
    return node


def _overlap(path: PropertyPath, paths: Iterable[PropertyPath]) -> bool:
    return any(path[: len(other)] == other or other[: len(path)] == path for other in paths)


def _show_path(path: PropertyPath) -> str:
    shown = ""
    for segment in path:
        shown += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
    return shown.removeprefix(".") or "(properties)"


def _show(value: Any) -> str:
    """A resolved value as text, unknown parts as `${...}`."""
    if isinstance(value, _Unknown):
        if value.kind == "dynamic":
            return str(value.name)
        name = value.name if value.attribute is None else f"{value.name}.{value.attribute}"
        return "${" + str(name) + "}"
    if isinstance(value, _Concat):
        return "".join(part if isinstance(part, str) else _show(part) for part in value.parts)
    if isinstance(value, str):
        return value
    return json.dumps(value, default=repr)


def _identity(value: Any) -> Any:
    return value


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, _Concat):
        return _Concat(tuple(_fold(part) for part in value.parts))
    return value


# --- the plan -------------------------------------------------------------------------------


class Fate(enum.Enum):
    """What an update does to one logical id."""

    ADDED = "added"
    REMOVED = "removed"
    UNCHANGED = "unchanged"
    UPDATED = "updated in place"
    REPLACED = "replaced"


@dataclass(frozen=True)
class ResourceChange:
    """One logical id's fate, and why (which property changed, through what)."""

    logical_id: str
    resource_type: str
    fate: Fate
    reasons: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.logical_id} ({self.resource_type}): {self.fate.value}"
        return f"{text}: {'; '.join(self.reasons)}" if self.reasons else text


@dataclass(frozen=True)
class UpdatePlan:
    """What an update does to every logical id of the old and the new template, and what in it
    must never happen."""

    changes: Mapping[str, ResourceChange]
    violations: tuple[str, ...]

    def fates(self) -> dict[str, Fate]:
        """Logical id -> fate, for every resource the update adds, removes, updates or replaces."""
        return {
            logical_id: change.fate
            for logical_id, change in self.changes.items()
            if change.fate is not Fate.UNCHANGED
        }

    def logical_ids(self, fate: Fate) -> set[str]:
        return {logical_id for logical_id, change in self.changes.items() if change.fate is fate}

    def summary(self) -> str:
        """One line per resource the update touches, with the reasons."""
        lines = [str(self.changes[logical_id]) for logical_id in sorted(self.fates())]
        return "\n".join(lines) or "No resource changes."


class _Planner:
    """Computes an `UpdatePlan`; one per pair of templates and deploys."""

    def __init__(
        self, old: Template, new: Template, old_deploy: Deploy, new_deploy: Deploy
    ) -> None:
        self.old, self.new, self.new_deploy = old, new, new_deploy
        self.before = _Resolver(old, old_deploy, frozenset())
        self.old_resources = self.before.present()
        self.new_resources = _Resolver(new, new_deploy, frozenset()).present()
        self.kept = sorted(self.old_resources.keys() & self.new_resources.keys())
        self.retyped = {
            logical_id
            for logical_id in self.kept
            if self.old_resources[logical_id].get("Type")
            != self.new_resources[logical_id].get("Type")
        }
        self.old_values = {
            logical_id: self.before.value(self.old_resources[logical_id].get("Properties", {}))
            for logical_id in self.kept
        }
        self.replaced = set(self.retyped)
        self.after, self.new_values = self._resolve_new()
        while more := {
            logical_id
            for logical_id in self.kept
            if logical_id not in self.replaced
            and _changed_under(
                create_only_pointers(self._type(logical_id)),
                self.old_values[logical_id],
                self.new_values[logical_id],
            )
        }:
            self.replaced |= more
            self.after, self.new_values = self._resolve_new()

    def _resolve_new(self) -> tuple[_Resolver, dict[str, Any]]:
        after = _Resolver(self.new, self.new_deploy, frozenset(self.replaced))
        values = {
            logical_id: after.value(self.new_resources[logical_id].get("Properties", {}))
            for logical_id in self.kept
        }
        return after, values

    def _type(self, logical_id: str) -> str:
        resource = self.new_resources.get(logical_id) or self.old_resources[logical_id]
        return str(resource.get("Type"))

    def plan(self, never_replaced: AbstractSet[str]) -> UpdatePlan:
        changes = {
            logical_id: self._change(logical_id)
            for logical_id in sorted(self.old_resources.keys() | self.new_resources.keys())
        }
        return UpdatePlan(changes, tuple(self._violations(changes, never_replaced)))

    def _change(self, logical_id: str) -> ResourceChange:
        resource_type = self._type(logical_id)
        if logical_id not in self.new_resources:
            policy = self.old_resources[logical_id].get("DeletionPolicy")
            reasons: tuple[str, ...] = (
                (f"DeletionPolicy {policy}: kept outside the stack",) if policy else ()
            )
            return ResourceChange(logical_id, resource_type, Fate.REMOVED, reasons)
        if logical_id not in self.old_resources:
            return ResourceChange(logical_id, resource_type, Fate.ADDED)
        old_resource, new_resource = self.old_resources[logical_id], self.new_resources[logical_id]
        not_properties = tuple(
            f"{attribute} changed (not a property: no update by itself)"
            for attribute in _NOT_PROPERTIES
            if old_resource.get(attribute) != new_resource.get(attribute)
        )
        if logical_id in self.retyped:
            reason = f"type changed from {old_resource.get('Type')} to {resource_type}"
            return ResourceChange(logical_id, resource_type, Fate.REPLACED, (reason,))
        old_value, new_value = self.old_values[logical_id], self.new_values[logical_id]
        paths = list(_differences(old_value, new_value))
        if logical_id in self.replaced:
            create_only = _changed_under(create_only_pointers(resource_type), old_value, new_value)
            paths = [path for path in paths if _overlap(path, create_only)]
            fate = Fate.REPLACED
        else:
            fate = Fate.UPDATED if paths else Fate.UNCHANGED
        reasons = self._explain(logical_id, paths)
        conditional = _changed_under(_conditional_pointers(resource_type), old_value, new_value)
        if fate is Fate.UPDATED and conditional:
            shown = ", ".join(map(_show_path, conditional))
            reasons += (f"the schema says a change to {shown} may require replacement",)
        return ResourceChange(logical_id, resource_type, fate, reasons + not_properties)

    def _explain(self, logical_id: str, paths: list[PropertyPath]) -> tuple[str, ...]:
        old_raw = self.old_resources[logical_id].get("Properties", {})
        new_raw = self.new_resources[logical_id].get("Properties", {})
        reasons = []
        for path in paths[:_SHOWN_PATHS]:
            old_node, new_node = _raw_at(old_raw, path), _raw_at(new_raw, path)
            causes = [_template_change(old_node, new_node)] if old_node != new_node else ["changed"]
            seen: set[str] = set()
            for resolver, node in ((self.before, old_node), (self.after, new_node)):
                for cause, reference in resolver.references(node):
                    if cause in seen:
                        continue
                    seen.add(cause)
                    if self.before.value(reference) != self.after.value(reference):
                        replaced = cause.removeprefix("reference to ") in self.replaced
                        causes.append(f"via {cause}" + (" (replaced)" if replaced else ""))
            reasons.append(f"{_show_path(path)} {causes[0]} {', '.join(causes[1:])}".rstrip())
        if len(paths) > _SHOWN_PATHS:
            reasons.append(f"and {len(paths) - _SHOWN_PATHS} more changes")
        return tuple(reasons)

    def _name(self, resolver: _Resolver, resource: Mapping[str, Any]) -> Any:
        """A resource's custom physical name, resolved; absent when CloudFormation names it."""
        prop = name_property(str(resource.get("Type")))
        if prop is None or prop not in resource.get("Properties", {}):
            return _MISSING
        name = resolver.value(resource["Properties"][prop])
        return _MISSING if name is _NO_VALUE else name

    def _violations(
        self, changes: Mapping[str, ResourceChange], never_replaced: AbstractSet[str]
    ) -> Iterator[str]:
        for logical_id in sorted(self.retyped):
            yield (
                f"{changes[logical_id]}: CloudFormation refuses it "
                "(Update of resource type is not permitted)"
            )
        for logical_id, change in changes.items():
            if (
                change.fate is Fate.REPLACED
                and change.resource_type in never_replaced
                and logical_id not in self.retyped
            ):
                yield f"{change}: a resource of this type must only be updated in place"
        old_names = {
            logical_id: self._name(self.before, resource)
            for logical_id, resource in self.old_resources.items()
        }
        for logical_id, change in changes.items():
            if change.fate not in (Fate.ADDED, Fate.REPLACED) or logical_id in self.retyped:
                continue
            name = self._name(self.after, self.new_resources[logical_id])
            if name is _MISSING:
                continue
            fold: Callable[[Any], Any] = (
                _fold if _case_insensitive(change.resource_type) else _identity
            )
            prop = name_property(change.resource_type)
            for holder, old_name in old_names.items():
                if (
                    old_name is _MISSING
                    or self.old_resources[holder].get("Type") != change.resource_type
                    or fold(old_name) != fold(name)
                ):
                    continue
                if holder == logical_id:
                    yield (
                        f"{change}; it keeps its custom name '{_show(name)}' ({prop}): "
                        "CloudFormation cannot update a stack when a custom-named resource "
                        "requires replacing"
                    )
                else:
                    yield (
                        f"{logical_id} ({change.resource_type}) is {change.fate.value} under the "
                        f"name '{_show(name)}' ({prop}) of {holder}, which this update "
                        f"{_holder_fate(changes[holder].fate)}: the new resource is created "
                        "before the old one is deleted, so its creation fails"
                    )


def _template_change(old: Any, new: Any) -> str:
    if old is _MISSING:
        return "added to the template"
    return "removed from the template" if new is _MISSING else "changed in the template"


def _holder_fate(fate: Fate) -> str:
    return {Fate.REMOVED: "deletes", Fate.REPLACED: "replaces"}.get(fate, "keeps")


# --- the entry points ---------------------------------------------------------------------------


def plan_update(
    old: Template,
    new: Template,
    *,
    old_deploy: Deploy | None = None,
    new_deploy: Deploy | None = None,
    never_replaced: AbstractSet[str] = NEVER_REPLACED,
) -> UpdatePlan:
    """What CloudFormation does to each resource when a stack deployed from `old` (with what
    `old_deploy` resolves) is updated to `new` (with `new_deploy`), and what must never happen:
    a type change, a replaced resource of a type in `never_replaced`, a replacement that keeps
    its custom name, a resource created under a custom name that another one holds."""
    planner = _Planner(old, new, old_deploy or Deploy(), new_deploy or Deploy())
    return planner.plan(never_replaced)


def violations(
    old: Template,
    new: Template,
    *,
    old_deploy: Deploy | None = None,
    new_deploy: Deploy | None = None,
    never_replaced: AbstractSet[str] = NEVER_REPLACED,
) -> list[str]:
    """The update's violations (see `plan_update`), one readable line each."""
    plan = plan_update(
        old, new, old_deploy=old_deploy, new_deploy=new_deploy, never_replaced=never_replaced
    )
    return list(plan.violations)


def assert_safe_update(
    old: Template,
    new: Template,
    *,
    old_deploy: Deploy | None = None,
    new_deploy: Deploy | None = None,
    never_replaced: AbstractSet[str] = NEVER_REPLACED,
) -> UpdatePlan:
    """The plan of an update that has no violation; fails with the violations and the plan."""
    plan = plan_update(
        old, new, old_deploy=old_deploy, new_deploy=new_deploy, never_replaced=never_replaced
    )
    if plan.violations:
        raise AssertionError(
            "\n".join(
                ["The update is not safe:", *plan.violations, "", "The update:", plan.summary()]
            )
        )
    return plan
