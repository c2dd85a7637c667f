"""Package metadata that no build step checks: classifiers exist, the changelog has the version."""

from __future__ import annotations

import tomllib

from trove_classifiers import classifiers as known_classifiers

from .conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_every_classifier_is_a_trove_classifier() -> None:
    # setuptools skips this check when trove-classifiers is not installed; the index refuses
    # an upload with an unknown classifier.
    assert "Typing :: Typed" in PROJECT["classifiers"]
    assert [c for c in PROJECT["classifiers"] if c not in known_classifiers] == []


def test_the_changelog_has_an_entry_for_the_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert f"## {PROJECT['version']}" in changelog
