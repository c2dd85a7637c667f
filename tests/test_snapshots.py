"""Snapshots of the templates (syrupy, JSON), and `mask_asset_hashes` on real asset templates."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from app import build_app
from mce_constructs import ContainerDefinition, ContainerImage, ModelData, MultiContainerEndpoint
from mce_constructs.testing import mask_asset_hashes

from .conftest import REGISTRY, Template, make_tarball

SAMPLE_STACK = "MceSampleStack"
ASSET_STACK = "Assets"
DIGEST = "sha256:" + "0123456789abcdef" * 4
HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def _write_assets(directory: Path, version: str) -> tuple[Path, Path]:
    """A Docker build context and a model `.tar.gz` whose content depends on `version`."""
    image = directory / f"image-{version}"
    image.mkdir()
    (image / "Dockerfile").write_text(
        f"FROM public.ecr.aws/docker/library/python:3.12-slim\n# {version}\n"
    )
    model = directory / f"model-{version}.tar.gz"
    make_tarball(model, f'{{"version": "{version}"}}'.encode(), "model.json")
    return image, model


class Synthesized:
    """The sample app, and twice (in two apps) a stack built from local assets whose content
    differs: an endpoint with an image and model data from assets, one with a registry image
    pinned by digest, and a nested stack (its template is an asset, with `aws:asset:*` metadata)."""

    def __init__(self, directory: Path) -> None:
        self.assets: dict[str, Template] = {}
        for version in ("v1", "v2"):
            # Asset metadata is what the cdk CLI asks for: templates then carry aws:asset:* keys.
            app = cdk.App(
                outdir=str(directory / f"cdk.out.{version}"),
                context={"aws:cdk:enable-asset-metadata": True},
            )
            stack = cdk.Stack(app, ASSET_STACK)
            image, model = _write_assets(directory, version)
            MultiContainerEndpoint(
                stack,
                "FromAssets",
                containers=[
                    ContainerDefinition(
                        image=ContainerImage.from_asset(str(image)),
                        model_data=ModelData.from_asset(str(model)),
                    )
                ],
            )
            MultiContainerEndpoint(
                stack,
                "FromRegistry",
                containers=[ContainerDefinition(image=f"{REGISTRY}/pinned@{DIGEST}")],
            )
            MultiContainerEndpoint(
                cdk.NestedStack(stack, "Nested"),
                "InNestedStack",
                containers=[ContainerDefinition(image=f"{REGISTRY}/pinned@{DIGEST}")],
            )
            if version == "v1":
                build_app(app)
            assembly = app.synth()
            self.assets[version] = assembly.get_stack_by_name(ASSET_STACK).template
            if version == "v1":
                self.sample: Template = assembly.get_stack_by_name(SAMPLE_STACK).template


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return Synthesized(tmp_path_factory.mktemp("snapshots"))


def test_sample_app_template_matches_the_snapshot(
    synthesized: Synthesized, snapshot_json: SnapshotAssertion
) -> None:
    assert mask_asset_hashes(synthesized.sample) == snapshot_json


def test_asset_template_matches_the_snapshot_whatever_the_assets_content(
    synthesized: Synthesized, snapshot_json: SnapshotAssertion
) -> None:
    first, second = synthesized.assets["v1"], synthesized.assets["v2"]
    assert first != second
    assert mask_asset_hashes(first) == mask_asset_hashes(second)
    assert mask_asset_hashes(first) == snapshot_json


def _by_construct(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    """Construct id of the endpoint or function -> properties of its resource of that type."""
    return {
        re.sub(r"(Model|EndpointConfig|Endpoint|[0-9A-F]{8})+$", "", logical_id): resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def test_masking_replaces_asset_hashes(
    synthesized: Synthesized,
) -> None:
    template = synthesized.assets["v1"]
    original = copy.deepcopy(template)
    masked = mask_asset_hashes(template)
    assert template == original, "the input is not modified"

    model = _by_construct(masked, "AWS::SageMaker::Model")["FromAssets"]["Properties"]
    assert model["Containers"] == [
        {
            "Image": {
                "Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/"
                "cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:<asset-hash>"
            },
            "ModelDataUrl": {
                "Fn::Sub": "s3://cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}/"
                "<asset-hash>.gz"
            },
        }
    ]
    assert "ModelName" not in model

    nested = _by_construct(masked, "AWS::CloudFormation::Stack")
    [(_, nested_stack)] = nested.items()
    assert nested_stack["Properties"]["TemplateURL"]["Fn::Join"][1][-1] == "/<asset-hash>.json"
    assert nested_stack["Metadata"]["aws:asset:property"] == "TemplateURL"
    assert nested_stack["Metadata"]["aws:asset:path"] == "AssetsNested3B95A518.nested.template.json"
    assert HEX64.findall(json.dumps(masked).replace(DIGEST, "")) == []
    assert HEX64.findall(json.dumps(template).replace(DIGEST, "")), "there were asset hashes"


def test_masking_keeps_digests_that_no_asset_made(synthesized: Synthesized) -> None:
    template = synthesized.assets["v1"]
    masked = mask_asset_hashes(template)
    for resource_type in ("AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig"):
        kept = _by_construct(template, resource_type)["FromRegistry"]
        assert _by_construct(masked, resource_type)["FromRegistry"] == kept
    model = _by_construct(masked, "AWS::SageMaker::Model")["FromRegistry"]["Properties"]
    assert model["Containers"] == [{"Image": f"{REGISTRY}/pinned@{DIGEST}"}]


def test_masking_leaves_a_template_without_assets_as_it_is(synthesized: Synthesized) -> None:
    template = synthesized.sample
    assert mask_asset_hashes(template) == template
