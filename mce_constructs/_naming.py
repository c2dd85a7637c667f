"""Deterministic physical names for the model and the endpoint config.

CloudFormation replaces a SageMaker model or endpoint config on any change to its properties,
and a custom-named resource cannot be replaced under the same name. So each name is a readable
prefix plus a hash of everything the resource's properties are made of: it changes exactly when
the content changes. The hash is computed from JSON with sorted keys, so it is the same in every
process, whatever `PYTHONHASHSEED` or the order in which the properties were built.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

NAME_MAX_LENGTH = 63
NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
HASH_LENGTH = 16
"""Hex characters of SHA-256 kept in a name: 64 bits, enough to never collide by chance."""
PREFIX_MAX_LENGTH = NAME_MAX_LENGTH - HASH_LENGTH - 1
FALLBACK_PREFIX = "mce"


def content_hash(*, stack_name: str, path: str, properties: Mapping[str, Any]) -> str:
    """A short hash of a resource's resolved properties, its stack and its construct path."""
    payload = json.dumps(
        {"stack": stack_name, "path": path, "properties": properties},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:HASH_LENGTH]


def readable_prefix(construct_id: str) -> str:
    """The construct id reduced to what a SageMaker name allows (letters, digits, hyphens)."""
    words = re.findall(r"[a-zA-Z0-9]+", construct_id)
    prefix = "-".join(words)[:PREFIX_MAX_LENGTH].strip("-")
    return prefix or FALLBACK_PREFIX


def physical_name(construct_id: str, digest: str) -> str:
    """`<readable prefix>-<hash>`: at most 63 characters and valid for SageMaker."""
    return f"{readable_prefix(construct_id)}-{digest}"
