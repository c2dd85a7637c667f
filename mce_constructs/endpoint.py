"""`MultiContainerEndpoint`: several containers behind one SageMaker endpoint, and
`IMultiContainerEndpoint`, what it and an imported endpoint offer (invoke grants, metrics).

The constructor reads top to bottom: the single-variant form becomes one `VariantDefinition`;
what was given is checked (types first, then the service's rules, `rules/`); the images, model
data and data capture are bound; the execution role gets its policy; then the models, the
endpoint config and the endpoint are created.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IValidation

from ._network import Subnets, place_in_vpc, required_connections, select_subnets, vpc_config
from ._permissions import Environment, Network, rollback_alarm_statements
from ._role import create_execution_role, grant_execution
from ._tokens import aws_partition, is_unresolved, known_length, stack_facts
from .container import BoundContainer, ContainerDefinition, InvocationMode, bind_container
from .data_capture import BoundCapture, DataCapture
from .deployment import DeploymentConfig
from .errors import MceValidationError, Problem, report
from .instance_type import InstanceType
from .metrics import (
    EndpointMetric,
    EndpointMetrics,
    M_co,
    ResourceWithMetrics,
    across_variants,
    only_variant,
)
from .model import MultiContainerModel, create_model
from .rules import arguments
from .rules.containers import check_model
from .rules.data_capture import check_data_capture, check_data_capture_in_direct_mode
from .rules.deployment import check_deployment, check_rollback_alarms, check_sizes_of_fleets
from .rules.instance_types import check_kms_key_storage
from .rules.location import ROOT
from .rules.lookups import (
    VariantContainers,
    as_configured,
    check_container_hostname,
    check_container_in_variants,
    check_one_variant_to_scale,
    check_variant_exists,
    variants_with_container,
)
from .rules.names import (
    check_endpoint_name,
    check_endpoint_name_unique,
    check_name,
    is_valid_name,
)
from .rules.network import NetworkSettings, check_vpc
from .rules.tags import check_tags
from .rules.values import is_whole_number, shown
from .rules.variants import check_variant, check_variants
from .variants import (
    DEFAULT_VARIANT_NAME,
    EndpointVariant,
    RoutingStrategy,
    VariantDefinition,
    check_variant_definition,
    hostnames_of,
    id_suffix,
    own_model_settings,
    production_variant,
    variant_location,
    variant_settings,
)

if TYPE_CHECKING:
    # Imported where used: an app without a VPC or metrics does not pay for aws_ec2 and
    # aws_cloudwatch (docs/benchmarks.md).
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_kms as kms

    from .scaling import ScalableInstanceCount

HOSTNAME_CONDITION_KEY = "sagemaker:TargetContainerHostname"
INVOKE_ACTION = "sagemaker:InvokeEndpoint"
_ROLE_ID = "Role"
"""The child id of the execution role the endpoint creates."""


class IMultiContainerEndpoint(cdk.IResource, EndpointMetrics[EndpointMetric], Protocol):
    """A multi-container endpoint, created here (`MultiContainerEndpoint`) or imported
    (`MultiContainerEndpoint.from_endpoint_name` / `from_endpoint_arn`): grant invoke on it
    and read its metrics (`EndpointMetrics`), in its own account and region."""

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


class _EndpointBase(ResourceWithMetrics[M_co]):
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
        where = ROOT.field("grant_invoke").field("grantee")
        report(self, arguments.check_type(grantee, arguments.GRANTABLE, where))
        conditions = None
        if container_hostname is not None:
            hostname, _ = self._locate_container(
                container_hostname, "grant_invoke", one_variant=False
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
                    ROOT.field("grant_invoke")
                    .field("grantee")
                    .problem(
                        f"{shown(grantee.grant_principal)} cannot hold a policy; grant to a role, "
                        "a user or a group, or allow the principal in a policy of its own",
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
            container_hostname, "metric", one_variant=True, serial_too=serial_too
        )
        return self, self.endpoint_name, variant_name, hostname

    def _locate_container(
        self, hostname: str, method: str, *, one_variant: bool, serial_too: bool = False
    ) -> tuple[str, str]:
        """The container `hostname` names (its hostname as configured) and its variant;
        refused when it names none of this endpoint's Direct-mode containers (of any mode with
        `serial_too`; with `one_variant`, when it does not name a container of exactly one
        variant)."""
        direct = None if self.mode is None else self.mode is InvocationMode.DIRECT
        report(
            self,
            check_container_hostname(
                hostname,
                ROOT.field(method).field("container_hostname"),
                direct=direct,
                hostnames=self._container_hostnames,
                serial_too=serial_too,
            ),
        )
        return as_configured(hostname, self._container_hostnames or ()), self.variant_name


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
        :param variants: 1 to 10 `VariantDefinition`s, each with a model of its own (or a
            shared `MultiContainerModel`) and a share of the traffic, instead of `containers`,
            `mode`, `instance_type`, `initial_instance_count`, `variant_name` and the variant
            settings below (which each `VariantDefinition` has). @default one variant made of
            the options above
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
        # Normalize: the single-variant form is one VariantDefinition (which has the defaults).
        single_form = {
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
        self._single = variants is None
        definitions = _single_variant(**single_form) if variants is None else _as_tuple(variants)
        options = _Options(
            endpoint_name=endpoint_name,
            role=role,
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            security_groups=security_groups,
            enable_network_isolation=enable_network_isolation,
            kms_key=kms_key,
            deployment=deployment,
            data_capture=data_capture,
            tags=tags,
            single_form_given=() if variants is None else _given(**single_form),
        )
        # Validate: the types, then the rules; nothing is created when one is broken.
        stack = cdk.Stack.of(self)
        facts = stack_facts(stack)
        subnets = select_subnets(vpc, vpc_subnets) if vpc and options.in_vpc else Subnets()
        names = facts.endpoint_names
        given_name = endpoint_name if isinstance(endpoint_name, str) else None
        report(
            self,
            [
                *_problems(definitions, options, subnets, facts.region, single=self._single),
                *check_endpoint_name_unique(given_name, names, ROOT),
            ],
        )
        if given_name is not None and not is_unresolved(given_name):
            names[given_name.lower()] = self.node.path
        # Bind the sources, then what the execution role may do with them.
        self._given_name = endpoint_name
        self.data_capture = data_capture
        """What the endpoint captures (None: nothing)."""
        shared = _shared_models(definitions)
        # A role of the endpoint's own for its own models; with only shared models, the first
        # one's, which the endpoint's policy (its logs, capture and alarms) is attached to.
        own_models = any(
            not isinstance(d, VariantDefinition) or d.model is None for d in definitions
        )
        owns_a_role = role is None and (own_models or not shared)
        self.role: iam.IRole = role or (
            create_execution_role(self, _ROLE_ID) if owns_a_role else shared[0].role
        )
        bound = self._bind(definitions)
        network, self._connections = place_in_vpc(self, vpc, security_groups, subnets.ids)
        environment = Environment(aws_partition(), facts.region, facts.account)
        capture = None if data_capture is None else data_capture.bind(environment)
        self._execution_policy = grant_execution(
            self,
            self.role,
            [container for variant in bound for container in variant],
            environment,
            endpoint_name=self._given_name,
            network=network,
            capture=capture,
            created_role=owns_a_role,
            stack=stack,
        )
        for shared_model in shared:
            if shared_model.role is not self.role:
                self._execution_policy.attach_to_role(shared_model.role)
        # The resources: a model per variant, the endpoint config, the endpoint.
        models = self._create_models(definitions, bound, network, enable_network_isolation)
        self._create_endpoint_config(definitions, models, kms_key, capture)
        self._create_endpoint(endpoint_name, deployment)
        if shared:
            # A shared model's role may write the endpoint's logs and capture before it runs.
            self.endpoint.node.add_dependency(self._execution_policy)
        self._create_variants(definitions, models)
        for key, value in (tags or {}).items():
            cdk.Tags.of(self).add(key, value)

    def _bind(self, definitions: Sequence[VariantDefinition]) -> list[list[BoundContainer]]:
        """Bind every variant's containers (their images and model data) under this endpoint,
        and keep what the first variant's metrics and grants need."""
        first = definitions[0]
        self.mode = first.mode if all(d.mode is first.mode for d in definitions) else None
        self.containers = first.containers
        self.variant_name = first.name
        self._container_hostnames = hostnames_of(first)
        self._suffixes = [
            id_suffix(definition.name, index, single=self._single)
            for index, definition in enumerate(definitions)
        ]
        return [
            []
            if definition.model is not None  # bound by the model
            else [
                bind_container(container, self, f"{index}{suffix}")
                for index, container in enumerate(definition.containers)
            ]
            for definition, suffix in zip(definitions, self._suffixes, strict=True)
        ]

    def _create_models(
        self,
        definitions: Sequence[VariantDefinition],
        bound: Sequence[Sequence[BoundContainer]],
        network: Network | None,
        enable_network_isolation: bool,
    ) -> list[sagemaker.CfnModel]:
        """A model per variant, created after its role may read the images and model data (a
        variant that serves a `MultiContainerModel` serves its model)."""
        models = []
        for definition, suffix, containers in zip(definitions, self._suffixes, bound, strict=True):
            if definition.model is not None:
                models.append(definition.model.model)
                continue
            model = create_model(
                self,
                f"Model{suffix}",
                role_arn=self.role.role_arn,
                containers=[container.definition for container in containers],
                mode=definition.mode,
                vpc_config=vpc_config(network),
                enable_network_isolation=enable_network_isolation,
            )
            model.node.add_dependency(self._execution_policy)
            models.append(model)
        self.model = models[0]
        """The model of the (first) variant; `variant(name).model` for each variant's."""
        return models

    def _create_endpoint_config(
        self,
        definitions: Sequence[VariantDefinition],
        models: Sequence[sagemaker.CfnModel],
        kms_key: kms.IKey | None,
        capture: BoundCapture | None,
    ) -> None:
        """The endpoint config, with no name: CloudFormation generates one, and on any change
        of a create-only property replaces the config (or a model) under a new one. The config
        reads each model's name and the endpoint the config's, so a replaced model replaces
        the config, and the endpoint is updated in place to it (docs/updates.md)."""
        self.endpoint_config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            production_variants=[
                production_variant(definition, model.attr_model_name)
                for definition, model in zip(definitions, models, strict=True)
            ],
            kms_key_id=kms_key.key_arn if kms_key is not None else None,
            data_capture_config=None if capture is None else capture.config,
        )
        self.endpoint_config_name: str = self.endpoint_config.attr_endpoint_config_name
        """The endpoint config's name, generated by CloudFormation (a `Fn::GetAtt` token)."""

    def _create_endpoint(
        self, endpoint_name: str | None, deployment: DeploymentConfig | None
    ) -> None:
        """The endpoint, reading the config's name; its deployment guardrails."""
        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_config_name=self.endpoint_config_name,
            endpoint_name=endpoint_name,
        )
        self._deployment = deployment
        self._rollback_alarms: list[cloudwatch.IAlarm] = []
        self._fleet_sizes_checked = False
        self._deploy_with(deployment)
        self.node.default_child = self.endpoint

    def _create_variants(
        self, definitions: Sequence[VariantDefinition], models: Sequence[sagemaker.CfnModel]
    ) -> None:
        """What `variant(name)` returns for each variant: its model, scaling and metrics."""
        created: list[EndpointVariant] = []
        for definition, model, suffix in zip(definitions, models, self._suffixes, strict=True):
            created.append(
                EndpointVariant(
                    self,
                    definition,
                    model,
                    suffix,
                    endpoint=self.endpoint,
                    endpoint_name=self.endpoint_name,
                    siblings=created,
                    captures_data=self.data_capture is not None,
                    fixed_endpoint_name=self._given_name is not None,
                )
            )
        self._variants = {variant.variant_name: variant for variant in created}

    def variant(self, name: str) -> EndpointVariant:
        """The production variant named `name`: its model, the autoscaling of its instance
        count and its metrics. A name that is not one of this endpoint's is refused."""
        report(self, check_variant_exists(name, list(self._variants), ROOT.field("variant")))
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
        where = ROOT.field("add_rollback_alarm").field("alarm")
        report(self, arguments.check_type(alarm, arguments.ALARM, where))
        deployment = self._deployment or DeploymentConfig.blue_green()
        self._deploy_with(
            dataclasses.replace(deployment, rollback_alarms=(*deployment.rollback_alarms, alarm))
        )

    def _deploy_with(self, deployment: DeploymentConfig | None) -> None:
        """Set the endpoint's deployment configuration, and let the execution role describe its
        rollback alarms (SageMaker reads them as that role while it updates the endpoint)."""
        if deployment is None:
            return
        alarm_count = len(deployment.rollback_alarms)
        report(self, check_rollback_alarms(alarm_count, ROOT.field("DeploymentConfig")))
        self._deployment = deployment
        self.endpoint.deployment_config = deployment.render()
        if not self._fleet_sizes_checked:
            # Sizes in instances are checked at synthesis, once autoscaling is known.
            self.node.add_validation(_FleetSizes(self))
            self._fleet_sizes_checked = True
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
        `db.connections.allow_default_port_from(endpoint.connections)`. Without `vpc` the
        endpoint has no security groups: refused."""
        return required_connections(self, self._connections, "the endpoint")

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
        where = ROOT.field("auto_scale_instance_count")
        report(self, check_one_variant_to_scale(list(self._variants), where))
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
        self, hostname: str, method: str, *, one_variant: bool, serial_too: bool = False
    ) -> tuple[str, str]:
        if len(self._variants) == 1:
            return super()._locate_container(
                hostname, method, one_variant=one_variant, serial_too=serial_too
            )
        variants = [
            VariantContainers(
                variant.variant_name,
                variant.mode is InvocationMode.DIRECT,
                hostnames_of(variant.definition),
            )
            for variant in self._variants.values()
        ]
        where = ROOT.field(method).field("container_hostname")
        report(
            self,
            check_container_in_variants(
                hostname, where, variants=variants, one_variant=one_variant, serial_too=serial_too
            ),
        )
        named = [variant for variant in variants if serial_too or variant.direct]
        owners = variants_with_container(hostname, named)
        if not owners:  # a token: no variant is known to have it
            return hostname, self.variant_name
        return as_configured(hostname, owners[0].hostnames), owners[0].name

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
        where = ROOT.field("name")
        problems = arguments.check_type(name, arguments.TEXT, where)
        problems = problems or check_name(name, where, "endpoint name")
        problems += _import_problems(variant_name, container_hostnames)
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
        problems = _import_problems(variant_name, container_hostnames)
        if problems:
            raise MceValidationError(f"{scope.node.path}/{id}", problems)
        return _ImportedEndpoint(
            scope,
            id,
            endpoint_name=_endpoint_name_in(arn, f"{scope.node.path}/{id}"),
            endpoint_arn=arn,
            variant_name=variant_name,
            container_hostnames=container_hostnames,
        )

    @functools.cached_property
    def model_name(self) -> str:
        """The name of the (first) variant's model, generated by CloudFormation (a
        `Fn::GetAtt` token); `variant(name).model_name` for each variant's."""
        return self.model.attr_model_name

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


