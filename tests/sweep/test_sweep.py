"""The sweep: every configuration Hypothesis draws is either accepted with a clean template or
refused with a `MceValidationError` naming each problem, and names change exactly when
CloudFormation replaces a resource. See `tests/sweep/__init__.py`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aws_cdk as cdk
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

from mce_constructs import MceValidationError

from .checks import (
    ACCEPTED_CHECKS,
    Synthesized,
    check_refusal,
    problem_lines,
    recording_renderings,
    synthesize,
)
from .known_issues import known_issue, refused, unrefused
from .model import (
    Assets,
    Capture,
    Case,
    Context,
    PrivateRegistryImage,
    VariantSettings,
    Where,
    build,
    expected_problems,
    expected_problems_after,
    finish,
    nested,
)
from .profiles import examples
from .strategies import Mutation, Scope, faulty_cases, mutations, valid_cases


@contextmanager
def context(case: Case, assets: Assets, *, nag: bool) -> Iterator[Context]:
    with tempfile.TemporaryDirectory(prefix="sweep-") as outdir:
        yield Context(case, assets, Path(outdir), nag=nag)


def features(case: Case) -> Iterator[str]:
    """What `case` exercises of the production options, for Hypothesis's statistics
    (`make test-deep` shows them)."""
    if isinstance(case.variants, tuple):
        yield f"variants= form, {len(case.variants)} variants"
    for value in nested(case):
        if isinstance(value, Capture | PrivateRegistryImage):
            yield type(value).__name__
        elif isinstance(value, VariantSettings) and value != VariantSettings():
            yield "VariantSettings"
        elif getattr(value, "prefix", None) is True:
            yield "model data under a key prefix"


def record(case: Case) -> None:
    """Count what `case` exercises and note what the rules make of it (in a Hypothesis test)."""
    for feature in sorted(set(features(case))):
        event(feature)
    note(f"expected problems: {expected_problems(case) or expected_problems_after(case)}")


def check_case(case: Case, assets: Assets, *, excuse: bool = True) -> None:
    """Build `case`: refused as the rules say, or accepted and every check passes; but the
    checks a known issue excuses (see `known_issues.py`), unless `excuse` is False."""
    known = known_issue if excuse else _no_known_issue

    def optional(where: Where) -> bool:
        return where.optional or (excuse and unrefused(case, where))

    def tolerated(line: str) -> bool:
        return excuse and refused(line)

    stages = (expected_problems(case), expected_problems_after(case))
    with context(case, assets, nag=True) as ctx, recording_renderings() as renderings:
        endpoint = None
        try:
            endpoint = build(case, ctx)
            required = [where for where in stages[0] if not optional(where)]
            assert not required, f"accepted, but SERVICE_RULES.md refuses {required}"
            finish(ctx, endpoint)
            required = [where for where in stages[1] if not optional(where)]
            assert not required, f"accepted, but SERVICE_RULES.md refuses {required}"
            template, report = synthesize(ctx.app, ctx.outdir)
        except MceValidationError as error:
            expected = stages[0] if endpoint is None else stages[1]
            check_refusal(case, error, expected, optional=optional, tolerated=tolerated)
            return
        except AssertionError:
            raise
        except Exception as error:
            if known(case, "exception") is None:
                error.add_note("raised instead of a MceValidationError naming the field")
                raise
            return
        if stages[0] or stages[1]:
            return  # accepted as a known issue allows: the template holds what was refused
        built = Synthesized(case, endpoint, template, report, renderings)
        for check in ACCEPTED_CHECKS:
            if known(case, check.__name__) is None:
                check(built)


def _no_known_issue(*_: object) -> None:
    return None


@settings(max_examples=examples(1.0))
@given(case=valid_cases())
def test_valid_configurations_are_accepted_with_a_clean_template(
    assets: Assets, case: Case
) -> None:
    record(case)
    check_case(case, assets)


@settings(max_examples=examples(4.0))
@given(case=faulty_cases())
def test_faulty_configurations_are_refused_naming_each_problem(assets: Assets, case: Case) -> None:
    record(case)
    check_case(case, assets)


Named = tuple[object, dict[str, object]]
"""A resource's name property as written (None: CloudFormation names it), and its other
create-only properties."""


def names_of(case: Case, assets: Assets) -> tuple[tuple[Named, ...], Named]:
    """Each variant's model, and the endpoint config."""
    with context(case, assets, nag=False) as ctx:
        endpoint = build(case, ctx)
        finish(ctx, endpoint)
        template, _ = synthesize(ctx.app, ctx.outdir)
        resources = template["Resources"]

        def named(resource: cdk.CfnElement, name_property: str) -> Named:
            properties = resources[ctx.stack.get_logical_id(resource)]["Properties"]
            rest = {k: v for k, v in properties.items() if k not in (name_property, "Tags")}
            return properties.get(name_property), rest

        models = tuple(named(variant.model, "ModelName") for variant in endpoint.variants)
        return models, named(endpoint.endpoint_config, "EndpointConfigName")


@settings(max_examples=examples(1.0))
@given(data=st.data())
def test_names_change_exactly_when_a_create_only_value_changes(
    assets: Assets, data: st.DataObject
) -> None:
    case = data.draw(valid_cases(), label="case")
    mutation = data.draw(mutations(case), label="mutation")
    if known_issue(case, "exception") or known_issue(mutation.case, f"names/{mutation.what}"):
        return
    try:
        check_names(case, mutation, assets)
    except MceValidationError as error:
        # A refusal that a known issue explains (the case is valid by SERVICE_RULES.md).
        if not all(refused(line) for line in problem_lines(error)):
            raise


def check_names(case: Case, mutation: Mutation, assets: Assets) -> None:
    """The same names for `case` built twice; for `mutation`, a new model or config name where
    its scope says (or a name CloudFormation generates, which any replacement renews), and the
    same name and properties elsewhere."""
    first = names_of(case, assets)
    assert names_of(case, assets) == first, "the same configuration, another template"
    changed = names_of(mutation.case, assets)
    models = {index for index in range(len(first[0])) if mutation.variant in (None, index)}
    renewed_models = models if mutation.scope is Scope.MODEL else set()
    renewed_config = mutation.scope is not Scope.NEITHER
    pairs = [
        (f"model {index}", index in renewed_models, before, after)
        for index, (before, after) in enumerate(zip(first[0], changed[0], strict=True))
    ]
    pairs.append(("config", renewed_config, first[1], changed[1]))
    for what, renewed, (name, rest), (new_name, new_rest) in pairs:
        if renewed:
            assert name is None or new_name is None or name != new_name, (
                f"changing {mutation.what} kept the {what} name {name!r}"
            )
        else:
            assert (name, rest) == (new_name, new_rest), (
                f"changing {mutation.what} replaces the {what}: {name!r} -> {new_name!r}"
            )
        assert rest == new_rest or name != new_name or name is None, (
            f"the {what} changed, its name did not"
        )
