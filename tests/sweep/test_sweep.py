"""The sweep: every configuration Hypothesis draws is either accepted with a clean template or
refused with a `MceValidationError` naming each problem, and a change after it is an update
CloudFormation can make: the models and config replaced as they must be, the endpoint updated in
place. See `tests/sweep/__init__.py`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import event, given, note, settings
from hypothesis import strategies as st

from mce_constructs import MceValidationError

from ..update_oracle import Fate, plan_update
from .checks import (
    ACCEPTED_CHECKS,
    Synthesized,
    check_refusal,
    problem_lines,
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
    expected_problems_at_synth,
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

    stages = (
        expected_problems(case),
        expected_problems_after(case),
        expected_problems_at_synth(case),
    )
    with context(case, assets, nag=True) as ctx:
        endpoint = None
        stage = 0
        try:
            endpoint = build(case, ctx)
            required = [where for where in stages[0] if not optional(where)]
            assert not required, f"accepted, but SERVICE_RULES.md refuses {required}"
            stage = 1
            finish(ctx, endpoint)
            required = [where for where in stages[1] if not optional(where)]
            assert not required, f"accepted, but SERVICE_RULES.md refuses {required}"
            stage = 2
            template, report = synthesize(ctx.app, ctx.outdir)
            required = [where for where in stages[2] if not optional(where)]
            assert not required, f"synthesized, but SERVICE_RULES.md refuses {required}"
        except MceValidationError as error:
            check_refusal(case, error, stages[stage], optional=optional, tolerated=tolerated)
            return
        except AssertionError:
            raise
        except Exception as error:
            if known(case, "exception") is None:
                error.add_note("raised instead of a MceValidationError naming the field")
                raise
            return
        if any(stages):
            return  # accepted as a known issue allows: the template holds what was refused
        built = Synthesized(case, endpoint, template, report)
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


@dataclass(frozen=True)
class Deployed:
    """A valid case's template, and the logical ids of its endpoint's resources."""

    template: dict[str, Any]
    models: tuple[str, ...]
    """Each variant's model."""
    config: str
    endpoint: str


def deployed(case: Case, assets: Assets) -> Deployed:
    with context(case, assets, nag=False) as ctx:
        endpoint = build(case, ctx)
        finish(ctx, endpoint)
        template, _ = synthesize(ctx.app, ctx.outdir)
        logical_id = ctx.stack.get_logical_id
        return Deployed(
            template,
            tuple(logical_id(variant.model) for variant in endpoint.variants),
            logical_id(endpoint.endpoint_config),
            logical_id(endpoint.endpoint),
        )


@settings(max_examples=examples(1.0))
@given(data=st.data())
def test_a_change_replaces_exactly_what_cloudformation_must_and_never_the_endpoint(
    assets: Assets, data: st.DataObject
) -> None:
    case = data.draw(valid_cases(), label="case")
    mutation = data.draw(mutations(case), label="mutation")
    if known_issue(case, "exception") or known_issue(mutation.case, f"update/{mutation.what}"):
        return
    if expected_problems_at_synth(case) or expected_problems_at_synth(mutation.case):
        return  # refused when synthesized (a valid case otherwise)
    try:
        check_update(case, mutation, assets)
    except MceValidationError as error:
        # A refusal that a known issue explains (the case is valid by SERVICE_RULES.md).
        if not all(refused(line) for line in problem_lines(error)):
            raise


def check_update(case: Case, mutation: Mutation, assets: Assets) -> None:
    """The same template for `case` built twice; for `mutation` (made before or after the
    construct), the update oracle finds no violation, replaces the models and the config its
    scope says, leaves the others as they were, and updates the endpoint in place at most."""
    before = deployed(case, assets)
    assert deployed(case, assets).template == before.template, "the same case, another template"
    after = deployed(mutation.case, assets)
    plan = plan_update(before.template, after.template)
    assert plan.violations == (), f"changing {mutation.what}: {plan.violations}"
    models = {index for index in range(len(before.models)) if mutation.variant in (None, index)}
    renewed_models = models if mutation.scope is Scope.MODEL else set()
    renewed_config = mutation.scope is not Scope.NEITHER
    for index, (old_id, new_id) in enumerate(zip(before.models, after.models, strict=True)):
        renewed = old_id != new_id or plan.changes[old_id].fate is Fate.REPLACED
        assert renewed is (index in renewed_models), (
            f"changing {mutation.what}: model {index}\n{plan.summary()}"
        )
    config = plan.changes[before.config].fate
    assert (config is Fate.REPLACED) is renewed_config, (
        f"changing {mutation.what}: the config {config.value}\n{plan.summary()}"
    )
    assert after.endpoint == before.endpoint
    assert plan.changes[before.endpoint].fate in (Fate.UNCHANGED, Fate.UPDATED)
