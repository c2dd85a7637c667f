"""Instance types: the service's list, the shape of a name, and what a family supports."""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from .._instance_types import INSTANCE_TYPES
from ..errors import Problem
from .location import Location
from .values import is_unknown, shown

INSTANCE_TYPE_SHAPE = re.compile(r"ml\.(?P<family>[a-z][a-z0-9-]*)\.(?P<size>[a-z0-9]+)")
"""`ml.<family>.<size>`, the shape of every `ProductionVariantInstanceType`."""

NVME_ONLY_FAMILIES = frozenset(
    {
        # CPU families with local NVMe SSD storage (the `d` in the name).
        *("c5d", "c6gd", "m5d", "m6gd", "r5d", "r6gd", "r7gd"),
        # Accelerated families with local NVMe SSD storage.
        *("dl1", "g4dn", "g5", "g6", "g6e", "p4d", "p4de", "p5", "p5e", "p5en"),
        *("trn1", "trn1n"),
    }
)
"""The one table of the families of `INSTANCE_TYPES` whose storage is NVMe instance storage
only, with no EBS volume: SageMaker refuses a `VolumeSizeInGB` on them ("VolumeSize parameter
is not allowed for the selected Instance type"), and a storage key (`KmsKeyId`) does not encrypt
them. The families are those the SageMaker Python SDK's `volume_size_supported` excludes among
the endpoint instance types (aws/sagemaker-python-sdk PR #4828: "Any instance type with a "d"
in the instance family (i.e. c5d, p4d, etc) + g5 does not support attaching an EBS volume").
trn2, p6 and g7 have local NVMe too as EC2 instances, but no SageMaker source says that they
take no volume: they are left out (a volume size is accepted, a key does not warn)."""

GPU_DIRECT_WARNING = "mce-constructs:gpuDirect"
UNLISTED_INSTANCE_TYPE_WARNING = "mce-constructs:unlistedInstanceType"
INF1_WARNING = "mce-constructs:inf1"
KMS_INSTANCE_STORAGE_WARNING = "mce-constructs:kmsInstanceStorage"


class InstanceTypeName(NamedTuple):
    """An instance type's name, read: `ml.<family>.<size>`."""

    family: str
    size: str

    @property
    def is_gpu(self) -> bool:
        """The GPU families (`ml.g*`, `ml.p*`)."""
        return self.family[0] in "gp" and self.family[1:2].isdigit()

    @property
    def is_inf1(self) -> bool:
        """Inferentia 1."""
        return self.family == "inf1"

    @property
    def is_burstable(self) -> bool:
        """The burstable families (`ml.t*`)."""
        return self.family[0] == "t" and self.family[1:2].isdigit()

    @property
    def has_nvme_storage_only(self) -> bool:
        """NVMe instance storage and no EBS volume (`NVME_ONLY_FAMILIES`)."""
        return self.family in NVME_ONLY_FAMILIES


def parse_instance_type(name: str | None) -> InstanceTypeName | None:
    """The one reading of an instance type's name; None for a name of another shape, a token
    or no name."""
    if name is None or is_unknown(name):
        return None
    match = INSTANCE_TYPE_SHAPE.fullmatch(name)
    return None if match is None else InstanceTypeName(match["family"], match["size"])


def has_instance_type_shape(name: str) -> bool:
    """Whether `name` looks like an instance type (a token might be one)."""
    return is_unknown(name) or INSTANCE_TYPE_SHAPE.fullmatch(name) is not None


def check_instance_type(name: str | None, where: Location, *, listed: bool) -> list[Problem]:
    """One of the service's instance types (the pinned list). A type the user vouches for
    (`listed` False: `InstanceType.of`, its shape checked where it is given) may be newer than
    the list: one close to a listed type only warns (a typo, or a type newer than the list)."""
    if name is None or is_unknown(name) or name in INSTANCE_TYPES:
        return []
    close = difflib.get_close_matches(name, INSTANCE_TYPES, n=3)
    if not listed:
        return _unlisted_problems(name, close, where)
    hint = f"; did you mean {', '.join(map(shown, close))}?" if close else ""
    return [
        where.field("InstanceType").problem(
            f"{shown(name)} is not an instance type of SageMaker endpoints "
            f"(ProductionVariantInstanceType in the SageMaker API){hint} "
            f"(a type newer than this list: InstanceType.of({shown(name)}))"
        )
    ]


def _unlisted_problems(name: str, close: list[str], where: Location) -> list[Problem]:
    """A name given to `InstanceType.of` that the list does not have but has close names of."""
    if not close or INSTANCE_TYPE_SHAPE.fullmatch(name) is None:
        return []
    return [
        where.field("InstanceType").problem(
            f"InstanceType.of({shown(name)}) is not in this library's list of SageMaker endpoint "
            f"instance types; did you mean {', '.join(map(shown, close))}? (A type newer than "
            "the list is right here: acknowledge this warning.)",
            UNLISTED_INSTANCE_TYPE_WARNING,
        )
    ]


def check_gpu_in_direct_mode(name: str | None, direct: bool, where: Location) -> list[Problem]:
    """GPU instances are documented for Serial pipelines only: a warning in Direct mode."""
    parsed = parse_instance_type(name)
    if not direct or parsed is None or not parsed.is_gpu:
        return []
    return [
        where.field("InstanceType").problem(
            f"{shown(name)} is a GPU instance type; the SageMaker Developer Guide documents GPU "
            "instances for multi-container endpoints invoked as a Serial pipeline, not in Direct "
            "mode, so SageMaker may refuse it",
            GPU_DIRECT_WARNING,
        )
    ]


def check_inf1(name: str | None, where: Location) -> list[Problem]:
    """Inferentia 1 instances are not documented for multi-container endpoints: a warning."""
    parsed = parse_instance_type(name)
    if parsed is None or not parsed.is_inf1:
        return []
    return [
        where.field("InstanceType").problem(
            f"{shown(name)} is an Inferentia (ml.inf1) instance type; the SageMaker Developer "
            "Guide does not document it for multi-container endpoints, so SageMaker may refuse it",
            INF1_WARNING,
        )
    ]


def check_kms_key_storage(
    names: list[str | None], has_kms_key: bool, where: Location
) -> list[Problem]:
    """A storage key (`KmsKeyId`) does not encrypt NVMe instance storage: a warning for each
    such instance type of the endpoint config's variants."""
    if not has_kms_key:
        return []
    storage_only = [
        name
        for name in dict.fromkeys(names)
        if (parsed := parse_instance_type(name)) is not None and parsed.has_nvme_storage_only
    ]
    return [
        where.field("KmsKeyId").problem(
            f"{shown(name)} stores data on NVMe instance storage, which the key does not encrypt "
            "(the instance encrypts it with a hardware module of its own)",
            KMS_INSTANCE_STORAGE_WARNING,
        )
        for name in storage_only
    ]
