"""`MultiContainerEndpoint`: several containers behind one SageMaker endpoint, and
`IMultiContainerEndpoint`, what it and an imported endpoint offer (invoke grants, metrics)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Unpack

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ._acknowledgements import acknowledge_network_isolation, acknowledge_open_egress
from ._deployment import render_deployment
from ._permissions import (
    Environment,
    ModelDataAccess,
    Network,
    execution_statements,
    rollback_alarm_statements,
)
from ._role import allow_role_in_other_accounts, attach_execution_policy, create_execution_role
from ._tokens import aws_partition, is_unresolved, known_length, stack_facts
from ._validation import (
    SUBMIT_DIRECTORY,
    EndpointSpec,
    check_container_hostname,
    check_container_in_variants,
    check_one_variant_to_scale,
    check_rollback_alarms,
    check_variant_exists,
    has_type,
    hostnames_of,
    name_problems,
    report,
    validate,
    variants_with_container,
)
from .container import ContainerDefinition, InvocationMode, ModelData, SourceResource
from .deployment import DeploymentConfig
from .errors import MceValidationError, Problem
from .instance_type import InstanceType
from .metrics import (
    EndpointMetric,
    EndpointMetrics,
    M,
    MetricOptions,
    across_variants,
    only_variant,
)
from .variants import (
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_VARIANT_NAME,
    EndpointVariant,
    RoutingStrategy,
    VariantDefinition,
    create_model,
    id_suffix,
    production_variant,
)

if TYPE_CHECKING:
    # Imported where used: aws_ec2 costs about 110 ms to import and aws_cloudwatch about 30 ms
    # (measured after aws_sagemaker and aws_iam, which the hand-written L1 imports too); an app
    # without a VPC or metrics does not pay for them.
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_kms as kms

    from .data_capture import DataCapture
    from .scaling import ScalableInstanceCount

HOSTNAME_CONDITION_KEY = "sagemaker:TargetContainerHostname"
INVOKE_ACTION = "sagemaker:InvokeEndpoint"
_ROLE_ID = "Role"
"""The child id of the execution role the endpoint creates."""


class IMultiContainerEndpoint(cdk.IResource, Protocol):
    """A multi-container endpoint, created here (`MultiContainerEndpoint`) or imported
    (`MultiContainerEndpoint.from_endpoint_name` / `from_endpoint_arn`): grant invoke on it
    and read its metrics, in its own account and region."""

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name (a token when CloudFormation generates it)."""
        ...

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN."""
        ...

    @property
    def variant_name(self) -> str:
        """The production variant that the metrics are about."""
        ...

    def grant_invoke(
        self, grantee: iam.IGrantable, *, container_hostname: str | None = None
    ) -> iam.Grant:
        """Let `grantee` call `InvokeEndpoint` on this endpoint (on one container only, with
        `container_hostname`)."""
        ...

    def metric(self, metric_name: str, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Any `AWS/SageMaker` metric of this endpoint's variant."""
        ...

    def metric_invocations(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Requests sent to the endpoint."""
        ...

    def metric_invocation_4xx_errors(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Requests the model answered with a 4xx status."""
        ...

    def metric_invocation_5xx_errors(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Requests the model answered with a 5xx status."""
        ...

    def metric_invocations_per_instance(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Requests per instance."""
        ...

    def metric_model_latency(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Time the containers took to answer."""
        ...

    def metric_overhead_latency(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Time SageMaker added to each request."""
        ...

    def metric_cpu_utilization(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """CPU use of the instances."""
        ...

    def metric_memory_utilization(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Memory use of the instances."""
        ...

    def metric_disk_utilization(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """Disk use of the instances."""
        ...

    def metric_gpu_utilization(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """GPU use of the instances."""
        ...

    def metric_gpu_memory_utilization(self, **options: Unpack[MetricOptions]) -> EndpointMetric:
        """GPU memory use of the instances."""
        ...

    def metric_for_container(
        self, container_hostname: str, metric_name: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Any `AWS/SageMaker` metric of one container (Direct mode)."""
        ...

    def metric_container_invocations(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests sent to one container (Direct mode)."""
        ...

    def metric_container_invocation_4xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 4xx status (Direct mode)."""
        ...

    def metric_container_invocation_5xx_errors(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Requests one container answered with a 5xx status (Direct mode)."""
        ...

    def metric_container_latency(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Time one container took to answer (Direct mode)."""
        ...

    def metric_container_cpu_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """CPU use of one container (Direct mode)."""
        ...

    def metric_container_memory_utilization(
        self, container_hostname: str, **options: Unpack[MetricOptions]
    ) -> cloudwatch.Metric:
        """Memory use of one container (Direct mode)."""
        ...


class _EndpointBase(cdk.Resource, EndpointMetrics[M]):
    """What every multi-container endpoint offers, deployed by this app or imported: invoke
    grants and CloudWatch metrics. One implementation serves both."""

    _endpoint_name: str
    _endpoint_arn: str
    variant_name: str
    mode: InvocationMode | None = None
    """How the endpoint invokes its containers (None for an imported endpoint: not known)."""
    _container_hostnames: tuple[str, ...] | None = None

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name (a token when CloudFormation generates it)."""
        return self._endpoint_name

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN."""
        return self._endpoint_arn

    def grant_invoke(
        self, grantee: iam.IGrantable, *, container_hostname: str | None = None
    ) -> iam.Grant:
        """Let `grantee` call `InvokeEndpoint` on this endpoint.

        The grantee must be able to hold a policy (a role, a user, a group or a function);
        a principal that cannot (an account or a service principal) is refused.

        :param container_hostname: allow invoking only this container (Direct mode): the
            statement carries the `sagemaker:TargetContainerHostname` condition, compared
            case-insensitively as SageMaker compares hostnames. @default every container
        """
        conditions = None
        if container_hostname is not None:
            hostname, _ = self._locate_container(
                container_hostname, "grant_invoke.container_hostname", one_variant=False
            )
            conditions = {"StringEqualsIgnoreCase": {HOSTNAME_CONDITION_KEY: hostname}}
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=[INVOKE_ACTION],
            resource_arns=[self.endpoint_arn],
            conditions=conditions,
        )
        if not grant.success:
            report(
                self,
                [
                    Problem(
                        "grant_invoke.grantee",
                        f"{grantee.grant_principal} cannot hold a policy; grant to a role, a "
                        "user or a group, or allow the principal in a policy of its own",
                    )
                ],
            )
        return grant

    def _metric_scope(self) -> tuple[cdk.IResource, str, Sequence[str]]:
        return self, self.endpoint_name, (self.variant_name,)

    def _metric_target(
        self, container_hostname: str, *, serial_too: bool
    ) -> tuple[cdk.IResource, str, str, str]:
        hostname, variant_name = self._locate_container(
            container_hostname, "metric.container_hostname", one_variant=True, serial_too=serial_too
        )
        return self, self.endpoint_name, variant_name, hostname

    def _locate_container(
        self, hostname: str, where: str, *, one_variant: bool, serial_too: bool = False
    ) -> tuple[str, str]:
        """The container `hostname` names (its hostname as configured) and its variant;
        refused when it names none of this endpoint's Direct-mode containers (of any mode with
        `serial_too`; with `one_variant`, when it does not name a container of exactly one
        variant)."""
        report(
            self,
            check_container_hostname(
                hostname,
                where=where,
                mode=self.mode,
                hostnames=self._container_hostnames,
                serial_too=serial_too,
            ),
        )
        return _as_configured(hostname, self._container_hostnames or ()), self.variant_name


class _ImportedEndpoint(_EndpointBase["cloudwatch.Metric"]):
    """An endpoint deployed elsewhere, known by name and ARN (its account and region are
    those of the ARN)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        endpoint_name: str,
        endpoint_arn: str,
        variant_name: str,
        container_hostnames: Sequence[str] | None,
    ) -> None:
        super().__init__(scope, id, environment_from_arn=endpoint_arn)
        self._endpoint_name = endpoint_name
        self._endpoint_arn = endpoint_arn
        self.variant_name = variant_name
        self._container_hostnames = (
            None if container_hostnames is None else tuple(container_hostnames)
        )

    def _combine(
        self, owner: cdk.IResource, metrics: Mapping[str, cloudwatch.Metric], what: str
    ) -> cloudwatch.Metric:
        return only_variant(metrics)


@dataclass(frozen=True)
class _BoundContainers:
    """The containers as the model declares them, and what the execution role needs to read
    their images and model data."""

    definitions: list[sagemaker.CfnModel.ContainerDefinitionProperty]
    repository_arns: list[str]
    model_data: list[ModelDataAccess]
    sources: list[SourceResource]
    """The repositories and buckets of the app the role reads from (their resource policies
    must allow it when they are in another account)."""
    credentials_providers: list[str]
    """The Lambda functions that provide private registries' credentials."""


class MultiContainerEndpoint(_EndpointBase[EndpointMetric]):
    """A SageMaker multi-container endpoint: one model with up to 15 containers, invoked as a
    Serial inference pipeline or Directly by container hostname, its endpoint config and the
    endpoint.

    The settings are checked against the service's rules when the construct is created; every
    problem is raised at once as a `MceValidationError`. CloudFormation names the model and the
    endpoint config, so any change deploys as a new model and config and an in-place update of
    the endpoint, which is never replaced.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        containers: Sequence[ContainerDefinition] | None = None,
        mode: InvocationMode | None = None,
        instance_type: str | InstanceType | None = None,
        initial_instance_count: int | None = None,
        variants: Sequence[VariantDefinition] | None = None,
        endpoint_name: str | None = None,
        role: iam.IRole | None = None,
        variant_name: str | None = None,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        enable_network_isolation: bool = False,
        kms_key: kms.IKey | None = None,
        deployment: DeploymentConfig | None = None,
        data_capture: DataCapture | None = None,
        volume_size: cdk.Size | None = None,
        model_data_download_timeout: cdk.Duration | None = None,
        container_startup_health_check_timeout: cdk.Duration | None = None,
        routing_strategy: RoutingStrategy | None = None,
        enable_ssm_access: bool | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """
        :param containers: the containers, 1 to 15, in pipeline order for Serial mode (the
            single-variant form; give `variants` instead for several variants).
        :param mode: Serial (an inference pipeline) or Direct (invoke one container by
            hostname). @default InvocationMode.SERIAL
        :param instance_type: the production variant's instance type: a str from the service's
            list, or `InstanceType.of("ml....")` for a type the list does not know yet.
            @default "ml.m5.large"
        :param initial_instance_count: instances at creation. @default 1
        :param variants: 1 to 10 `VariantDefinition`s, each with a model of its own and a
            share of the traffic, instead of `containers`, `mode`, `instance_type`,
            `initial_instance_count`, `variant_name` and the variant settings below (which
            each `VariantDefinition` has). @default one variant made of the options above
        :param endpoint_name: the endpoint's name, used as is and never changed.
            @default a name generated by CloudFormation
        :param role: the execution role SageMaker assumes to pull images and read model data;
            a mutable role also receives the grants the containers need.
            @default a least-privilege role is created
        :param variant_name: the production variant's name (kept across updates, as
            deployment guardrails need). @default "AllTraffic"
        :param vpc: run the containers in this VPC. @default no VPC
        :param vpc_subnets: the subnets to use in `vpc`. @default the VPC's private subnets
        :param security_groups: 1 to 5 security groups for the containers in `vpc`.
            @default one security group is created
        :param enable_network_isolation: forbid the containers any outbound network call.
            @default False
        :param kms_key: key that encrypts the instances' storage volumes.
            @default the volumes are encrypted with an AWS managed key
        :param deployment: guardrails for later updates: `DeploymentConfig.blue_green(...)`
            or `DeploymentConfig.rolling(...)`, with rollback alarms that the execution role
            may then describe. Set on the endpoint only. @default SageMaker's default
            (blue/green, all at once, no auto-rollback)
        :param data_capture: capture a sample of the requests and responses to S3:
            `DataCapture.to_uri(...)` or `DataCapture.to_bucket(...)`; the execution role may
            write under that prefix. @default no data capture
        :param volume_size: the storage volume of each instance, 1 to 512 GiB.
            @default SageMaker's default for the instance type
        :param model_data_download_timeout: how long downloading the model data may take,
            60 to 3600 seconds. @default SageMaker's default
        :param container_startup_health_check_timeout: how long the containers may take to
            pass their health check, 60 to 3600 seconds. @default SageMaker's default
        :param routing_strategy: how requests are routed to the instances.
            @default SageMaker's default (random)
        :param enable_ssm_access: allow AWS Systems Manager sessions on the instances.
            @default False
        :param tags: tags for the models, the endpoint config, the endpoint and the role;
            changing them updates the resources in place. @default no tags
        """
        # A name of a wrong type is refused below, with the other problems.
        super().__init__(
            scope, id, physical_name=endpoint_name if isinstance(endpoint_name, str) else None
        )
        stack = cdk.Stack.of(self)
        facts = stack_facts(stack)
        objects = {
            "role": role,
            "vpc": vpc,
            "vpc_subnets": vpc_subnets,
            "security_groups": security_groups,
            "enable_network_isolation": enable_network_isolation,
            "kms_key": kms_key,
            "deployment": deployment,
            "data_capture": data_capture,
        }
        # The network is looked at only when its options have their types (else refused).
        in_vpc = vpc is not None and all(
            has_type(option, objects[option])
            for option in ("vpc", "vpc_subnets", "security_groups")
        )
        subnet_ids, subnet_error = (
            _subnet_ids(vpc, vpc_subnets) if vpc is not None and in_vpc else ([], None)
        )
        # The options of the single-variant form (each VariantDefinition has its own).
        single_variant_options: dict[str, Any] = {
            "containers": containers,
            "mode": mode,
            "instance_type": instance_type,
            "initial_instance_count": initial_instance_count,
            "variant_name": variant_name,
            "volume_size": volume_size,
            "model_data_download_timeout": model_data_download_timeout,
            "container_startup_health_check_timeout": container_startup_health_check_timeout,
            "routing_strategy": routing_strategy,
            "enable_ssm_access": enable_ssm_access,
        }
        spec = EndpointSpec(
            # The variant's fields, replaced by each variant's own (`for_variant`).
            containers=(),
            mode=InvocationMode.SERIAL,
            instance_type=DEFAULT_INSTANCE_TYPE,
            initial_instance_count=1,
            variant_name=DEFAULT_VARIANT_NAME,
            endpoint_name=endpoint_name,
            region=None if is_unresolved(facts.region) else facts.region,
            has_kms_key=kms_key is not None,
            # With no security group given, one is created.
            security_group_count=max(len(security_groups or ()), 1) if in_vpc else None,
            subnet_count=known_length(subnet_ids) if in_vpc and subnet_error is None else None,
            subnet_selection_error=subnet_error,
            vpc_options_without_vpc=()
            if vpc is not None
            else _given(vpc_subnets=vpc_subnets, security_groups=security_groups),
            deployment=deployment,
            tags=tags,
            objects=objects,
            data_capture=data_capture,
        )
        if variants is None:
            definitions: tuple[VariantDefinition, ...] = (
                _single_variant(**single_variant_options),
            )
            spec = spec.for_variant(definitions[0])
        else:
            definitions = _as_tuple(variants)
            spec = dataclasses.replace(
                spec,
                variants=definitions,
                single_variant_options=_given(**single_variant_options),
            )
        report(self, validate(spec))

        first = definitions[0]
        self.mode = first.mode if all(v.mode is first.mode for v in definitions) else None
        self.containers = first.containers
        self.variant_name = first.name
        self._container_hostnames = hostnames_of(first)
        self.role: iam.IRole = role or create_execution_role(self, _ROLE_ID)
        self._deployment = deployment
        role_arn = self.role.role_arn
        suffixes = [
            id_suffix(definition.name, index, single=variants is None)
            for index, definition in enumerate(definitions)
        ]
        bound = [
            self._bind_containers(definition.containers, suffix)
            for definition, suffix in zip(definitions, suffixes, strict=True)
        ]
        network = self._place_in_vpc(vpc, security_groups, subnet_ids)
        environment = Environment(aws_partition(), facts.region, facts.account)
        capture = data_capture._bind(environment) if data_capture is not None else None
        self.data_capture = data_capture
        """What the endpoint captures (None: nothing)."""
        statements = execution_statements(
            environment,
            endpoint_name=endpoint_name,
            repository_arns=[arn for each in bound for arn in each.repository_arns],
            model_data=[access for each in bound for access in each.model_data],
            network=network,
            credentials_provider_arns=[arn for each in bound for arn in each.credentials_providers],
            capture=None if capture is None else capture.access,
        )
        policy = attach_execution_policy(
            self, "ExecutionPolicy", self.role, statements, stack, role_is_created=role is None
        )
        sources = [source for each in bound for source in each.sources]
        allow_role_in_other_accounts(
            self.role, facts.account, [*sources, *(capture.sources if capture else ())]
        )
        self._execution_policy = policy
        node = self.node

        vpc_config = None
        if network is not None:
            vpc_config = sagemaker.CfnModel.VpcConfigProperty(
                security_group_ids=list(network.security_group_ids),
                subnets=list(network.subnet_ids),
            )
        self._variants: dict[str, EndpointVariant] = {}
        for definition, suffix, containers_of_variant in zip(
            definitions, suffixes, bound, strict=True
        ):
            model = create_model(
                self,
                f"Model{suffix}",
                role_arn=role_arn,
                containers=containers_of_variant.definitions,
                mode=definition.mode,
                vpc_config=vpc_config,
                enable_network_isolation=enable_network_isolation,
            )
            # The model is created after its role may read the images and the model data.
            model.node.add_dependency(policy)
            acknowledge_network_isolation(model, isolated=enable_network_isolation)
            self._variants[definition.name] = EndpointVariant(self, definition, model, suffix)
        self.model = self._variants[first.name].model
        """The model of the (first) variant; `variant(name).model` for each variant's."""
        self.model_name: str = self._variants[first.name].model_name

        # No names: CloudFormation generates them, and on any change of a create-only property
        # replaces the model (or config) under a new one. The config reads each model's name and
        # the endpoint the config's, so a replaced model replaces the config, and the endpoint
        # is updated in place to it (docs/updates.md).
        self.endpoint_config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            production_variants=[
                production_variant(variant.definition, variant.model_name)
                for variant in self._variants.values()
            ],
            kms_key_id=kms_key.key_arn if kms_key is not None else None,
            data_capture_config=None if capture is None else capture.config,
        )
        self.endpoint_config_name: str = self.endpoint_config.attr_endpoint_config_name
        """The endpoint config's name, generated by CloudFormation (a `Fn::GetAtt` token)."""

        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_config_name=self.endpoint_config_name,
            endpoint_name=endpoint_name,
        )
        self._spec = spec
        self._rollback_alarms: list[cloudwatch.IAlarm] = []
        self._deploy_with(deployment)
        node.default_child = self.endpoint
        self._given_name = endpoint_name

        for key, value in (tags or {}).items():
            cdk.Tags.of(self).add(key, value)

    def variant(self, name: str) -> EndpointVariant:
        """The production variant named `name`: its model, the autoscaling of its instance
        count and its metrics. A name that is not one of this endpoint's is refused."""
        report(self, check_variant_exists(name, list(self._variants)))
        return self._variants[name]

    @property
    def variants(self) -> tuple[EndpointVariant, ...]:
        """Every production variant, in the order given."""
        return tuple(self._variants.values())

    def add_rollback_alarm(self, alarm: cloudwatch.IAlarm) -> None:
        """Roll a later update back when `alarm` fires, like `rollback_alarms` of `deployment`,
        for an alarm made after the endpoint: one on its own metrics. Give the endpoint a fixed
        `endpoint_name` for that, otherwise the alarm (on the generated name) and the endpoint
        (which names the alarm) depend on each other. Without `deployment`, SageMaker's default
        blue/green deployment (all at once) gets the alarm."""
        deployment = self._deployment or DeploymentConfig.blue_green()
        self._deploy_with(
            dataclasses.replace(deployment, rollback_alarms=(*deployment.rollback_alarms, alarm))
        )

    def _deploy_with(self, deployment: DeploymentConfig | None) -> None:
        """Set the endpoint's deployment configuration, and let the execution role describe its
        rollback alarms (SageMaker reads them as that role while it updates the endpoint)."""
        if deployment is None:
            return
        report(self, check_rollback_alarms(dataclasses.replace(self._spec, deployment=deployment)))
        self._deployment = deployment
        self.endpoint.deployment_config = render_deployment(deployment)
        alarms = deployment.rollback_alarms
        if alarms and not self._rollback_alarms:
            # One string that resolves to the ARN, or to the list of ARNs: the statement then
            # reads as if it had been written with the alarms it has when the template is.
            arns = cdk.Token.as_string(cdk.Lazy.any(_AlarmArns(self._rollback_alarms)))
            for statement in rollback_alarm_statements([arns]):
                self._execution_policy.add_statements(
                    iam.PolicyStatement.from_json(statement.to_json())
                )
        self._rollback_alarms[:] = alarms

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The execution role, as the principal that other resources grant to (e.g. a bucket
        the containers read at run time)."""
        return self.role.grant_principal

    def add_to_role_policy(self, statement: iam.PolicyStatement) -> None:
        """Add `statement` to the execution role (to its default policy, not to the endpoint's
        own policy, whose cdk-nag acknowledgements stay limited to what the construct needs).
        Nothing is added to an immutable role."""
        self.role.add_to_principal_policy(statement)

    @property
    def connections(self) -> ec2.Connections:
        """The containers' security groups (`vpc` given): allow them into a database with
        `db.connections.allow_default_port_from(endpoint.connections)`."""
        if self._connections is None:
            report(
                self,
                [
                    Problem(
                        "connections",
                        "the endpoint is not in a VPC, so it has no security groups; "
                        "give vpc (and optionally security_groups) to connect it",
                    )
                ],
            )
        assert self._connections is not None  # report() raised otherwise
        return self._connections

    def auto_scale_instance_count(
        self, *, min_capacity: int = 1, max_capacity: int
    ) -> ScalableInstanceCount:
        """Let Application Auto Scaling set the variant's instance count; add a policy with
        `scale_on_invocations` or `scale_to_track_custom_metric` on the result. An endpoint
        with several variants scales each one with `variant(name).auto_scale_instance_count`.

        The endpoint then keeps its scaled count across deployments, and SageMaker refuses a
        change of `instance_type` until autoscaling is removed (see docs/operations.md).

        :param min_capacity: fewest instances. @default 1
        :param max_capacity: most instances.
        """
        report(self, check_one_variant_to_scale(list(self._variants)))
        return self._variants[self.variant_name].auto_scale_instance_count(
            min_capacity=min_capacity, max_capacity=max_capacity
        )

    def _metric_scope(self) -> tuple[cdk.IResource, str, Sequence[str]]:
        return self, self.endpoint_name, tuple(self._variants)

    def _combine(
        self, owner: cdk.IResource, metrics: Mapping[str, cloudwatch.Metric], what: str
    ) -> EndpointMetric:
        return across_variants(owner, metrics, what)

    def _locate_container(
        self, hostname: str, where: str, *, one_variant: bool, serial_too: bool = False
    ) -> tuple[str, str]:
        if len(self._variants) == 1:
            return super()._locate_container(
                hostname, where, one_variant=one_variant, serial_too=serial_too
            )
        definitions = [
            variant.definition
            for variant in self._variants.values()
            if serial_too or variant.mode is InvocationMode.DIRECT
        ]
        report(
            self,
            check_container_in_variants(
                hostname,
                where=where,
                variants=[variant.definition for variant in self._variants.values()],
                one_variant=one_variant,
                serial_too=serial_too,
            ),
        )
        owners = variants_with_container(hostname, definitions)
        if not owners:  # a token: no variant is known to have it
            return hostname, self.variant_name
        return _as_configured(hostname, hostnames_of(owners[0])), owners[0].name

    def _require_container_of(
        self, definition: VariantDefinition, hostname: str, where: str, *, serial_too: bool
    ) -> str:
        """The hostname (as configured) of the container of variant `definition` that
        `hostname` names; refused when it names none of that variant's containers (of a
        Direct-mode variant, unless `serial_too`)."""
        hostnames = hostnames_of(definition)
        report(
            self,
            check_container_hostname(
                hostname,
                where=where,
                mode=definition.mode,
                hostnames=hostnames,
                serial_too=serial_too,
            ),
        )
        return _as_configured(hostname, hostnames)

    @staticmethod
    def from_endpoint_name(
        scope: Construct,
        id: str,
        name: str,
        *,
        variant_name: str = DEFAULT_VARIANT_NAME,
        container_hostnames: Sequence[str] | None = None,
    ) -> IMultiContainerEndpoint:
        """An endpoint deployed elsewhere, named `name`, in this stack's account and region:
        grant invoke on it and read its metrics.

        :param variant_name: its production variant (for metrics). @default "AllTraffic"
        :param container_hostnames: its containers' hostnames (Direct mode); a per-container
            grant or metric must then name one of them. @default any valid hostname
        """
        problems = name_problems("name", name, "endpoint name")
        if problems:
            raise MceValidationError(f"{scope.node.path}/{id}", problems)
        return _ImportedEndpoint(
            scope,
            id,
            endpoint_name=name,
            endpoint_arn=_endpoint_arn(cdk.Stack.of(scope), name),
            variant_name=variant_name,
            container_hostnames=container_hostnames,
        )

    @staticmethod
    def from_endpoint_arn(
        scope: Construct,
        id: str,
        arn: str,
        *,
        variant_name: str = DEFAULT_VARIANT_NAME,
        container_hostnames: Sequence[str] | None = None,
    ) -> IMultiContainerEndpoint:
        """An endpoint deployed elsewhere, by its ARN `arn` (any account or region: grants and
        metrics use those of the ARN). Its name is read from the ARN, where SageMaker writes it
        in lower case: import an endpoint whose name has capitals with `from_endpoint_name` for
        its metrics to match.

        :param variant_name: its production variant (for metrics). @default "AllTraffic"
        :param container_hostnames: its containers' hostnames (Direct mode); a per-container
            grant or metric must then name one of them. @default any valid hostname
        """
        return _ImportedEndpoint(
            scope,
            id,
            endpoint_name=_endpoint_name_in(arn, f"{scope.node.path}/{id}"),
            endpoint_arn=arn,
            variant_name=variant_name,
            container_hostnames=container_hostnames,
        )

    def _bind_containers(
        self, containers: Sequence[ContainerDefinition], suffix: str
    ) -> _BoundContainers:
        """Bind each container's image and model data under this endpoint (the ids of a
        variant's end with `suffix`)."""
        bound = _BoundContainers([], [], [], [], [])
        for index, container in enumerate(containers):
            image = container.container_image._bind(self, f"Image{index}{suffix}")
            if image.repository_arn is not None:
                bound.repository_arns.append(image.repository_arn)
            bound.sources.extend(image.sources)
            image_config = None
            if image.through_vpc:
                provider = image.credentials_provider_arn
                image_config = sagemaker.CfnModel.ImageConfigProperty(
                    repository_access_mode="Vpc",
                    repository_auth_config=None
                    if provider is None
                    else sagemaker.CfnModel.RepositoryAuthConfigProperty(
                        repository_credentials_provider_arn=provider
                    ),
                )
                if provider is not None:
                    bound.credentials_providers.append(provider)
            model_data_url = model_data_source = None
            if container.model_data is not None:
                model_data = container.model_data._bind(self, f"ModelData{index}{suffix}")
                if model_data.prefix:
                    model_data_source = _prefix_source(model_data.url)
                else:
                    model_data_url = model_data.url
                if model_data.access is not None:
                    bound.model_data.append(model_data.access)
                bound.sources.extend(model_data.sources)
            environment = dict(container.environment)
            code = _source_code(container, environment)
            if code is not None:
                bound_code = code._bind(self, f"SourceCode{index}{suffix}")
                environment[SUBMIT_DIRECTORY] = bound_code.url
                if bound_code.access is not None:
                    bound.model_data.append(bound_code.access)
                bound.sources.extend(bound_code.sources)
            bound.definitions.append(
                sagemaker.CfnModel.ContainerDefinitionProperty(
                    image=image.uri,
                    image_config=image_config,
                    container_hostname=container.container_hostname,
                    model_data_url=model_data_url,
                    model_data_source=model_data_source,
                    environment=environment or None,
                )
            )
        return bound

    def _place_in_vpc(
        self,
        vpc: ec2.IVpc | None,
        security_groups: Sequence[ec2.ISecurityGroup] | None,
        subnet_ids: Sequence[str],
    ) -> Network | None:
        """The subnets and security groups of the containers (one group is created when none
        is given), or None outside a VPC."""
        self._connections: ec2.Connections | None = None
        if vpc is None:
            return None
        from aws_cdk import aws_ec2 as ec2

        groups = list(security_groups or ())
        if not groups:
            groups.append(ec2.SecurityGroup(self, "SecurityGroup", vpc=vpc))
            acknowledge_open_egress(groups[0])
        self._connections = ec2.Connections(security_groups=groups)
        return Network(
            subnet_ids=tuple(subnet_ids),
            security_group_ids=tuple(group.security_group_id for group in groups),
        )

    @functools.cached_property
    def endpoint_name(self) -> str:
        """The endpoint's name: the given `endpoint_name`, else a token of the name
        CloudFormation generates."""
        return self._given_name or self.endpoint.attr_endpoint_name

    @functools.cached_property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN: built from a given name without a reference to the endpoint (so
        that grants on it compose across stacks without a cycle), else its `Ref`."""
        if self._given_name is not None and not is_unresolved(self._given_name):
            return _endpoint_arn(self.stack, self._given_name)
        return self.endpoint.ref


@jsii.implements(cdk.IStableAnyProducer)
class _AlarmArns:
    """The ARNs of the rollback alarms, read when the template is written (alarms can be added
    after the endpoint): one ARN as a string, several as a list, as IAM writes them."""

    def __init__(self, alarms: Sequence[cloudwatch.IAlarm]) -> None:
        self._alarms = alarms

    def produce(self) -> str | list[str]:
        arns = list(dict.fromkeys(alarm.alarm_arn for alarm in self._alarms))
        return arns[0] if len(arns) == 1 else arns


def _endpoint_arn(stack: cdk.Stack, endpoint_name: str) -> str:
    """The ARN of the endpoint `endpoint_name` in `stack`'s account and region (SageMaker
    lower-cases the name in its ARNs; a token is used as it is)."""
    name = endpoint_name if is_unresolved(endpoint_name) else endpoint_name.lower()
    return stack.format_arn(service="sagemaker", resource="endpoint", resource_name=name)


def _endpoint_name_in(endpoint_arn: str, path: str) -> str:
    """The endpoint name in an endpoint ARN (lower-case, as SageMaker writes it); an ARN that
    is not a SageMaker endpoint's is refused."""
    if is_unresolved(endpoint_arn):
        name = cdk.Arn.split(endpoint_arn, cdk.ArnFormat.SLASH_RESOURCE_NAME).resource_name
        return name or endpoint_arn
    fields = endpoint_arn.split(":", 5) if isinstance(endpoint_arn, str) else []
    resource = fields[5].split("/", 1) if len(fields) == 6 else []
    if (
        len(resource) != 2
        or fields[0] != "arn"
        or fields[2] != "sagemaker"
        or resource[0] != "endpoint"
        or name_problems("arn", resource[1], "endpoint name")
    ):
        raise MceValidationError(
            path,
            [
                Problem(
                    "arn",
                    f"{endpoint_arn!r} is not the ARN of a SageMaker endpoint "
                    "(arn:<partition>:sagemaker:<region>:<account>:endpoint/<name>)",
                )
            ],
        )
    return resource[1]


def _single_variant(
    *,
    containers: Sequence[ContainerDefinition] | None,
    mode: InvocationMode | None,
    instance_type: str | InstanceType | None,
    initial_instance_count: int | None,
    variant_name: str | None,
    volume_size: cdk.Size | None,
    model_data_download_timeout: cdk.Duration | None,
    container_startup_health_check_timeout: cdk.Duration | None,
    routing_strategy: RoutingStrategy | None,
    enable_ssm_access: bool | None,
) -> VariantDefinition:
    """The variant of the single-variant form: the construct's options, with their defaults."""
    return VariantDefinition(
        name=DEFAULT_VARIANT_NAME if variant_name is None else variant_name,
        containers=() if containers is None else containers,
        mode=InvocationMode.SERIAL if mode is None else mode,
        instance_type=DEFAULT_INSTANCE_TYPE if instance_type is None else instance_type,
        initial_instance_count=1 if initial_instance_count is None else initial_instance_count,
        volume_size=volume_size,
        model_data_download_timeout=model_data_download_timeout,
        container_startup_health_check_timeout=container_startup_health_check_timeout,
        routing_strategy=routing_strategy,
        enable_ssm_access=False if enable_ssm_access is None else enable_ssm_access,
    )


def _as_tuple(variants: Sequence[VariantDefinition]) -> tuple[VariantDefinition, ...]:
    """The variants as given (a single value of another type is kept, for validation to name)."""
    if isinstance(variants, Sequence) and not isinstance(variants, str):
        return tuple(variants)
    return (variants,)


def _as_configured(hostname: str, hostnames: Sequence[str]) -> str:
    """`hostname` as it was configured (hostnames are compared case-insensitively)."""
    for known in hostnames:
        if known.lower() == hostname.lower():
            return known
    return hostname


def _source_code(
    container: ContainerDefinition, environment: Mapping[str, str]
) -> ModelData | None:
    """The script-mode code a container downloads at start-up: its `source_code`, or an `s3://`
    URL literally set as `SAGEMAKER_SUBMIT_DIRECTORY` (read like model data)."""
    if container.source_code is not None:
        return container.source_code
    submitted = environment.get(SUBMIT_DIRECTORY)
    if isinstance(submitted, str) and submitted.startswith("s3://"):
        return ModelData.from_uri(submitted)
    return None


def _prefix_source(uri: str) -> sagemaker.CfnModel.ModelDataSourceProperty:
    """Uncompressed model data: every object under the key prefix `uri`, copied as it is."""
    return sagemaker.CfnModel.ModelDataSourceProperty(
        s3_data_source=sagemaker.CfnModel.S3DataSourceProperty(
            s3_uri=uri, s3_data_type="S3Prefix", compression_type="None"
        )
    )


def _given(**options: object) -> tuple[str, ...]:
    """The names of the options that are not None."""
    return tuple(name for name, value in options.items() if value is not None)


def _subnet_ids(
    vpc: ec2.IVpc, selection: ec2.SubnetSelection | None
) -> tuple[list[str], str | None]:
    """The IDs of the subnets `selection` picks in `vpc` (its default selection when None), or
    what CDK says when it finds none of them (for the validation to report)."""
    try:
        if selection is None:
            return vpc.select_subnets().subnet_ids, None
        return vpc.select_subnets(
            availability_zones=selection.availability_zones,
            one_per_az=selection.one_per_az,
            subnet_filters=selection.subnet_filters,
            subnet_group_name=selection.subnet_group_name,
            subnets=selection.subnets,
            subnet_type=selection.subnet_type,
        ).subnet_ids, None
    except RuntimeError as error:  # jsii raises CDK's errors as RuntimeError
        return [], str(error).splitlines()[0]
