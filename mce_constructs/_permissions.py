"""What the execution role may do, as plain data built from ARNs (no CDK calls).

Every statement names the exact resources it needs. A few resources cannot be named exactly:
such a statement carries the reason, and the construct acknowledges exactly that cdk-nag
finding with it (see `acknowledgements`), and Guard's for a resource `*` (see
`any_resource_reason`). docs/security.md lists the same table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ._tokens import is_unresolved, known_length
from .metrics import INSTANCE_NAMESPACE as METRICS_NAMESPACE

ECR_PULL_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
)
LOG_ACTIONS = (
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
)
VPC_DESCRIBE_ACTIONS = (
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkInterfaces",
)
LOG_GROUP_PREFIX = "/aws/sagemaker/Endpoints/"
NAG_IAM5 = "AwsSolutions::AwsSolutions-IAM5"
"""cdk-nag's wildcard rule, qualified by its plugin name so that an acknowledgement is kept,
with its reason, in the validation report's `suppressedViolations`."""

TOKEN_REASON = (
    "ecr:GetAuthorizationToken has no resource-level permissions; "
    "the pulls themselves are limited to the images' repositories."
)
METRICS_REASON = (
    "cloudwatch:PutMetricData has no resource-level permissions; "
    f"the cloudwatch:namespace condition limits it to {METRICS_NAMESPACE}."
)
DESCRIBE_REASON = (
    "The read-only EC2 describe calls SageMaker makes to place the endpoint in the VPC have no "
    "resource-level permissions."
)
NAMED_LOGS_REASON = (
    "The endpoint's own log group; SageMaker names its log streams after the instances it "
    "starts, so the streams are known only at run time."
)
GENERATED_LOGS_REASON = (
    "CloudFormation generates the endpoint's name only when it creates the endpoint, after the "
    "role must already work, so the statement covers the log groups of all SageMaker endpoints "
    f"({LOG_GROUP_PREFIX}); give endpoint_name to limit it to the endpoint's own group."
)
PREFIX_REASON = (
    "Uncompressed model data is every object under its key prefix (ModelData.from_s3_prefix, "
    "from_bucket_prefix), so reading it is limited to the objects under that prefix."
)
CAPTURE_REASON = (
    "SageMaker names the data capture files it writes after the endpoint, the variant and the "
    "hour, so writing is limited to the objects under the capture destination's prefix."
)
SUBNET_LIST_ARN_PREFIX = "arn:*:ec2:*:*:subnet/"
SUBNET_LIST_REASON = (
    "The subnets are a list known only at deploy time; CloudFormation cannot put the stack's "
    "partition, region and account into each of their ARNs, so these match any, and each "
    "ARN is still limited to its exact subnet ID."
)
NETWORK_INTERFACE_REASON = (
    "SageMaker creates the endpoint's network interfaces at run time, so their IDs are unknown; "
    "creating them is limited to the endpoint's subnets and security groups, and sharing or "
    "deleting them to interfaces in those subnets (ec2:Subnet condition)."
)


@dataclass(frozen=True)
class Statement:
    """One IAM policy statement (Allow)."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, str | list[str]]] | None = None
    wildcard_reason: str | None = None
    """Why a `*` in `resources` cannot be narrowed; only such wildcards are acknowledged."""

    def to_json(self) -> dict[str, Any]:
        """The statement as IAM policy JSON."""
        statement: dict[str, Any] = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": list(self.actions),
            "Resource": list(self.resources),
        }
        if self.conditions:
            statement["Condition"] = {key: dict(value) for key, value in self.conditions.items()}
        return statement


@dataclass(frozen=True)
class Environment:
    """Partition, region and account of the stack (literals or CDK tokens)."""

    partition: str
    region: str
    account: str

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"


@dataclass(frozen=True)
class BucketKey:
    """The KMS key that encrypts a bucket, and the bucket's region (S3 uses the key there)."""

    key_arn: str
    region: str


@dataclass(frozen=True)
class PrefixListing:
    """Listing a bucket under a key prefix (uncompressed model data)."""

    bucket_arn: str
    prefix: str