@dataclass(frozen=True, kw_only=True)
class _Options:
    """The endpoint's own options (not a variant's), as given, for the checks."""

    endpoint_name: object
    role: object
    vpc: object
    vpc_subnets: object
    security_groups: object
    enable_network_isolation: object
    kms_key: object
    deployment: object
    data_capture: object
    tags: object
    single_form_given: tuple[str, ...]
    """The single-variant options given beside `variants` (refused)."""

    @functools.cached_property
    def in_vpc(self) -> bool:
        """Whether the model is in a VPC (given with its options of the right types)."""
        return self.vpc is not None and not any(
            arguments.check_optional(value, expected, ROOT)
            for value, expected in (
                (self.vpc, arguments.VPC),
                (self.vpc_subnets, arguments.SUBNET_SELECTION),
                (self.security_groups, arguments.SECURITY_GROUPS),
            )
        )


_OPTION_TYPES: dict[str, arguments.Type] = {
    "role": arguments.ROLE,
    "vpc": arguments.VPC,
    "vpc_subnets": arguments.SUBNET_SELECTION,
    "security_groups": arguments.SECURITY_GROUPS,
    "kms_key": arguments.KMS_KEY,
    "deployment": arguments.instance_of(DeploymentConfig, "a DeploymentConfig"),
    "data_capture": arguments.instance_of(DataCapture, "a DataCapture"),
}
"""What each optional object the endpoint takes must be (None is its default)."""


