"""The results as Markdown (`results.md`) and JSON with every sample (`results.json`)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .analysis import (
    FLOOR,
    MEASURES,
    RATIO_MEASURES,
    Analysis,
    CaseResult,
    Marginal,
    Ratio,
    Spread,
    Target,
    find_ratio,
)
from .measure import Case
from .workload import stack_sizes

TITLE = "# Synthesis benchmark"
UNITS = {
    "wall": ("s", 1.0, 2),
    "work": ("s", 1.0, 2),
    "cpu": ("s", 1.0, 2),
    "peak_mib": ("MiB", 1.0, 0),
}
PER_ENDPOINT_UNITS = {
    "wall": ("ms", 1000.0, 1),
    "work": ("ms", 1000.0, 1),
    "cpu": ("ms", 1000.0, 1),
    "peak_mib": ("MiB", 1.0, 2),
}


@dataclasses.dataclass(frozen=True)
class Run:
    """What was run, where, and what came of it."""

    results: Sequence[CaseResult]
    analysis: Analysis
    facts: dict[str, Any]
    repetitions: int
    skipped: dict[str, str]
    """Variant -> why it could not be built here."""
    test_suite: dict[str, float] | None
    method: str
    warmup: bool = True


def _value(value: float, measure: str, *, per_endpoint: bool = False) -> str:
    unit, scale, digits = (PER_ENDPOINT_UNITS if per_endpoint else UNITS)[measure]
    return f"{value * scale:.{digits}f} {unit}"


def _spread(spread: Spread, measure: str, *, per_endpoint: bool = False) -> str:
    """`median unit (min to max)`."""
    _, scale, digits = (PER_ENDPOINT_UNITS if per_endpoint else UNITS)[measure]
    return (
        f"{_value(spread.median, measure, per_endpoint=per_endpoint)} "
        f"({spread.minimum * scale:.{digits}f} to {spread.maximum * scale:.{digits}f})"
    )


def _ratio(ratio: Ratio | None) -> str:
    if ratio is None:
        return "-"
    paired = ratio.paired
    return (
        f"{paired.median:.3f} ({paired.minimum:.3f} to {paired.maximum:.3f}); "
        f"medians {ratio.of_medians:.3f}"
    )


def _verdict(target: Target) -> str:
    verdict = "met" if target.met else "**MISSED**"
    return f"{verdict}, uncertain" if target.uncertain else verdict


def targets_table(targets: Sequence[Target]) -> list[str]:
    lines = [
        "| target | limit | paired median | middle half | min to max | ratio of medians | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for target in targets:
        paired = target.ratio.paired
        sign = "<" if target.strict else "≤"
        lines.append(
            f"| {target.name} | {sign} {target.limit:.2f} | {paired.median:.3f} "
            f"| {paired.q1:.3f} to {paired.q3:.3f} | {paired.minimum:.3f} to {paired.maximum:.3f} "
            f"| {target.ratio.of_medians:.3f} | {_verdict(target)} |"
        )
    return lines


def cases_table(results: Sequence[CaseResult]) -> list[str]:
    floors = {
        result.case.endpoints: result.summary("wall").median
        for result in results
        if result.case.variant == FLOOR
    }
    lines = [
        "| case | endpoints | stacks | wall time | over the floor | work time | CPU time "
        "| peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        case = result.case
        wall = result.summary("wall").median
        floor = floors.get(case.endpoints)
        over = "-" if floor is None or case.variant == FLOOR else f"{wall - floor:.2f} s"
        lines.append(
            f"| {case.variant} | {case.endpoints} | {len(stack_sizes(case.endpoints))} "
            f"| {_spread(result.summary('wall'), 'wall')} | {over} "
            f"| {_spread(result.summary('work'), 'work')} "
            f"| {_spread(result.summary('cpu'), 'cpu')} "
            f"| {_spread(result.summary('peak_mib'), 'peak_mib')} |"
        )
    return lines


def _pairs_of(ratios: Sequence[Ratio]) -> list[tuple[str, str]]:
    return list(dict.fromkeys((ratio.numerator, ratio.denominator) for ratio in ratios))


def whole_process_table(whole_process: dict[int, list[Ratio]]) -> list[str]:
    lines = [
        "| ratio | endpoints | wall time | work time | CPU time | peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size, ratios in whole_process.items():
        for pair in _pairs_of(ratios):
            cells = " | ".join(_ratio(find_ratio(ratios, *pair, measure)) for measure in MEASURES)
            lines.append(f"| {pair[0]} / {pair[1]} | {size} | {cells} |")
    return lines


def marginal_table(marginal: Sequence[Marginal]) -> list[str]:
    lines = [
        "| variant | endpoints | wall time | work time | CPU time | peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    by_variant: dict[tuple[str, int, int], dict[str, Marginal]] = {}
    for cost in marginal:
        by_variant.setdefault((cost.variant, cost.small, cost.large), {})[cost.measure] = cost
    for (variant, small, large), costs in by_variant.items():
        cells = " | ".join(
            f"{_spread(costs[measure].spread, measure, per_endpoint=True)}; medians "
            f"{_value(costs[measure].of_medians, measure, per_endpoint=True)}"
            for measure in MEASURES
        )
        lines.append(f"| {variant} | {small} → {large} | {cells} |")
    return lines


def marginal_ratio_table(ratios: Sequence[Ratio]) -> list[str]:
    lines = ["| ratio | wall time | work time | CPU time |", "|---|---:|---:|---:|"]
    for pair in _pairs_of(ratios):
        cells = " | ".join(_ratio(find_ratio(ratios, *pair, measure)) for measure in RATIO_MEASURES)
        lines.append(f"| {pair[0]} / {pair[1]} | {cells} |")
    return lines


def machine_lines(run: Run) -> list[str]:
    facts = run.facts
    versions = ", ".join(f"{name} {version}" for name, version in facts["versions"].items())
    lines = [
        f"- Run: {facts['date']}, commit {facts['commit']}, "
        f"{run.repetitions} round{'s' if run.repetitions > 1 else ''}, "
        "every case once per round (order rotated and reversed between rounds)"
        + (", after one unrecorded warm-up process per variant." if run.warmup else "."),
        f"- Machine: {facts['cores']} cores ({facts['cpu']}), {facts['memory']}, {facts['os']}, "
        f"Python {facts['python']}, Node {facts['node']}.",
        f"- Packages: {versions}.",
        f"- Load average (1, 5, 15 min) at start {facts['load_average_at_start']}, "
        f"at end {facts.get('load_average_at_end')}.",
    ]
    if run.test_suite is not None:
        lines.append(
            f"- Test suite (`pytest`, one run after the benchmark): "
            f"{run.test_suite['pytest_seconds']:.1f} s by pytest, "
            f"{run.test_suite['process_seconds']:.1f} s for the whole process."
        )
    return lines


def markdown(run: Run) -> str:
    """The results: targets, cases, paired ratios, marginal costs, skipped cases, machine."""
    analysis = run.analysis
    lines = [
        "Paired ratio: for each round, the ratio of the two samples of that round (they ran "
        "close together, under the same load); its median over the rounds, (min to max), and "
        "the ratio of the medians. The targets are judged on the paired median; "
        '"uncertain" means the middle half of the paired ratios lies on both sides of the limit.',
        "",
        "## Targets",
        "",
        *targets_table(analysis.targets),
        "",
        "## Cases",
        "",
        "Median over the rounds (min to max); over the floor: the wall-time median less the "
        "empty app's with the same stacks; work time: what the app measures itself, from the "
        "moment the CDK is loaded to the end of its synthesis (no process start or exit).",
        "",
        *cases_table(run.results),
        "",
        "## Whole process, paired ratios",
        "",
        *whole_process_table(analysis.whole_process),
        "",
        "## Marginal cost per endpoint",
        "",
        "(t(large) - t(small)) / (large - small), per round: median (min to max); then the "
        "same from the medians.",
        "",
        *marginal_table(analysis.marginal),
        "",
        "Paired ratios of the marginal costs:",
        "",
        *marginal_ratio_table(analysis.marginal_ratios),
        "",
    ]
    if run.skipped:
        lines += [
            "## Skipped",
            "",
            *(f"- {variant}: {reason}" for variant, reason in run.skipped.items()),
            "",
        ]
    lines += ["## Run and machine", "", *machine_lines(run)]
    return "\n".join(lines) + "\n"


def _json_ready(value: Any) -> Any:
    """Dataclasses (with their derived verdicts and spreads) as plain JSON values."""
    if isinstance(value, Case):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            field.name: _json_ready(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
        if isinstance(value, Target):
            fields.update(met=value.met, uncertain=value.uncertain)
        if isinstance(value, Marginal):
            fields.update(spread=_json_ready(value.spread))
        return fields
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    return value


def write(run: Run, output: Path) -> str:
    """Write `<output>.md` and `<output>.json` (every sample); return the Markdown."""
    text = markdown(run)
    document = {
        "machine": run.facts,
        "repetitions": run.repetitions,
        "method": run.method,
        "skipped": run.skipped,
        "cases": {
            str(result.case): {
                "summary": {
                    measure: _json_ready(result.summary(measure))
                    for measure in (*MEASURES, "concurrent_peak_mib")
                },
                "samples": _json_ready(result.samples),
            }
            for result in run.results
        },
        "analysis": _json_ready(run.analysis),
        "test_suite": run.test_suite,
    }
    output.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n")
    header = (
        f"{TITLE}\n\nWritten by `make bench` (`python -m benchmarks.synth_benchmark`); "
        "cases, method and targets: `docs/benchmarks.md`.\n\n"
    )
    output.with_suffix(".md").write_text(header + text)
    return text
