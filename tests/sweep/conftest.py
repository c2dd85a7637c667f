"""Loads the sweep's Hypothesis profile (see `profiles.py`) before its tests are collected,
and makes the local files the asset sources use."""

from __future__ import annotations

import io
import tarfile

import pytest

from . import profiles
from .model import Assets

__all__ = ["assets", "profiles"]


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Assets:
    """A tiny Dockerfile directory and a tiny model .tar.gz, and two paths that are not."""
    root = tmp_path_factory.mktemp("sweep-assets")
    (root / "image").mkdir()
    (root / "image" / "Dockerfile").write_text("FROM scratch\n")
    with tarfile.open(root / "model.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("model.bin")
        info.size = 7
        archive.addfile(info, io.BytesIO(b"weights"))
    (root / "model.bin").write_bytes(b"weights")
    return Assets(
        dockerfile_dir=root / "image",
        tarball=root / "model.tar.gz",
        missing=root / "missing",
        not_tarball=root / "model.bin",
    )