@dataclass(frozen=True)
class ModelDataAccess:
    """What reading one model artifact needs: the object (or the objects under a prefix, with
    `listing`), and its bucket's key if it has one."""

    object_arn: str
    bucket_key: BucketKey | None = None
    listing: PrefixListing | None = None


@dataclass(frozen=True)
class CaptureAccess:
    """What writing data capture files needs: the objects under the destination prefix, and
    the KMS keys S3 encrypts them with (the capture's key, the bucket's default key) in the
    bucket's region."""

    objects_arn: str
    key_arns: tuple[str, ...]
    region: str


@dataclass(frozen=True)
class Network:
    """The subnets and security groups the endpoint's network interfaces are created in."""

    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]


def s3_bucket_arn(partition: str, bucket: str) -> str:
    return f"arn:{partition}:s3:::{bucket}"


def s3_object_arn(partition: str, bucket: str, key: str) -> str:
    return f"{s3_bucket_arn(partition, bucket)}/{key}"


def _via_s3(regions: Iterable[str]) -> dict[str, Mapping[str, str | list[str]]]:
    """The condition that limits a KMS permission to requests S3 makes in these regions."""
    via = list(_unique(f"s3.{region}.amazonaws.com" for region in regions))
    return {"StringEquals": {"kms:ViaService": via[0] if len(via) == 1 else via}}


def ecr_repository_arn(partition: str, region: str, account: str, name: str) -> str:
    return f"arn:{partition}:ecr:{region}:{account}:repository/{name}"


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def image_statements(repository_arns: Sequence[str]) -> list[Statement]:
    """Pull from exactly these repositories, plus the registry token call that needs `*`."""
    repositories = _unique(repository_arns)
    if not repositories:
        return []
    return [
        Statement("PullImages", ECR_PULL_ACTIONS, repositories),
        Statement(
            "GetEcrToken", ("ecr:GetAuthorizationToken",), ("*",), wildcard_reason=TOKEN_REASON
        ),
    ]


def model_data_statements(accesses: Sequence[ModelDataAccess]) -> list[Statement]:
    """Read exactly these objects, and the objects under these prefixes (listing each bucket
    only under its prefixes); decrypt with their buckets' keys only through S3."""
    statements = []
    objects = _unique(access.object_arn for access in accesses if access.listing is None)
    if objects:
        statements.append(Statement("ReadModelData", ("s3:GetObject",), objects))
    listings = [access.listing for access in accesses if access.listing is not None]
    if listings:
        prefixed = _unique(access.object_arn for access in accesses if access.listing is not None)
        statements.append(
            Statement(
                "ReadModelDataPrefixes", ("s3:GetObject",), prefixed, wildcard_reason=PREFIX_REASON
            )
        )
        prefixes: dict[str, list[str]] = {}
        for listing in listings:
            prefixes.setdefault(listing.bucket_arn, []).append(f"{listing.prefix}*")
        for index, (bucket_arn, patterns) in enumerate(prefixes.items()):
            unique = list(_unique(patterns))
            statements.append(
                Statement(
                    f"ListModelDataPrefixes{index or ''}",
                    ("s3:ListBucket",),
                    (bucket_arn,),
                    {"StringLike": {"s3:prefix": unique[0] if len(unique) == 1 else unique}},
                )
            )
    keys = [access.bucket_key for access in accesses if access.bucket_key is not None]
    if keys:
        statements.append(
            Statement(
                "DecryptModelData",
                ("kms:Decrypt",),
                _unique(key.key_arn for key in keys),
                _via_s3(key.region for key in keys),
            )
        )
    return statements


def credentials_provider_statements(function_arns: Sequence[str]) -> list[Statement]:
    """Invoke exactly the functions that provide private registries' credentials (SageMaker
    invokes them as the execution role when it pulls the images)."""
    functions = _unique(function_arns)
    if not functions:
        return []
    return [Statement("InvokeCredentialsProviders", ("lambda:InvokeFunction",), functions)]


