"""Where a problem is: a path of fields, written in the spelling of what the user wrote.

A rule is given the location of what it checks and appends the fields it looks at, by their
CloudFormation names (`Containers`, `ContainerHostname`, `VolumeSizeInGB`, ...). A `Spelling`
writes each name as the user knows it: the construct's keyword arguments
(`variants[1] ('challenger').containers[0] ('a').container_hostname`), or a template's
properties as they are (`Containers[0].ContainerHostname`). A name that a spelling maps to ""
is left out of the path (the construct has no `BlueGreenUpdatePolicy` level, for instance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import cast

from ..errors import Problem
from .values import shown


@dataclass(frozen=True)
class Spelling:
    """How the fields of a path are written: CloudFormation name -> the name shown (a name not
    in `names` is shown as it is), and whether an item of a list is labelled with its name or
    hostname."""

    names: Mapping[str, str] = field(default_factory=dict)
    labels: bool = True

    def renamed(self, **names: str) -> Spelling:
        """This spelling with some names written otherwise."""
        return Spelling(MappingProxyType({**self.names, **names}), self.labels)


CONSTRUCT = Spelling(
    MappingProxyType(
        {
            # AWS::SageMaker::Model
            "Containers": "containers",
            "ContainerHostname": "container_hostname",
            "Image": "image",
            "ImageConfig": "image",
            "ModelDataUrl": "model_data",
            "ModelDataSource": "model_data",
            "ModelPackageName": "model_package",
            "S3DataSource": "",
            "S3Uri": "",
            "Environment": "environment",
            "InferenceExecutionConfig": "",
            "Mode": "mode",
            "VpcConfig": "",
            "SecurityGroupIds": "security_groups",
            "Subnets": "vpc_subnets",
            # AWS::SageMaker::EndpointConfig
            "ProductionVariants": "variants",
            "VariantName": "name",
            "InstanceType": "instance_type",
            "InitialInstanceCount": "initial_instance_count",
            "InitialVariantWeight": "initial_weight",
            "VolumeSizeInGB": "volume_size",
            "ModelDataDownloadTimeoutInSeconds": "model_data_download_timeout",
            "ContainerStartupHealthCheckTimeoutInSeconds": "container_startup_health_check_timeout",
            "RoutingConfig": "",
            "RoutingStrategy": "routing_strategy",
            "EnableSSMAccess": "enable_ssm_access",
            "KmsKeyId": "kms_key",
            "DataCaptureConfig": "data_capture",
            "DestinationS3Uri": "",
            "InitialSamplingPercentage": "sampling_percentage",
            "CaptureOptions": "",
            "CaptureContentTypeHeader": "",
            "CsvContentTypes": "csv_content_types",
            "JsonContentTypes": "json_content_types",
            # AWS::SageMaker::Endpoint
            "EndpointName": "endpoint_name",
            "DeploymentConfig": "deployment",
            "BlueGreenUpdatePolicy": "",
            "TrafficRoutingConfiguration": "traffic_routing",
            "CanarySize": "size",
            "LinearStepSize": "step",
            "WaitIntervalInSeconds": "wait",
            "TerminationWaitInSeconds": "termination_wait",
            "MaximumExecutionTimeoutInSeconds": "maximum_execution_timeout",
            "RollingUpdatePolicy": "",
            "MaximumBatchSize": "batch_size",
            "RollbackMaximumBatchSize": "rollback_batch_size",
            "AutoRollbackConfiguration": "",
            "Alarms": "rollback_alarms",
            # Every resource
            "Tags": "tags",
        }
    )
)
"""The construct's keyword arguments and the fields of its option classes."""

SINGLE_VARIANT = CONSTRUCT.renamed(VariantName="variant_name")
"""The single-variant form, where the variant's name is the construct's `variant_name`."""

TEMPLATE = Spelling(labels=False)
"""A template's properties, as CloudFormation names them, as a JSON path (no labels)."""


class Location:
    """A path in one spelling, from `path` (the root, ``, is where the construct's options are;
    `Properties` a template resource's). The steps are written out only when a problem is made
    there: most locations never are."""

    __slots__ = ("_steps", "path", "spelling")

    def __init__(
        self,
        spelling: Spelling = CONSTRUCT,
        path: str = "",
        steps: tuple[tuple[str, object], ...] = (),
    ) -> None:
        self.spelling = spelling
        self.path = path
        self._steps = steps

    def field(self, name: str) -> Location:
        """The field `name` (a CloudFormation name, or a name only the construct has)."""
        return Location(self.spelling, self.path, (*self._steps, ("field", name)))

    def index(self, index: int, label: object = None) -> Location:
        """Item `index` of a list, labelled (when the spelling labels items and `label` is not
        None) with the item's name or hostname, as `[1] ('blue')`."""
        return Location(self.spelling, self.path, (*self._steps, ("index", (index, label))))

    def key(self, key: object) -> Location:
        """The entry `key` of a mapping, as `['KEY']`."""
        return Location(self.spelling, self.path, (*self._steps, ("key", key)))

    def every(self) -> Location:
        """Every item of a list at once, as `[*]`."""
        return Location(self.spelling, self.path, (*self._steps, ("every", None)))

    def problem(self, message: str, warning_id: str | None = None) -> Problem:
        """A problem here (a warning with a `warning_id`)."""
        return Problem(str(self), message, warning_id)

    def __str__(self) -> str:
        path = self.path
        names, labels = self.spelling.names, self.spelling.labels
        for kind, value in self._steps:
            if kind == "field":
                written = names.get(str(value), str(value))
                if written:
                    path = f"{path}.{written}" if path else written
            elif kind == "index":
                index, label = cast(tuple[int, object], value)
                shown_label = f" ({shown(label)})" if label is not None and labels else ""
                path = f"{path}[{index}]{shown_label}"
            elif kind == "key":
                path = f"{path}[{shown(value)}]"
            else:
                path = f"{path}[*]"
        return path


ROOT = Location()
"""Where the construct's own options are."""
