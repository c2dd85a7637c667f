"""botocore's SageMaker service model, loaded once per test process (it is a large file)."""

from __future__ import annotations

import functools

import botocore.session
from botocore.model import ServiceModel, Shape


@functools.cache
def sagemaker_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("sagemaker")


def input_member(operation: str, *path: str) -> Shape:
    """The shape at `path` in an operation's input; a list or map is stepped through by its
    member name (`"member"`, `"key"`, `"value"`)."""
    shape: Shape = sagemaker_model().operation_model(operation).input_shape
    for name in path:
        stepped = name in ("member", "key", "value")
        shape = getattr(shape, name) if stepped else shape.members[name]
    return shape
