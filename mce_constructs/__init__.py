"""mce_constructs: an AWS CDK construct for SageMaker multi-container endpoints."""

import sys
from typing import TYPE_CHECKING

from .checks import SageMakerEndpointChecks
from .container import ContainerDefinition, InvocationMode
from .data_capture import DataCapture
from .deployment import CapacitySize, DeploymentConfig, TrafficRouting
from .endpoint import IMultiContainerEndpoint, MultiContainerEndpoint
from .errors import MceValidationError, Problem
from .images import ContainerImage, DockerImageOptions
from .instance_type import InstanceType
from .model import IMultiContainerModel, MultiContainerModel
from .model_data import ModelData
from .variants import EndpointVariant, RoutingStrategy, VariantDefinition

if TYPE_CHECKING or "pdoc" in sys.modules:
    # Type checkers and the API reference (pdoc) see it at once; an app imports it when it
    # first asks for it (`__getattr__` below).
    from .scaling import ScalableInstanceCount

__all__ = [
    "CapacitySize",
    "ContainerDefinition",
    "ContainerImage",
    "DataCapture",
    "DeploymentConfig",
    "DockerImageOptions",
    "EndpointVariant",
    "IMultiContainerEndpoint",
    "IMultiContainerModel",
    "InstanceType",
    "InvocationMode",
    "MceValidationError",
    "ModelData",
    "MultiContainerEndpoint",
    "MultiContainerModel",
    "Problem",
    "RoutingStrategy",
    "SageMakerEndpointChecks",
    "ScalableInstanceCount",
    "TrafficRouting",
    "VariantDefinition",
]


def __getattr__(name: str) -> object:
    # `ScalableInstanceCount` is imported when it is first asked for: its module imports
    # aws_applicationautoscaling, which an app that does not scale does not pay for.
    if name == "ScalableInstanceCount":
        from .scaling import ScalableInstanceCount

        return ScalableInstanceCount
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