def _argument_problems(
    definitions: Sequence[object], options: _Options, subnets: Subnets, *, single: bool
) -> list[Problem]:
    """The types of everything given, and the options that make sense only together."""
    problems = []
    if options.endpoint_name is not None:
        problems += arguments.check_type(
            options.endpoint_name, arguments.TEXT, ROOT.field("EndpointName")
        )
    for name, expected in _OPTION_TYPES.items():
        problems += arguments.check_optional(getattr(options, name), expected, ROOT.field(name))
    problems += arguments.check_type(
        options.enable_network_isolation, arguments.FLAG, ROOT.field("enable_network_isolation")
    )
    if options.vpc is None:
        given = _given(vpc_subnets=options.vpc_subnets, security_groups=options.security_groups)
        problems += arguments.check_given_without_vpc(given, ROOT)
    problems += arguments.check_subnet_selection(subnets.error, ROOT)
    if definitions and all(
        isinstance(d, VariantDefinition) and d.model is not None for d in definitions
    ):
        given = _given(vpc=options.vpc, enable_network_isolation=options.enable_network_isolation)
        problems += arguments.check_model_options_without_own_model(
            [name for name in given if getattr(options, name) is not False], ROOT
        )
    problems += arguments.check_single_variant_options(options.single_form_given, ROOT)
    for index, definition in enumerate(definitions):
        if not isinstance(definition, VariantDefinition):
            where = ROOT.field("ProductionVariants").index(index)
            problems.append(where.problem(f"{shown(definition)} is not a VariantDefinition"))
            continue
        problems += check_variant_definition(
            definition, variant_location(index, definition, single=single)
        )
    if isinstance(options.data_capture, DataCapture):
        problems += options.data_capture.problems(ROOT)
    if isinstance(options.deployment, DeploymentConfig):
        problems += options.deployment.problems(ROOT.field("DeploymentConfig"))
    if options.tags is not None:
        problems += arguments.check_text_mapping(
            options.tags,
            ROOT.field("Tags"),
            lambda at, key: at.problem(f"the key {shown(key)} is not a str"),
        )
    return problems


