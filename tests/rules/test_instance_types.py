"""Instance types: the service's list, the shape of a name, and what each family supports."""

from __future__ import annotations

import pytest

from mce_constructs._instance_types import INSTANCE_TYPES
from mce_constructs.rules.instance_types import (
    GPU_DIRECT_WARNING,
    INF1_WARNING,
    KMS_INSTANCE_STORAGE_WARNING,
    NVME_ONLY_FAMILIES,
    UNLISTED_INSTANCE_TYPE_WARNING,
    check_gpu_in_direct_mode,
    check_inf1,
    check_instance_type,
    check_kms_key_storage,
    parse_instance_type,
)
from mce_constructs.rules.location import ROOT
from mce_constructs.rules.variants import check_volume_on_instance_storage

from ..conftest import lines, string_token


def unknown_instance_type(value: str, hint: str) -> str:
    return (
        f"instance_type: {value!r} is not an instance type of SageMaker endpoints "
        f"(ProductionVariantInstanceType in the SageMaker API){hint} "
        f"(a type newer than this list: InstanceType.of({value!r}))"
    )


def gpu_direct(instance_type: str) -> str:
    return (
        f"instance_type: {instance_type!r} is a GPU instance type; the SageMaker Developer Guide "
        "documents GPU instances for multi-container endpoints invoked as a Serial pipeline, not "
        "in Direct mode, so SageMaker may refuse it"
    )


def inf1(instance_type: str) -> str:
    return (
        f"instance_type: {instance_type!r} is an Inferentia (ml.inf1) instance type; the "
        "SageMaker Developer Guide does not document it for multi-container endpoints, so "
        "SageMaker may refuse it"
    )


def kms_instance_storage(instance_type: str) -> str:
    return (
        f"kms_key: {instance_type!r} stores data on NVMe instance storage, which the key does "
        "not encrypt (the instance encrypts it with a hardware module of its own)"
    )


def listed(name: str) -> list[str]:
    return lines(check_instance_type(name, ROOT, listed=True))


EXAMPLES = [
    (
        lambda: listed("ml.m5.larg"),
        unknown_instance_type(
            "ml.m5.larg", "; did you mean 'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'?"
        ),
    ),
]
WARNING_EXAMPLES = [
    (
        lambda: check_gpu_in_direct_mode("ml.g5.xlarge", True, ROOT),
        GPU_DIRECT_WARNING,
        gpu_direct("ml.g5.xlarge"),
    ),
    (lambda: check_inf1("ml.inf1.xlarge", ROOT), INF1_WARNING, inf1("ml.inf1.xlarge")),
    (
        lambda: check_kms_key_storage(["ml.m5d.large"], True, ROOT),
        KMS_INSTANCE_STORAGE_WARNING,
        kms_instance_storage("ml.m5d.large"),
    ),
    (
        lambda: check_instance_type("ml.m5.larg", ROOT, listed=False),
        UNLISTED_INSTANCE_TYPE_WARNING,
        "instance_type: InstanceType.of('ml.m5.larg') is not in this library's list of SageMaker "
        "endpoint instance types; did you mean 'ml.m5.large', 'ml.m5d.large', 'ml.m5.xlarge'? (A "
        "type newer than the list is right here: acknowledge this warning.)",
    ),
]


def test_every_instance_type_of_the_service_is_listed_and_has_the_shape() -> None:
    assert len(INSTANCE_TYPES) > 200
    assert [name for name in INSTANCE_TYPES if listed(name)] == []
    assert [name for name in INSTANCE_TYPES if parse_instance_type(name) is None] == []


@pytest.mark.parametrize("instance_type", ["m5.large", "ml.p3dn.24xlarge", "", "ML.M5.LARGE"])
def test_instance_types_outside_the_service_enum_are_refused(instance_type: str) -> None:
    (problem,) = listed(instance_type)
    assert problem.startswith(f"instance_type: {instance_type!r} is not an instance type")
    assert problem.endswith(f"(a type newer than this list: InstanceType.of({instance_type!r}))")