def capture_statements(capture: CaptureAccess) -> list[Statement]:
    """Write data capture files under exactly the destination prefix; encrypt them with the
    keys only through S3."""
    statements = [
        Statement(
            "WriteCapturedData",
            ("s3:PutObject",),
            (capture.objects_arn,),
            wildcard_reason=CAPTURE_REASON,
        )
    ]
    if capture.key_arns:
        statements.append(
            Statement(
                "EncryptCapturedData",
                ("kms:GenerateDataKey", "kms:Encrypt"),
                _unique(capture.key_arns),
                _via_s3([capture.region]),
            )
        )
    return statements


def runtime_statements(env: Environment, endpoint_name: str | None) -> list[Statement]:
    """Write the endpoint's logs and its instance metrics.

    `endpoint_name` is None when CloudFormation generates it: then the log group is known
    only by its prefix.
    """
    group = endpoint_name if endpoint_name is not None else "*"
    return [
        Statement(
            "WriteLogs",
            LOG_ACTIONS,
            (env.arn("logs", f"log-group:{LOG_GROUP_PREFIX}{group}:*"),),
            wildcard_reason=NAMED_LOGS_REASON if endpoint_name else GENERATED_LOGS_REASON,
        ),
        Statement(
            "PutMetrics",
            ("cloudwatch:PutMetricData",),
            ("*",),
            {"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
            wildcard_reason=METRICS_REASON,
        ),
    ]


def subnet_arns(env: Environment, subnet_ids: Sequence[str]) -> tuple[str, ...]:
    """The ARNs of the subnets, or a list token of them when the IDs are a list token (a
    `List<AWS::EC2::Subnet::Id>` parameter, whose length is known only at deploy time).

    CloudFormation cannot prefix each element of a list with the stack's partition, region
    and account (the delimiter of `Fn::Join` must be a literal), so those ARNs keep the exact
    subnet ID and match the other fields with `*`.
    """
    if known_length(subnet_ids) is not None:
        return tuple(env.arn("ec2", f"subnet/{subnet}") for subnet in subnet_ids)
    import aws_cdk as cdk

    arns = [
        SUBNET_LIST_ARN_PREFIX + cdk.Fn.join(f",{SUBNET_LIST_ARN_PREFIX}", [subnet])
        for subnet in subnet_ids
    ]
    return tuple(cdk.Fn.split(",", cdk.Fn.join(",", arns)))


def network_statements(env: Environment, network: Network) -> list[Statement]:
    """Create, share with SageMaker and delete network interfaces in exactly these subnets."""
    subnets = subnet_arns(env, network.subnet_ids)
    groups = tuple(
        env.arn("ec2", f"security-group/{group}") for group in network.security_group_ids
    )
    interfaces = env.arn("ec2", "network-interface/*")
    listed = known_length(subnets) is not None
    create = [
        Statement(
            "CreateNetworkInterfaces",
            ("ec2:CreateNetworkInterface",),
            (interfaces, *subnets, *groups) if listed else (interfaces, *groups),
            wildcard_reason=NETWORK_INTERFACE_REASON,
        )
    ]
    if not listed:
        # A list token stands alone in a list: its subnets get a statement of their own.
        create.append(
            Statement(
                "CreateNetworkInterfacesInSubnets",
                ("ec2:CreateNetworkInterface",),
                subnets,
                wildcard_reason=SUBNET_LIST_REASON,
            )
        )
    return [
        Statement("DescribeNetwork", VPC_DESCRIBE_ACTIONS, ("*",), wildcard_reason=DESCRIBE_REASON),
        *create,
        Statement(
            "ManageNetworkInterfaces",
            ("ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"),
            (interfaces,),
            {"ArnEquals": {"ec2:Subnet": list(subnets)}},
            wildcard_reason=NETWORK_INTERFACE_REASON,
        ),
    ]


def rollback_alarm_statements(alarm_arns: Sequence[str]) -> list[Statement]:
    """Read exactly the alarms that roll a deployment back (SageMaker watches them as the
    execution role while it updates the endpoint)."""
    alarms = _unique(alarm_arns)
    if not alarms:
        return []
    return [Statement("DescribeRollbackAlarms", ("cloudwatch:DescribeAlarms",), alarms)]


def execution_statements(
    env: Environment,
    *,
    endpoint_name: str | None,
    repository_arns: Sequence[str],
    model_data: Sequence[ModelDataAccess],
    network: Network | None,
    credentials_provider_arns: Sequence[str] = (),
    capture: CaptureAccess | None = None,
) -> list[Statement]:
    """Everything the endpoint's containers need, in a stable order.

    An `endpoint_name` that is None or a token is unknown until CloudFormation creates the
    endpoint, so its log group is known only by its prefix.
    """
    known_name = endpoint_name if endpoint_name and not is_unresolved(endpoint_name) else None
    return [
        *image_statements(repository_arns),
        *credentials_provider_statements(credentials_provider_arns),
        *model_data_statements(model_data),
        *runtime_statements(env, known_name),
        *(network_statements(env, network) if network is not None else []),
        *(capture_statements(capture) if capture is not None else []),
    ]


def without_repeated_resources(
    statements: Sequence[Statement], render: Callable[[str], Any]
) -> list[Statement]:
    """The statements with each resource listed once, compared as `render` writes them into the
    template: different tokens can stand for one resource (one asset bound by two containers,
    or two assets in the bootstrap's one repository)."""
    distinct = []
    for statement in statements:
        seen: dict[str, str] = {}
        for resource in statement.resources:
            seen.setdefault(json.dumps(render(resource), sort_keys=True), resource)
        distinct.append(replace(statement, resources=tuple(seen.values())))
    return distinct


def flatten_reference(value: Any) -> str:
    """A resolved CloudFormation value as cdk-nag spells it in a finding id.

    `{"Ref": "AWS::Region"}` is `<AWS::Region>`, `Fn::GetAtt` is `<Resource.Attribute>`,
    `Fn::Join` joins its parts, anything else is compact JSON (cdk-nag's `flattenCfnReference`).
    """
    if isinstance(value, str):
        return value.replace("${", "<").replace("}", ">")
    if isinstance(value, Mapping):
        for unwrapped in ("Fn::Sub", "Fn::ImportValue"):
            if unwrapped in value:
                return flatten_reference(value[unwrapped])
        if "Fn::Join" in value:
            delimiter, parts = value["Fn::Join"]
            return str(delimiter).join(flatten_reference(part) for part in parts)
        if "Fn::GetAtt" in value:
            resource, attribute = value["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Ref" in value:
            return f"<{flatten_reference(value['Ref'])}>"
    return json.dumps(value, separators=(",", ":"))


def acknowledgements(
    statements: Sequence[Statement], render: Callable[[str], str]
) -> dict[str, str]:
    """cdk-nag finding id -> reason, for each wildcard resource a statement explains.

    `render` turns a resource (possibly with tokens) into cdk-nag's spelling. Statements that
    share a finding (several `*`) share one acknowledgement whose reason gives each of them.
    """
    reasons: dict[str, list[str]] = {}
    for statement in statements:
        if statement.wildcard_reason is None:
            continue
        for resource in statement.resources:
            rendered = render(resource)
            if "*" in rendered:
                found = reasons.setdefault(f"{NAG_IAM5}[Resource::{rendered}]", [])
                if statement.wildcard_reason not in found:
                    found.append(statement.wildcard_reason)
    return {finding: " ".join(texts) for finding, texts in reasons.items()}


def any_resource_reason(statements: Sequence[Statement]) -> str | None:
    """Why the statements whose resource is `*` cannot be narrowed: their reasons, joined.

    Guard's `IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE` judges a policy as a whole, so one
    acknowledgement covers them all. None when no statement has `*`, or when one of them has
    no reason (then nothing is acknowledged: the finding shows).
    """
    reasons: list[str] = []
    for statement in statements:
        if "*" not in statement.resources:
            continue
        if statement.wildcard_reason is None:
            return None
        if statement.wildcard_reason not in reasons:
            reasons.append(statement.wildcard_reason)
    return " ".join(reasons) or None
