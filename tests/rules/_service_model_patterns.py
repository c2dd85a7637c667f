"""Patterns of the service model, as botocore and the CloudFormation schema write them (to
check that the rules' own copies accept and refuse the same values)."""

from __future__ import annotations

import functools
import re

from .._service_model import input_member
from ..conftest import resource_schema


@functools.cache
def model_package_pattern() -> re.Pattern[str]:
    """`ContainerDefinition.ModelPackageName` (botocore `VersionedArnOrName`), the same pattern
    as the CloudFormation schema's (asserted)."""
    shape = input_member("CreateModel", "Containers", "member", "ModelPackageName")
    schema = resource_schema("AWS::SageMaker::Model")["definitions"]["ContainerDefinition"]
    assert schema["properties"]["ModelPackageName"]["pattern"] == f"^{shape.metadata['pattern']}$"
    assert shape.metadata["max"] == schema["properties"]["ModelPackageName"]["maxLength"] == 176
    return re.compile(shape.metadata["pattern"])
