"""The namer renders the model's and the config's properties in Python (no round trip to jsii)
to compute their names: the rendering must be exactly the one jsii writes to the template.

The sweep checks the same on every configuration it draws (`check_names_hash_what_jsii_renders`);
these tests pin every field of both resources, the spellings and the fallback to jsii.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from app import build_app
from mce_constructs import _naming
from mce_constructs._naming import (
    CFN_SPELLINGS,
    MODEL,
    ContentNamer,
    template_properties,
)

from . import test_naming_values, test_variants
from .conftest import Template, rendered_by_jsii, resource_schema

RESOURCES = {
    "AWS::SageMaker::Model": sagemaker.CfnModel,
    "AWS::SageMaker::EndpointConfig": sagemaker.CfnEndpointConfig,
}


def _property_names(schema: Any) -> Iterator[str]:
    """Every property name of a schema, nested definitions included."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                yield from value
            yield from _property_names(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _property_names(item)


def _jsii_names(resource_class: type) -> set[str]:
    """The jsii names of the properties of a resource's props and of its nested structs."""
    props = getattr(sagemaker, f"{resource_class.__name__}Props")
    structs = [props, *(value for value in vars(resource_class).values() if inspect.isclass(value))]
    return {
        name for struct in structs for name in getattr(struct, "__jsii_name_mapping__", {}).values()
    }


@pytest.mark.parametrize("resource_type", sorted(RESOURCES))
def test_every_property_is_spelled_as_the_schema_spells_it(resource_type: str) -> None:
    schema_names = set(_property_names(resource_schema(resource_type)))
    by_lower_case = {name.lower(): name for name in schema_names}
    jsii_names = _jsii_names(RESOURCES[resource_type])
    # A property CDK still has and the schema dropped (none can be set by this construct).
    unknown = {name for name in jsii_names if name.lower() not in by_lower_case}
    assert unknown <= {"acceleratorType"}
    spelled = {name: _naming._cfn_spelling(name) for name in jsii_names - unknown}
    assert spelled == {name: by_lower_case[name.lower()] for name in spelled}


def test_each_exceptional_spelling_is_needed() -> None:
    jsii_names = set().union(*map(_jsii_names, RESOURCES.values()))
    assert set(CFN_SPELLINGS) <= jsii_names
    assert all(name[0].upper() + name[1:] != cfn for name, cfn in CFN_SPELLINGS.items())


def _tokens(stack: cdk.Stack) -> dict[str, Any]:
    return {
        "string": cdk.Fn.import_value("Shared"),
        "number": cdk.Token.as_number(cdk.Fn.import_value("Count")),
        "list": cdk.Fn.split(",", cdk.Fn.import_value("Subnets")),
        "arn": f"arn:{stack.partition}:iam::{stack.account}:role/r",
    }


def _model_props(tokens: dict[str, Any]) -> sagemaker.CfnModelProps:
    container = sagemaker.CfnModel.ContainerDefinitionProperty
    return sagemaker.CfnModelProps(
        execution_role_arn=tokens["arn"],
        containers=[
            container(
                container_hostname="a",
                image=tokens["string"],
                environment={"K": "v", "camelCase": "kept", "T": tokens["string"]},
                model_data_url="s3://b/k/model.tar.gz",
                image_config=sagemaker.CfnModel.ImageConfigProperty(
                    repository_access_mode="Vpc",
                    repository_auth_config=sagemaker.CfnModel.RepositoryAuthConfigProperty(
                        repository_credentials_provider_arn="arn:aws:lambda:us-east-1:1:function:f"
                    ),
                ),
            ),
            container(
                container_hostname="b",
                image="i:1",
                model_data_source=sagemaker.CfnModel.ModelDataSourceProperty(
                    s3_data_source=sagemaker.CfnModel.S3DataSourceProperty(
                        s3_uri="s3://b/p/", s3_data_type="S3Prefix", compression_type="None"
                    )
                ),
            ),
        ],
        inference_execution_config=sagemaker.CfnModel.InferenceExecutionConfigProperty(
            mode="Direct"
        ),
        vpc_config=sagemaker.CfnModel.VpcConfigProperty(
            security_group_ids=["sg-1"], subnets=tokens["list"]
        ),
        enable_network_isolation=True,
    )


def _config_props(tokens: dict[str, Any]) -> sagemaker.CfnEndpointConfigProps:
    variant = sagemaker.CfnEndpointConfig.ProductionVariantProperty
    return sagemaker.CfnEndpointConfigProps(
        production_variants=[
            variant(
                variant_name="a",
                model_name="m-1",
                instance_type="ml.m5.large",
                initial_instance_count=tokens["number"],
                initial_variant_weight=0.25,
                volume_size_in_gb=30.0,
                model_data_download_timeout_in_seconds=600,
                container_startup_health_check_timeout_in_seconds=600,
                routing_config=sagemaker.CfnEndpointConfig.RoutingConfigProperty(
                    routing_strategy="LEAST_OUTSTANDING_REQUESTS"
                ),
                enable_ssm_access=True,
            ),
            variant(variant_name="b", model_name="m-2", initial_variant_weight=1.0),
        ],
        kms_key_id=tokens["string"],
        data_capture_config=sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
            initial_sampling_percentage=100.0,
            destination_s3_uri="s3://b/capture",
            capture_options=[
                sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Input")
            ],
            capture_content_type_header=sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
                csv_content_types=["text/csv"], json_content_types=["application/json"]
            ),
            enable_capture=True,
            kms_key_id="arn:aws:kms:us-east-1:1:key/k",
        ),
    )


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize("with_tokens", [True, False], ids=["tokens", "literals"])
@pytest.mark.parametrize("make_props", [_model_props, _config_props])
def test_every_field_renders_in_python_as_jsii_renders_it(
    make_props: Any, with_tokens: bool
) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    tokens = _tokens(stack)
    if not with_tokens:
        tokens = {
            "string": "s",
            "number": 2.0,
            "list": ["subnet-1"],
            "arn": "arn:aws:iam::1:role/r",
        }
    props = make_props(tokens)
    rendered = template_properties(props)
    by_jsii = rendered_by_jsii(stack, "R", props)
    assert _json(rendered) == _json(by_jsii)
    # Without a token the namer skips `resolve`: it must not change a thing.
    assert _naming._needs_resolving(rendered) is with_tokens
    if not with_tokens:
        assert _json(rendered) == _json(stack.resolve(by_jsii))


