"""The two apps `make compliance` scans: the sample app (app.py) and one that uses every option.

Everything the full app's endpoints use from outside (the VPC, the keys, the bucket, the
repository, the role, the alarm, the credentials provider) is imported, not created, but for
the security group with restricted egress that docs/security.md recommends: its template holds
the construct's resources and that group only, so a finding elsewhere fails `make compliance`.
"""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3

from app import build_app
from mce_constructs import (
    CapacitySize,
    ContainerDefinition,
    ContainerImage,
    DataCapture,
    DeploymentConfig,
    InvocationMode,
    ModelData,
    MultiContainerEndpoint,
    TrafficRouting,
    VariantDefinition,
)

ACCOUNT = "123456789012"
REGION = "us-east-1"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
VOLUME_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b6a1c3e-5f3e-4d1b-9a57-3a1f0c7e2d11"
S3_PREFIX_LIST = "pl-63a5400a"
BUCKET_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/7c1d9e2a-8b4f-4e6a-b3d2-6f0e5a4c9b88"


def sample_app(app: cdk.App) -> cdk.App:
    """app.py, as `cdk synth` runs it."""
    return build_app(app)


def full_app(app: cdk.App) -> cdk.App:
    """Every option: a VPC with a created security group, a given one with restricted egress
    and network isolation, a volume key, data capture encrypted with a key, A/B variants in
    both modes, model data in an encrypted bucket and under prefixes, an ECR repository, a
    private registry with a credentials provider, a given role, blue/green and rolling
    guardrails with a rollback alarm, and autoscaling; one endpoint with a generated name."""
    stack = cdk.Stack(app, "MceFullStack", env=cdk.Environment(account=ACCOUNT, region=REGION))
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=[f"{REGION}a", f"{REGION}b"],
        private_subnet_ids=["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
        vpc_cidr_block="10.0.0.0/16",
    )
    volume_key = kms.Key.from_key_arn(stack, "VolumeKey", VOLUME_KEY_ARN)
    bucket = s3.Bucket.from_bucket_attributes(
        stack,
        "Models",
        bucket_name="example-models",
        encryption_key=kms.Key.from_key_arn(stack, "BucketKey", BUCKET_KEY_ARN),
    )
    repository = ecr.Repository.from_repository_name(stack, "Repository", "ranker")
    alarm = cloudwatch.Alarm.from_alarm_arn(
        stack, "Errors", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:ranker-errors"
    )
    credentials = lambda_.Function.from_function_arn(
        stack,
        "RegistryCredentials",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:registry-credentials",
    )
    ranker = ContainerDefinition(
        image=ContainerImage.from_ecr_repository(repository, "1.7-1"),
        container_hostname="ranker",
        model_data=ModelData.from_bucket(bucket, "ranker/model.tar.gz"),
    )
    embedder = ContainerDefinition(
        image=f"{REGISTRY}/embedder:2.3",
        container_hostname="embedder",
        model_data=ModelData.from_uri("s3://example-models/embedder/model.tar.gz"),
    )

    production = MultiContainerEndpoint(
        stack,
        "Production",
        endpoint_name="production",
        vpc=vpc,
        kms_key=volume_key,
        variants=[
            VariantDefinition(
                name="champion",
                mode=InvocationMode.SERIAL,
                instance_type="ml.c5.xlarge",
                initial_instance_count=2,
                initial_weight=90,
                containers=[
                    ContainerDefinition(
                        image=ContainerImage.from_private_registry(
                            "registry.example.com/llm:1", credentials_provider=credentials
                        ),
                        model_data=ModelData.from_bucket_prefix(bucket, "llm/v1/"),
                    ),
                    ContainerDefinition(
                        image=f"{REGISTRY}/postprocess:1.4",
                        model_data=ModelData.from_s3_prefix("s3://example-weights/post/"),
                    ),
                ],
            ),
            VariantDefinition(
                name="challenger",
                mode=InvocationMode.DIRECT,
                instance_type="ml.c5.xlarge",
                initial_weight=10,
                containers=[ranker, embedder],
            ),
        ],
        data_capture=DataCapture.to_bucket(
            bucket, "captured", sampling_percentage=10, kms_key=volume_key
        ),
        deployment=DeploymentConfig.blue_green(
            traffic_routing=TrafficRouting.canary(
                size=CapacitySize.percent(10), wait=cdk.Duration.minutes(5)
            ),
            rollback_alarms=[alarm],
        ),
    )
    production.variant("champion").auto_scale_instance_count(
        min_capacity=2, max_capacity=6
    ).scale_on_invocations(invocations_per_instance=200)

    MultiContainerEndpoint(
        stack,
        "Isolated",
        containers=[ranker, embedder],
        mode=InvocationMode.DIRECT,
        vpc=vpc,
        security_groups=[restricted_egress(stack, vpc)],
        enable_network_isolation=True,
        kms_key=volume_key,
        role=iam.Role.from_role_arn(
            stack, "Role", f"arn:aws:iam::{ACCOUNT}:role/inference-execution"
        ),
        deployment=DeploymentConfig.rolling(
            batch_size=CapacitySize.percent(25), wait=cdk.Duration.minutes(2)
        ),
        initial_instance_count=4,
    )
    return app


def restricted_egress(stack: cdk.Stack, vpc: ec2.IVpc) -> ec2.SecurityGroup:
    """A security group of the user's with egress restricted to HTTPS to S3 and the VPC's
    interface endpoints: docs/security.md's way to meet Guard's egress rules."""
    group = ec2.SecurityGroup(stack, "InferenceEgress", vpc=vpc, allow_all_outbound=False)
    group.add_egress_rule(ec2.Peer.prefix_list(S3_PREFIX_LIST), ec2.Port.tcp(443), "S3")
    group.add_egress_rule(ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(443), "VPC endpoints")
    return group


APPS: dict[str, Callable[[cdk.App], cdk.App]] = {"sample": sample_app, "full": full_app}
"""Each app by the name the table gives it."""
