"""mce_constructs: an AWS CDK construct for SageMaker multi-container endpoints."""

from .checks import SageMakerEndpointChecks
from .container import (
    ContainerDefinition,
    ContainerImage,
    DockerImageOptions,
    InvocationMode,
    ModelData,
)
from .data_capture import DataCapture
from .deployment import CapacitySize, DeploymentConfig, TrafficRouting
from .endpoint import IMultiContainerEndpoint, MultiContainerEndpoint
from .errors import MceValidationError, Problem
from .instance_type import InstanceType
from .scaling import ScalableInstanceCount
from .variants import EndpointVariant, RoutingStrategy, VariantDefinition

__all__ = [
    "CapacitySize",
    "ContainerDefinition",
    "ContainerImage",
    "DataCapture",
    "DeploymentConfig",
    "DockerImageOptions",
    "EndpointVariant",
    "IMultiContainerEndpoint",
    "InstanceType",
    "InvocationMode",
    "MceValidationError",
    "ModelData",
    "MultiContainerEndpoint",
    "Problem",
    "RoutingStrategy",
    "SageMakerEndpointChecks",
    "ScalableInstanceCount",
    "TrafficRouting",
    "VariantDefinition",
]
