"""mce_constructs: an AWS CDK construct for SageMaker multi-container endpoints."""

from ._validation import MceValidationError
from .container import ContainerDefinition, ContainerImage, InvocationMode, ModelData
from .endpoint import MultiContainerEndpoint

__all__ = [
    "ContainerDefinition",
    "ContainerImage",
    "InvocationMode",
    "MceValidationError",
    "ModelData",
    "MultiContainerEndpoint",
]
