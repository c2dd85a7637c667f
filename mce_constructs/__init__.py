"""mce_constructs: an AWS CDK construct for SageMaker multi-container endpoints."""

from ._validation import MceValidationError
from .container import ContainerDefinition, ContainerImage, InvocationMode, ModelData
from .data_capture import DataCapture
from .deployment import CapacitySize, DeploymentConfig, TrafficRouting
from .endpoint import IMultiContainerEndpoint, MultiContainerEndpoint
from .scaling import ScalableInstanceCount
from .variants import EndpointVariant, RoutingStrategy, VariantDefinition

__all__ = [
    "CapacitySize",
    "ContainerDefinition",
    "ContainerImage",
    "DataCapture",
    "DeploymentConfig",
    "EndpointVariant",
    "IMultiContainerEndpoint",
    "InvocationMode",
    "MceValidationError",
    "ModelData",
    "MultiContainerEndpoint",
    "RoutingStrategy",
    "ScalableInstanceCount",
    "TrafficRouting",
    "VariantDefinition",
]
