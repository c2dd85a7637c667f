"""botocore's SageMaker service model, loaded once per test process (it is a large file)."""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.model import ServiceModel, Shape
from botocore.validate import validate_parameters


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


ROLE_ARN = "arn:aws:iam::123456789012:role/mce-execution"
STAND_INS = {
    # Intrinsic functions in a template, replaced by what they resolve to at deploy time.
    "ExecutionRoleArn": ROLE_ARN,
    # An image of an ECR repository or asset of the stack's account (`ContainerImage.from_asset`,
    # `from_ecr_repository`): its URI names the account that deploys the stack.
    "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference-image:1",
    "SecurityGroupIds": "sg-0123456789abcdef0",
    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "ModelDataUrl": "s3://cdk-hnb659fds-assets-123456789012-us-east-1/0123abcd.tar.gz",
    "S3Uri": "s3://models-123456789012/fraud/v2/",
    "DestinationS3Uri": "s3://capture-123456789012/fraud",
    "RepositoryCredentialsProviderArn": (
        "arn:aws:lambda:us-east-1:123456789012:function:registry-credentials"
    ),
    "ModelName": "ModelGeneratedByCloudFormation-0123456789ab",
    "EndpointConfigName": "ConfigGeneratedByCloudFormation-0123456789ab",
}
GENERATED_NAMES = {"CreateModel": "ModelName", "CreateEndpointConfig": "EndpointConfigName"}
"""The name CloudFormation generates for a resource the template does not name."""


def api_parameters(value: Any, field: str = "") -> Any:
    """CloudFormation properties as API parameters: the same shape and PascalCase names, with
    each intrinsic function replaced by a plausible value of its field."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref")):
            return STAND_INS[field]
        return {key: api_parameters(item, key) for key, item in value.items()}
    if isinstance(value, list):
        return [api_parameters(item, field) for item in value]
    return value


def botocore_validate(operation: str, parameters: dict[str, Any]) -> None:
    """Raise botocore's `ParamValidationError` if `parameters` are not valid for `operation`
    (with the name CloudFormation generates when they have none)."""
    name = GENERATED_NAMES.get(operation)
    if name is not None:
        parameters = {name: STAND_INS[name], **parameters}
    shape = sagemaker_model().operation_model(operation).input_shape
    validate_parameters(parameters, shape)
