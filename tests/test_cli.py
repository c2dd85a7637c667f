"""End to end: the README's synth command, through the real `cdk` CLI, with no network."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from .conftest import REPO, assert_lint_clean, offline_prefix, resources_of_type


def test_readme_synth_command_writes_the_sample_template_offline() -> None:
    readme = (REPO / "README.md").read_text()
    assert "make synth" in readme
    result = subprocess.run(
        [*offline_prefix(), "make", "--no-print-directory", "synth"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    match = re.search(r"^Template: (.+\.template\.json)$", result.stdout, re.MULTILINE)
    assert match, result.stdout
    template = json.loads(Path(match[1]).read_text())

    models = resources_of_type(template, "AWS::SageMaker::Model")
    modes = sorted(
        model["Properties"]["InferenceExecutionConfig"]["Mode"] for model in models.values()
    )
    assert modes == ["Direct", "Serial", "Serial"]  # the Serial pipeline is an A/B test
    assert all(len(model["Properties"]["Containers"]) >= 3 for model in models.values())
    (config,) = [
        config["Properties"]
        for config in resources_of_type(template, "AWS::SageMaker::EndpointConfig").values()
        if "DataCaptureConfig" in config["Properties"]
    ]
    assert [variant["VariantName"] for variant in config["ProductionVariants"]] == [
        "champion",
        "challenger",
    ]
    assert len(resources_of_type(template, "AWS::SageMaker::EndpointConfig")) == 2
    assert len(resources_of_type(template, "AWS::SageMaker::Endpoint")) == 2
    assert_lint_clean(template)