def test_a_close_type_is_suggested_and_a_far_one_is_not() -> None:
    assert listed("ml.p3dn.24xlarge") == [
        unknown_instance_type(
            "ml.p3dn.24xlarge",
            "; did you mean 'ml.p4d.24xlarge', 'ml.p3.2xlarge', 'ml.p4de.24xlarge'?",
        )
    ]
    assert listed("gpu") == [unknown_instance_type("gpu", "")]


@pytest.mark.parametrize("name", ["ml.p3dn.24xlarge", "ml.m9.large", "ml.p7-b500.96xlarge"])
def test_a_type_the_user_vouches_for_warns_at_most(name: str) -> None:
    """A name close to a listed one (a new type, or a typo) gets a warning only."""
    found = check_instance_type(name, ROOT, listed=False)
    assert {problem.warning_id for problem in found} <= {UNLISTED_INSTANCE_TYPE_WARNING}


def test_a_listed_or_unlike_name_the_user_vouches_for_does_not_warn() -> None:
    assert check_instance_type("ml.m5.large", ROOT, listed=False) == []
    assert check_instance_type("ml.zz9000.galactic", ROOT, listed=False) == []
    assert check_instance_type("m5 large", ROOT, listed=False) == []  # refused for its shape
    assert check_instance_type(string_token(), ROOT, listed=True) == []


@pytest.mark.parametrize(
    "instance_type",
    [
        "ml.g4dn.xlarge",
        "ml.g5.48xlarge",
        "ml.g7e.2xlarge",
        "ml.p4d.24xlarge",
        "ml.p6-b200.48xlarge",
    ],
)
def test_gpu_instances_serve_serial_pipelines_and_warn_in_direct_mode(instance_type: str) -> None:
    assert check_gpu_in_direct_mode(instance_type, False, ROOT) == []
    assert lines(check_gpu_in_direct_mode(instance_type, True, ROOT)) == [gpu_direct(instance_type)]


@pytest.mark.parametrize(
    "instance_type", ["ml.t2.medium", "ml.c7i.48xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge"]
)
def test_other_instance_types_carry_no_warning(instance_type: str) -> None:
    assert check_gpu_in_direct_mode(instance_type, True, ROOT) == []
    assert check_inf1(instance_type, ROOT) == []


@pytest.mark.parametrize(
    ("instance_type", "has_kms_key", "warned"),
    [
        ("ml.m5.large", True, False),
        ("ml.m5d.large", False, False),
        ("ml.m5d.large", True, True),
        ("ml.c5d.xlarge", True, True),
        ("ml.r6gd.large", True, True),
        ("ml.g4dn.xlarge", True, True),
        ("ml.c6gn.large", True, False),
    ],
)
def test_a_kms_key_with_nvme_instance_storage_is_a_warning(
    instance_type: str, has_kms_key: bool, warned: bool
) -> None:
    found = lines(check_kms_key_storage([instance_type], has_kms_key, ROOT))
    assert found == ([kms_instance_storage(instance_type)] if warned else [])


def test_the_key_warns_once_per_instance_type_of_the_variants() -> None:
    types = ["ml.m5d.large", "ml.m5.large", "ml.m5d.large", "ml.g5.xlarge", None]
    assert lines(check_kms_key_storage(types, True, ROOT)) == [
        kms_instance_storage("ml.m5d.large"),
        kms_instance_storage("ml.g5.xlarge"),
    ]


def test_the_kms_warning_and_the_volume_refusal_read_one_table() -> None:
    """One table of the types with NVMe instance storage only: a key warns on exactly the
    types that take no volume size."""
    warned = {name for name in INSTANCE_TYPES if check_kms_key_storage([name], True, ROOT) != []}
    refused = {
        name for name in INSTANCE_TYPES if check_volume_on_instance_storage(30, name, ROOT) != []
    }
    assert warned == refused
    assert {parse_instance_type(name).family for name in warned} == set(  # type: ignore[union-attr]
        NVME_ONLY_FAMILIES
    )