def _rule_problems(
    definitions: Sequence[object],
    options: _Options,
    subnets: Subnets,
    region: str,
    *,
    single: bool,
) -> list[Problem]:
    """The service's rules, on what was given with the right types: each variant's model and
    settings, then the endpoint config's and the endpoint's."""
    problems = []
    variants = [
        variant_settings(d) if isinstance(d, VariantDefinition) else None for d in definitions
    ]
    for index, definition in enumerate(definitions):
        if not isinstance(definition, VariantDefinition):
            continue
        where = variant_location(index, definition, single=single)
        model = own_model_settings(definition, in_vpc=options.in_vpc)
        if model is not None:
            problems += check_model(model, None if is_unresolved(region) else region, where)
        settings = variants[index]
        if settings is not None:
            problems += check_variant(settings, where)
    name = options.endpoint_name
    problems += check_endpoint_name(name if isinstance(name, str) else None, ROOT)
    problems += check_variants(variants, ROOT)
    problems += check_kms_key_storage(
        [variant.instance_type for variant in variants if variant is not None],
        options.kms_key is not None,
        ROOT,
    )
    if isinstance(options.data_capture, DataCapture):
        problems += check_data_capture(options.data_capture.settings(), ROOT)
        problems += check_data_capture_in_direct_mode(variants, ROOT)
    if options.in_vpc and subnets.error is None:
        # With no security group given, one is created.
        groups = options.security_groups
        network = NetworkSettings(
            security_group_count=max(len(groups), 1) if isinstance(groups, Sequence) else 1,
            subnet_count=known_length(subnets.ids),
        )
        problems += check_vpc(network, ROOT)
    deployment = options.deployment
    if isinstance(deployment, DeploymentConfig) and not deployment.problems(ROOT):
        problems += check_deployment(
            deployment.settings(),
            len(definitions),
            ROOT,
            [variant.instance_type for variant in variants if variant is not None],
        )
    if options.tags is not None:
        problems += check_tags(arguments.known_text_mapping(options.tags), ROOT)
    return problems


