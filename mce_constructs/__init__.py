"""mce_constructs: an AWS CDK construct for SageMaker multi-container endpoints."""

from ._validation import MceValidationError
from .container import ContainerDefinition, ContainerImage, InvocationMode, ModelData
from .deployment import CapacitySize, DeploymentConfig, TrafficRouting
from .endpoint import IMultiContainerEndpoint, MultiContainerEndpoint
from .instance_type import InstanceType
from .scaling import ScalableInstanceCount

__all__ = [
    "CapacitySize",
    "ContainerDefinition",
    "ContainerImage",
    "DeploymentConfig",
    "IMultiContainerEndpoint",
    "InstanceType",
    "InvocationMode",
    "MceValidationError",
    "ModelData",
    "MultiContainerEndpoint",
    "ScalableInstanceCount",
    "TrafficRouting",
]