def test_an_integral_float_is_hashed_as_the_integer_jsii_makes_of_it() -> None:
    props = _config_props({"string": "s", "number": 3.0, "list": [], "arn": "a"})
    variants = template_properties(props)["ProductionVariants"]  # type: ignore[index]
    assert variants[0]["InitialInstanceCount"] == 3
    assert isinstance(variants[0]["InitialInstanceCount"], int)
    assert isinstance(variants[0]["InitialVariantWeight"], float)


def _created(props: Any) -> tuple[str, dict[str, Any]]:
    """A model named by a namer from `props`: its reference and its resolved properties."""
    stack = cdk.Stack(cdk.App(), "S")
    endpoint = Construct(stack, "Mce")
    namer = ContentNamer(endpoint, stack, "Mce", path="S/Mce", own_attributes=[])
    model, reference = namer.create(MODEL, "Model", props)
    return reference, stack.resolve(model._render_properties(model._cfn_properties))


def test_a_value_only_jsii_renders_is_named_from_jsiis_rendering() -> None:
    def props(environment: Any) -> sagemaker.CfnModelProps:
        container = sagemaker.CfnModel.ContainerDefinitionProperty(
            image="i:1", environment=environment
        )
        return sagemaker.CfnModelProps(execution_role_arn="r", containers=[container])

    resolvable = props(cdk.Token.as_any({"K": "v"}))
    assert template_properties(resolvable) is None
    by_python, _ = _created(props({"K": "v"}))
    by_jsii, properties = _created(resolvable)
    assert by_jsii == by_python
    assert properties["ModelName"] == by_python


@contextmanager
def _names_from_jsii() -> Iterator[None]:
    """Name as jsii renders and resolves, with none of the namer's Python shortcuts: every
    resource rendered by jsii and its properties resolved in full."""
    with (
        mock.patch.object(_naming, "template_properties", return_value=None),
        mock.patch.object(_naming, "_replaced", side_effect=lambda value, _: value),
        mock.patch.object(_naming, "_needs_resolving", return_value=True),
    ):
        yield


def _sample_app() -> Template:
    template: Template = build_app().synth().get_stack_by_name("MceSampleStack").template
    return template


APPS: dict[str, Callable[[], Template]] = {
    "sample app": _sample_app,
    "variants": lambda: test_variants.Built().template,
    "deploy-time values": lambda: test_naming_values.Built().template,
}


@pytest.mark.parametrize("build", APPS.values(), ids=APPS.keys())
def test_the_python_shortcuts_give_the_names_jsii_gives(build: Callable[[], Template]) -> None:
    with _names_from_jsii():
        by_jsii = build()
    assert _json(build()) == _json(by_jsii)