def _problems(
    definitions: Sequence[object],
    options: _Options,
    subnets: Subnets,
    region: str,
    *,
    single: bool,
) -> list[Problem]:
    """Everything wrong with what the endpoint was given, in a stable order: the types first;
    the rules read only the values of the right type."""
    return [
        *_argument_problems(definitions, options, subnets, single=single),
        *_rule_problems(definitions, options, subnets, region, single=single),
    ]


@jsii.implements(IValidation)
class _FleetSizes:
    """A deployment's sizes in instances, checked when the app is synthesized, against the
    instance count of each variant that is not autoscaled then (autoscaling is added after the
    endpoint, and a scaled variant's count is the one Application Auto Scaling sets). The
    problems read as a `MceValidationError`'s; CDK raises them from `synth`."""

    def __init__(self, endpoint: MultiContainerEndpoint) -> None:
        self._endpoint = endpoint

    def validate(self) -> list[str]:
        endpoint = self._endpoint
        deployment = endpoint._deployment
        if deployment is None or deployment.problems(ROOT):
            return []
        counts = [
            count
            for variant in endpoint.variants
            if variant.scaling is None
            and is_whole_number(count := variant.definition.initial_instance_count)
            and not is_unresolved(count)
        ]
        problems = check_sizes_of_fleets(deployment.settings(), counts, ROOT)
        return [str(MceValidationError(endpoint.node.path, problems))] if problems else []


