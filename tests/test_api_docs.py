"""The API reference: every public name, method and property says what it is.

That pdoc renders the reference without a warning is checked by `make docs`, which the packaging
check runs: pdoc imports every aws_cdk module while it documents this package, which is slow.
"""

from __future__ import annotations

import inspect

import pytest

import mce_constructs


def own_docstring(cls: type) -> str:
    """The class's own docstring: not a base class's, nor the signature dataclasses make up."""
    doc = vars(cls).get("__doc__") or ""
    return "" if doc.startswith(f"{cls.__name__}(") else doc.strip()


def public_members(cls: type) -> list[str]:
    """Methods and properties a user can call: public, defined in this library (not in jsii's)."""
    names: list[str] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("mce_constructs"):
            continue
        for name, raw in vars(klass).items():
            callable_member = inspect.isfunction(raw) or isinstance(
                raw, property | staticmethod | classmethod
            )
            if callable_member and not name.startswith("_") and name not in names:
                names.append(name)
    return names


def undocumented(names: list[str]) -> list[str]:
    """The public names (and their members) of `mce_constructs` that have no docstring."""
    missing: list[str] = []
    for name in names:
        obj = getattr(mce_constructs, name)
        if not inspect.isclass(obj):
            missing += [] if inspect.getdoc(obj) else [name]
            continue
        missing += [] if own_docstring(obj) else [name]
        missing += [
            f"{name}.{member}"
            for member in public_members(obj)
            if not inspect.getdoc(getattr(obj, member))
        ]
    return missing


def test_every_public_name_and_member_has_a_docstring() -> None:
    assert len(mce_constructs.__all__) >= 6
    assert undocumented(list(mce_constructs.__all__)) == []


def test_the_check_sees_members_and_classes_without_docstrings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    endpoint = mce_constructs.MultiContainerEndpoint
    assert "grant_invoke" in public_members(endpoint)
    assert "metric_invocations" in public_members(endpoint)  # defined on the shared base

    def grant_invoke() -> None:
        pass

    monkeypatch.setattr(endpoint, "grant_invoke", grant_invoke)
    monkeypatch.setattr(mce_constructs.ContainerDefinition, "__doc__", "ContainerDefinition(...)")
    monkeypatch.setattr(mce_constructs.MceValidationError, "__doc__", None)
    names = ["MultiContainerEndpoint", "ContainerDefinition", "MceValidationError"]
    assert undocumented(names) == [
        "MultiContainerEndpoint.grant_invoke",
        "ContainerDefinition",
        "MceValidationError",
    ]
