"""mce_constructs: an AWS CDK construct for SageMaker multi-container endpoints."""

from .container import (
    ContainerDefinition,
    ContainerImage,
    DockerImageOptions,
    InvocationMode,
    ModelData,
)
from .deployment import CapacitySize, DeploymentConfig, TrafficRouting
from .endpoint import IMultiContainerEndpoint, MultiContainerEndpoint
from .errors import MceValidationError, Problem
from .instance_type import InstanceType
from .scaling import ScalableInstanceCount

__all__ = [
    "CapacitySize",
    "ContainerDefinition",
    "ContainerImage",
    "DeploymentConfig",
    "DockerImageOptions",
    "IMultiContainerEndpoint",
    "InstanceType",
    "InvocationMode",
    "MceValidationError",
    "ModelData",
    "MultiContainerEndpoint",
    "Problem",
    "ScalableInstanceCount",
    "TrafficRouting",
]
