"""Helpers for your own tests of stacks that use `MultiContainerEndpoint`.

A snapshot of a synthesized template changes whenever a CDK asset changes (a Docker build
context, a model `.tar.gz`), because asset hashes are written into the template: in S3 keys,
image tags and `aws:asset:*` metadata. `mask_asset_hashes` replaces them with a fixed marker, so
that a snapshot changes only when something you wrote changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

ASSET_HASH_MASK = "<asset-hash>"

_ASSET_HASH = re.compile(r"(?<![0-9a-f])(?<!sha256:)[0-9a-f]{64}(?![0-9a-f])")
"""A CDK asset hash: 64 hex digits (SHA-256), not an image digest (`sha256:...`)."""


def mask_asset_hashes(template: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `template` with every CDK asset hash replaced by `<asset-hash>`.

    Everything else is kept as it is: bucket and repository names, and image digests
    (`sha256:...`), whose changes a snapshot should show.
    """
    masked_template: dict[str, Any] = _map_strings(
        template, lambda text: _ASSET_HASH.sub(ASSET_HASH_MASK, text)
    )
    return masked_template


def _map_strings(value: Any, function: Callable[[str], str]) -> Any:
    """`value` (parsed JSON) with `function` applied to every string, keys included."""
    if isinstance(value, str):
        return function(value)
    if isinstance(value, Mapping):
        return {function(key): _map_strings(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, function) for item in value]
    return value
