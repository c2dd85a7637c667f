"""The limits, patterns and instance types the rules use are botocore's SageMaker service model.

A drift on either side fails here. When botocore's list of instance types changes, regenerate
`mce_constructs/_instance_types.py` with `python -m tests.test_service_model`.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import regex

from mce_constructs import InvocationMode, RoutingStrategy, _instance_types
from mce_constructs.rules.containers import (
    DIRECT,
    ENVIRONMENT_KEY_MAX_LENGTH,
    ENVIRONMENT_KEY_PATTERN,
    ENVIRONMENT_TOTAL_MAX_BYTES,
    ENVIRONMENT_VALUE_MAX_LENGTH,
    IMAGE_MAX_LENGTH,
    IMAGE_PATTERN,
    MAX_CONTAINERS,
    MAX_ENVIRONMENT_ENTRIES,
    MODEL_DATA_URL_MAX_LENGTH,
    MODEL_DATA_URL_PATTERN,
    SERIAL,
)
from mce_constructs.rules.data_capture import (
    CAPTURE_URI_MAX_LENGTH,
    CONTENT_TYPE_MAX_LENGTH,
    CONTENT_TYPE_PATTERN,
    MAX_CAPTURE_CONTENT_TYPES,
    SAMPLING_PERCENT,
)
from mce_constructs.rules.instance_types import INSTANCE_TYPE_SHAPE, NVME_ONLY_FAMILIES
from mce_constructs.rules.names import NAME_MAX_LENGTH, NAME_PATTERN
from mce_constructs.rules.network import SECURITY_GROUPS_RANGE, SUBNETS_RANGE
from mce_constructs.rules.tags import (
    MAX_TAGS,
    TAG_KEY_LENGTH,
    TAG_VALUE_LENGTH,
    refused_tag_characters,
)
from mce_constructs.rules.variants import (
    MAX_VARIANTS,
    MIN_INSTANCE_COUNT,
    VARIANT_TIMEOUT_SECONDS,
    VOLUME_SIZE_GIB,
)

from ._service_model import input_member, sagemaker_model
from .conftest import resource_schema

INSTANCE_TYPES_FILE = Path(_instance_types.__file__)
INSTANCE_TYPES_HEADER = (
    '"""The instance types of SageMaker real-time endpoints (`ProductionVariantInstanceType`).\n'
    "\n"
    "Generated from botocore's SageMaker service model by `python -m tests.test_service_model`;\n"
    "`tests/test_service_model.py` fails when the two differ. The runtime does not need botocore.\n"
    '"""\n'
    "\n"
    "INSTANCE_TYPES: tuple[str, ...] = (\n"
)


def botocore_instance_types() -> list[str]:
    enum: list[str] = sagemaker_model().shape_for("ProductionVariantInstanceType").enum
    return enum


def render_instance_types(instance_types: list[str]) -> str:
    """The source of `_instance_types.py` for a list of instance types (botocore's order)."""
    lines = "".join(f'    "{instance_type}",\n' for instance_type in instance_types)
    return f"{INSTANCE_TYPES_HEADER}{lines})\n"


def test_instance_types_are_botocores_production_variant_instance_types() -> None:
    assert list(_instance_types.INSTANCE_TYPES) == botocore_instance_types()
    assert INSTANCE_TYPES_FILE.read_text() == render_instance_types(botocore_instance_types())


def family(instance_type: str) -> str:
    return instance_type.split(".")[1]


def test_every_family_is_a_known_kind() -> None:
    """A new kind of family in the service model must be looked at before it is accepted: are
    GPU (`ml.g*`, `ml.p*`, a warning in Direct mode) and `ml.inf1` (a warning) still all the
    kinds the Developer Guide's feature matrix leaves unclear?"""
    kinds = {
        re.sub(r"\d.*", "", family(instance_type))
        for instance_type in _instance_types.INSTANCE_TYPES
    }
    assert kinds == {"c", "dl", "g", "inf", "m", "p", "r", "t", "trn"}


def test_every_instance_type_has_the_shape_that_instance_type_of_checks() -> None:
    assert all(INSTANCE_TYPE_SHAPE.fullmatch(name) for name in _instance_types.INSTANCE_TYPES)


def test_nvme_only_families_are_families_of_the_service_model() -> None:
    families = {family(instance_type) for instance_type in _instance_types.INSTANCE_TYPES}
    assert families >= NVME_ONLY_FAMILIES


