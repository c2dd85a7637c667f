"""Loads the sweep's Hypothesis profile (see `profiles.py`) before its tests are collected,
and makes the local files the asset sources use."""

from __future__ import annotations

import pytest

from ..conftest import docker_context, make_tarball
from . import profiles
from .model import Assets

__all__ = ["assets", "profiles"]


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Assets:
    """A tiny Dockerfile directory and a tiny model .tar.gz, and two paths that are not."""
    root = tmp_path_factory.mktemp("sweep-assets")
    (root / "model.bin").write_bytes(b"weights")
    return Assets(
        dockerfile_dir=docker_context(root / "image"),
        tarball=make_tarball(root / "model.tar.gz"),
        missing=root / "missing",
        not_tarball=root / "model.bin",
    )
