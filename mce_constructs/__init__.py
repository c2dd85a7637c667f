"""mce_constructs: an AWS CDK construct for SageMaker multi-container endpoints."""

import sys
from typing import TYPE_CHECKING

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
    # Type checkers and the API reference (pdoc) see them at once; an app imports each when it
    # first asks for it (`__getattr__` below).
    from .checks import SageMakerEndpointChecks
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
    # Imported when first asked for, so that an app that does not use them does not pay for
    # them: `ScalableInstanceCount` imports aws_applicationautoscaling, the checks plugin
    # every template rule and the package's metadata.
    if name == "ScalableInstanceCount":
        from .scaling import ScalableInstanceCount

        return ScalableInstanceCount
    if name == "SageMakerEndpointChecks":
        from .checks import SageMakerEndpointChecks

        return SageMakerEndpointChecks
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
