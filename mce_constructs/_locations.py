"""Where an image or an S3 object is, read from its URI: the one parser of ECR image URIs and
the one parser of S3 URLs (`s3://`, and `https://` in the virtual-hosted, path, dualstack and
FIPS styles). A token is not read: it has no known location."""

from __future__ import annotations

import re
from typing import NamedTuple

from ._tokens import is_unresolved

_ECR_URI = re.compile(
    # <account>.dkr.ecr[-fips].<region>.<AWS domain: amazonaws.com, amazonaws.com.cn, ...>
    # and the dual-stack <account>.dkr-ecr[-fips].<region>.on.aws
    r"^(?P<account>\d{12})\.dkr[.-]ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.[a-z0-9.-]+"
    r"/(?P<repository>[^:@]+)(?:[:@].*)?$"
)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
"""A region name (`us-east-1`, `us-gov-west-1`, `cn-north-1`, ...), not a legacy S3 endpoint
name such as `external-1`."""
_S3_ENDPOINT = (
    r"s3(?:-fips)?(?:\.dualstack)?(?:[.-](?P<region>[a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?"
)
"""An S3 endpoint host: global (`s3.amazonaws.com`), regional (`s3.<region>.` or the legacy
`s3-<region>.`), FIPS, dualstack (`s3.dualstack.<region>.`) and China (`.amazonaws.com.cn`)."""
_S3_URIS = (
    re.compile(r"^s3://(?P<bucket>[^/]+)/?(?P<key>.*)$"),
    # https://<bucket>.<endpoint>/<key> (virtual-hosted style)
    re.compile(rf"^https://(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.{_S3_ENDPOINT}/?(?P<key>.*)$"),
    # https://<endpoint>/<bucket>/<key> (path style)
    re.compile(rf"^https://{_S3_ENDPOINT}/(?P<bucket>[^/]+)/?(?P<key>.*)$"),
)


class EcrLocation(NamedTuple):
    """Where an ECR image is: the registry's account and region, and the repository."""

    account: str
    region: str
    repository: str


class S3Location(NamedTuple):
    """Where an S3 URL points: a bucket, a key (empty for the bucket itself) and the region
    that the URL names (None when it names none, as `s3://` and global endpoints do)."""

    bucket: str
    key: str
    region: str | None


def ecr_location(uri: str) -> EcrLocation | None:
    """Where an ECR image URI points; None for another registry or a token."""
    match = None if is_unresolved(uri) else _ECR_URI.match(uri)
    if match is None:
        return None
    return EcrLocation(match["account"], match["region"], match["repository"])


def s3_location(uri: str) -> S3Location | None:
    """The bucket, key and region of an `s3://` URI or an S3 `https://` URL; None for any other
    URL or a token."""
    if is_unresolved(uri):
        return None
    for pattern in _S3_URIS:
        match = pattern.match(uri)
        if match:
            region = match.groupdict().get("region")
            known = region if region is not None and _REGION.fullmatch(region) else None
            return S3Location(match["bucket"], match["key"], known)
    return None
