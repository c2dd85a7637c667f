"""What a later call names must be one of the endpoint's parts: a container (a per-container
grant or metric), a production variant."""

from __future__ import annotations

from typing import Any

import pytest

from mce_constructs.rules.location import ROOT
from mce_constructs.rules.lookups import (
    VariantContainers,
    as_configured,
    check_container_hostname,
    check_container_in_variants,
    check_one_variant_to_scale,
    check_variant_exists,
)

from ..conftest import lines, string_token

GRANT = ROOT.field("grant_invoke").field("container_hostname")
METRIC = ROOT.field("metric").field("container_hostname")
TWINS = tuple(VariantContainers(name, True, ("scorer",)) for name in ("blue", "green"))
"""Two Direct-mode variants that both have a container "scorer"."""

CALL_EXAMPLES: list[tuple[Any, str]] = [
    (
        lambda: check_container_hostname("model", GRANT, direct=False, hostnames=("model",)),
        "grant_invoke.container_hostname: 'model' names a container, but this endpoint is a "
        "Serial pipeline; only a Direct-mode endpoint invokes its containers by hostname",
    ),
    (
        lambda: check_container_hostname(
            "ranker-v2", METRIC, direct=True, hostnames=("ranker", "embedder")
        ),
        "metric.container_hostname: 'ranker-v2' is not a container of this endpoint ('ranker', "
        "'embedder')",
    ),
    (
        lambda: check_container_in_variants("scorer", METRIC, variants=TWINS, one_variant=True),
        "metric.container_hostname: 'scorer' is a container of variants 'blue' and 'green'; "
        "name the variant with endpoint.variant(name)",
    ),
    (
        lambda: check_container_in_variants("ranker-v2", GRANT, variants=TWINS, one_variant=False),
        "grant_invoke.container_hostname: 'ranker-v2' is not a container of this endpoint's "
        "Direct-mode variants ('scorer')",
    ),
    (
        lambda: check_variant_exists("purple", ["blue", "green"], ROOT.field("variant")),
        "variant: 'purple' is not a production variant of this endpoint ('blue', 'green')",
    ),
    (
        lambda: check_one_variant_to_scale(
            ["blue", "green"], ROOT.field("auto_scale_instance_count")
        ),
        "auto_scale_instance_count: this endpoint has 2 production variants ('blue', 'green'); "
        "scale each one with endpoint.variant(name).auto_scale_instance_count(...)",
    ),
]


@pytest.mark.parametrize(("call", "line"), CALL_EXAMPLES, ids=[line for _, line in CALL_EXAMPLES])
def test_each_lookup_refuses_with_its_message(call: Any, line: str) -> None:
    assert lines(call()) == [line]


def test_hostnames_are_compared_case_insensitively() -> None:
    assert check_container_hostname("RANKER", METRIC, direct=True, hostnames=("ranker",)) == []
    assert as_configured("RANKER", ("embedder", "ranker")) == "ranker"


def test_an_imported_endpoint_takes_any_valid_hostname() -> None:
    assert check_container_hostname("any", METRIC, direct=None, hostnames=None) == []
    assert lines(check_container_hostname("a_b", METRIC, direct=None, hostnames=None)) == [
        "metric.container_hostname: 'a_b' is not a valid hostname: 1 to 63 letters, digits and "
        "hyphens, starting and ending with a letter or digit"
    ]
    assert check_container_hostname(string_token(), METRIC, direct=False, hostnames=()) == []


def test_serial_variants_have_no_container_to_name() -> None:
    serial = (VariantContainers("blue", False, ()),)
    assert lines(check_container_in_variants("a", GRANT, variants=serial, one_variant=False)) == [
        "grant_invoke.container_hostname: 'a' names a container, but every variant of this "
        "endpoint is a Serial pipeline; only a Direct-mode variant invokes its containers by "
        "hostname"
    ]