@jsii.implements(cdk.IStableAnyProducer)
class _AlarmArns:
    """The ARNs of the rollback alarms, read when the template is written (alarms can be added
    after the endpoint): one ARN as a string, several as a list, as IAM writes them."""

    def __init__(self, alarms: Sequence[cloudwatch.IAlarm]) -> None:
        self._alarms = alarms

    def produce(self) -> str | list[str]:
        arns = list(dict.fromkeys(alarm.alarm_arn for alarm in self._alarms))
        return arns[0] if len(arns) == 1 else arns


def _import_problems(variant_name: object, container_hostnames: object) -> list[Problem]:
    """What an imported endpoint is told of itself: a variant name and, when given, a list of
    valid hostnames."""
    where = ROOT.field("variant_name")
    problems = arguments.check_type(variant_name, arguments.TEXT, where)
    if not problems:
        problems += check_name(cast(str, variant_name), where, "variant name")
    if container_hostnames is None:
        return problems
    at = ROOT.field("container_hostnames")
    problems += arguments.check_items(container_hostnames, arguments.TEXT, at)
    if problems:
        return problems
    hostnames = cast(Sequence[str], container_hostnames)
    return [
        problem
        for index, hostname in enumerate(hostnames)
        for problem in check_name(hostname, at.index(index), "hostname")
    ]


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
        or not is_valid_name(resource[1])
    ):
        raise MceValidationError(
            path,
            [
                ROOT.field("arn").problem(
                    f"{shown(endpoint_arn)} is not the ARN of a SageMaker endpoint "
                    "(arn:<partition>:sagemaker:<region>:<account>:endpoint/<name>)",
                )
            ],
        )
    return resource[1]


def _single_variant(**options: object) -> tuple[VariantDefinition, ...]:
    """The variant of the single-variant form: the options given (`variant_name` is its name,
    `containers` none when not given); `VariantDefinition` has the defaults of the others."""
    given = {name: value for name, value in options.items() if value is not None}
    name = given.pop("variant_name", DEFAULT_VARIANT_NAME)
    containers = given.pop("containers", ())
    return (VariantDefinition(name=name, containers=containers, **given),)  # type: ignore[arg-type]


def _shared_models(definitions: Sequence[object]) -> list[MultiContainerModel]:
    """The `MultiContainerModel`s the variants serve, each once, in order."""
    models = [
        definition.model
        for definition in definitions
        if isinstance(definition, VariantDefinition)
        and isinstance(definition.model, MultiContainerModel)
    ]
    return list(dict.fromkeys(models))


def _as_tuple(variants: Sequence[VariantDefinition]) -> tuple[VariantDefinition, ...]:
    """The variants as given (a single value of another type is kept, for validation to name)."""
    if isinstance(variants, Sequence) and not isinstance(variants, str):
        return tuple(variants)
    return (variants,)


def _given(**options: object) -> tuple[str, ...]:
    """The names of the options that are not None."""
    return tuple(name for name, value in options.items() if value is not None)