@pytest.mark.parametrize(
    ("operation", "path"),
    [
        ("CreateModel", ("Containers", "member", "ContainerHostname")),
        ("CreateEndpoint", ("EndpointName",)),
        ("CreateEndpointConfig", ("EndpointConfigName",)),
        ("CreateEndpointConfig", ("ProductionVariants", "member", "VariantName")),
    ],
)
def test_names_and_hostnames_follow_the_service_pattern(
    operation: str, path: tuple[str, ...]
) -> None:
    shape = input_member(operation, *path)
    assert shape.metadata["pattern"] == NAME_PATTERN.pattern
    assert shape.metadata["max"] == NAME_MAX_LENGTH


@pytest.mark.parametrize(
    "name", ["a", "A-1", "a--b", "a" * 63, "", "-a", "a-", "a_b", "a.b", "é", "a b"]
)
def test_model_names_pattern_accepts_the_same_names(name: str) -> None:
    """ModelName's pattern is spelled differently in the model; it is the same language."""
    shape = input_member("CreateModel", "ModelName")
    assert shape.metadata["max"] == NAME_MAX_LENGTH
    service = re.fullmatch(shape.metadata["pattern"], name) is not None
    assert service == (NAME_PATTERN.fullmatch(name) is not None)


def test_container_limits_are_the_service_model_limits() -> None:
    assert input_member("CreateModel", "Containers").metadata["max"] == MAX_CONTAINERS
    container = ("Containers", "member")
    image = input_member("CreateModel", *container, "Image").metadata
    assert (image["pattern"], image["max"]) == (IMAGE_PATTERN.pattern, IMAGE_MAX_LENGTH)
    url = input_member("CreateModel", *container, "ModelDataUrl").metadata
    assert (url["pattern"], url["max"]) == (
        MODEL_DATA_URL_PATTERN.pattern,
        MODEL_DATA_URL_MAX_LENGTH,
    )


def test_environment_limits_are_the_service_model_limits() -> None:
    environment = input_member("CreateModel", "Containers", "member", "Environment")
    assert environment.metadata["max"] == MAX_ENVIRONMENT_ENTRIES
    key = environment.key.metadata
    assert (key["pattern"], key["max"]) == (
        ENVIRONMENT_KEY_PATTERN.pattern,
        ENVIRONMENT_KEY_MAX_LENGTH,
    )
    assert environment.value.metadata["max"] == ENVIRONMENT_VALUE_MAX_LENGTH
    # The total is only in the documentation, which counts bytes: 1024 each, 32 KB together.
    documentation = environment.documentation
    assert "each key and value in the <code>Environment</code> map is 1024 bytes" in documentation
    assert "their maps, combined, is also 32 KB" in documentation
    assert ENVIRONMENT_TOTAL_MAX_BYTES == 32 * 1024


def test_instance_and_vpc_limits_are_the_service_model_limits() -> None:
    count = input_member(
        "CreateEndpointConfig", "ProductionVariants", "member", "InitialInstanceCount"
    )
    assert count.metadata["min"] == MIN_INSTANCE_COUNT
    vpc = input_member("CreateModel", "VpcConfig")
    groups, subnets = vpc.members["SecurityGroupIds"].metadata, vpc.members["Subnets"].metadata
    assert (groups["min"], groups["max"]) == SECURITY_GROUPS_RANGE
    assert (subnets["min"], subnets["max"]) == SUBNETS_RANGE


TAG_PATTERN = r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)"


def test_tag_limits_are_the_service_model_limits() -> None:
    model = sagemaker_model()
    key, value = model.shape_for("TagKey").metadata, model.shape_for("TagValue").metadata
    assert (key["pattern"], (key["min"], key["max"])) == (TAG_PATTERN, TAG_KEY_LENGTH)
    assert (value["pattern"], (value["min"], value["max"])) == (TAG_PATTERN, TAG_VALUE_LENGTH)
    assert model.shape_for("TagList").metadata["max"] == MAX_TAGS
    assert input_member("CreateModel", "Tags").name == "TagList"


