"""Helpers for your own tests of stacks that use `MultiContainerEndpoint`.

A snapshot of a synthesized template changes whenever a CDK asset changes (a Docker build
context, a model `.tar.gz`), because asset hashes are written into the template: in S3 keys,
image tags and `aws:asset:*` metadata. `mask_asset_hashes` replaces them with a fixed marker, so
that a snapshot changes only when something you wrote changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ._naming import HASH_LENGTH

ASSET_HASH_MASK = "<asset-hash>"
CONTENT_HASH_MASK = "<content-hash>"

_ASSET_HASH = re.compile(r"(?<![0-9a-f])(?<!sha256:)[0-9a-f]{64}(?![0-9a-f])")
"""A CDK asset hash: 64 hex digits (SHA-256), not an image digest (`sha256:...`)."""
_CONTENT_HASH_SUFFIX = re.compile(rf"-[0-9a-f]{{{HASH_LENGTH}}}$")
_NAMED_BY_CONTENT = {
    "AWS::SageMaker::Model": "ModelName",
    "AWS::SageMaker::EndpointConfig": "EndpointConfigName",
}
"""Resources named after a hash of their content, in the order they refer to each other."""


def mask_asset_hashes(template: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `template` with every CDK asset hash replaced by `<asset-hash>`.

    The names of the models and endpoint configs whose content includes an asset (directly, or
    through the model an endpoint config serves) hash that content too; their hash is replaced
    by `<content-hash>` wherever the name appears. Everything else is kept as it is: bucket and
    repository names, image digests (`sha256:...`), and the content-hashed names of models built
    only from registry images, whose changes a snapshot should show.
    """
    masked_names: dict[str, str] = {}
    resources = template.get("Resources", {})
    for resource_type, name_property in _NAMED_BY_CONTENT.items():
        for resource in resources.values():
            properties = resource.get("Properties", {})
            name = properties.get(name_property)
            if resource.get("Type") == resource_type and isinstance(name, str):
                content = json.dumps(properties)
                if _ASSET_HASH.search(content) or any(known in content for known in masked_names):
                    masked_names[name] = _CONTENT_HASH_SUFFIX.sub(f"-{CONTENT_HASH_MASK}", name)

    def mask(text: str) -> str:
        for name, masked in masked_names.items():
            text = text.replace(name, masked)
        return _ASSET_HASH.sub(ASSET_HASH_MASK, text)

    masked_template: dict[str, Any] = _map_strings(template, mask)
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