@pytest.mark.parametrize(
    "resource_type",
    ["AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint"],
)
def test_tag_limits_are_the_cloudformation_schemas_limits(resource_type: str) -> None:
    schema = resource_schema(resource_type)
    assert schema["properties"]["Tags"]["maxItems"] == MAX_TAGS
    tag = schema["definitions"]["Tag"]["properties"]
    for field, length in (("Key", TAG_KEY_LENGTH), ("Value", TAG_VALUE_LENGTH)):
        assert tag[field]["pattern"] == f"^{TAG_PATTERN}$"
        assert (tag[field]["minLength"], tag[field]["maxLength"]) == length


def test_tag_characters_are_those_of_the_service_pattern() -> None:
    """The Unicode classes of the pattern, read with `unicodedata`, over every assigned
    character of the Basic Multilingual Plane (and the letters and numbers above it)."""
    characters = "".join(
        character
        for character in map(chr, range(0x30000))
        if unicodedata.category(character) not in ("Cn", "Cs")
    )
    service = regex.compile(TAG_PATTERN)
    refused_by_service = "".join(c for c in characters if not service.fullmatch(c))
    assert refused_tag_characters(characters) == refused_by_service
    assert refused_tag_characters("Équipe 名前 ٣ a_b.c:d/e=f+g-h@i") == ""
    assert refused_tag_characters("a#b*c,d!\t") == "\t!#*,"


def test_invocation_modes_are_the_service_models_modes() -> None:
    modes = input_member("CreateModel", "InferenceExecutionConfig", "Mode").enum
    assert [mode.value for mode in InvocationMode] == modes


if __name__ == "__main__":
    INSTANCE_TYPES_FILE.write_text(render_instance_types(botocore_instance_types()))
    print(f"wrote {len(botocore_instance_types())} instance types to {INSTANCE_TYPES_FILE.name}")


def test_the_limits_of_variants_and_data_capture_are_the_service_models() -> None:
    variant_member = ("ProductionVariants", "member")
    assert input_member("CreateEndpointConfig", "ProductionVariants").metadata == {
        "min": 1,
        "max": MAX_VARIANTS,
    }
    for name, limits in (
        ("VolumeSizeInGB", VOLUME_SIZE_GIB),
        ("ModelDataDownloadTimeoutInSeconds", VARIANT_TIMEOUT_SECONDS),
        ("ContainerStartupHealthCheckTimeoutInSeconds", VARIANT_TIMEOUT_SECONDS),
    ):
        metadata = input_member("CreateEndpointConfig", *variant_member, name).metadata
        assert (metadata["min"], metadata["max"]) == limits, name
    weight = input_member("CreateEndpointConfig", *variant_member, "InitialVariantWeight")
    assert weight.metadata == {"min": 0}
    strategies = input_member(
        "CreateEndpointConfig", *variant_member, "RoutingConfig", "RoutingStrategy"
    ).enum
    assert {strategy.value for strategy in RoutingStrategy} <= set(strategies)
    capture_config = ("DataCaptureConfig",)
    sampling = input_member("CreateEndpointConfig", *capture_config, "InitialSamplingPercentage")
    assert (sampling.metadata["min"], sampling.metadata["max"]) == SAMPLING_PERCENT
    destination = input_member("CreateEndpointConfig", *capture_config, "DestinationS3Uri")
    assert destination.metadata["max"] == CAPTURE_URI_MAX_LENGTH
    assert (
        input_member("CreateEndpointConfig", *capture_config, "CaptureOptions").metadata["min"] == 1
    )
    for header in ("CsvContentTypes", "JsonContentTypes"):
        types = input_member(
            "CreateEndpointConfig", *capture_config, "CaptureContentTypeHeader", header
        )
        assert types.metadata["max"] == MAX_CAPTURE_CONTENT_TYPES
        assert types.member.metadata["max"] == CONTENT_TYPE_MAX_LENGTH
        assert types.member.metadata["pattern"] == CONTENT_TYPE_PATTERN.pattern
    prefix = input_member("CreateModel", "Containers", "member", "ModelDataSource", "S3DataSource")
    assert "always ends with a forward slash" in prefix.members["S3DataType"].documentation
    access = input_member("CreateModel", "Containers", "member", "ImageConfig")
    assert access.members["RepositoryAccessMode"].enum == ["Platform", "Vpc"]


def test_the_rules_spell_the_modes_as_the_invocation_mode_does() -> None:
    assert (InvocationMode.SERIAL.value, InvocationMode.DIRECT.value) == (SERIAL, DIRECT)
