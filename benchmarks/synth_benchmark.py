"""Synthesis time and peak memory: this construct against hand-written L1 and the alpha L2.

Every sample is a fresh Python process that builds an app (`synth_app.py`) and synthesizes it
into a temporary cloud assembly, as `cdk synth` runs an app, measured by `measure.py`. The
cases run round-robin, one sample of each per round, the order rotated and reversed from round
to round, so that a slow spell of the machine hits every case alike; `analysis.py` pairs the
samples of each round. Results go to `benchmarks/results.md` and `.json` (`report.py`).

    make bench                      # the full run (writes benchmarks/results.md and .json)
    make bench-smoke                # CI: one sample of a few small cases, results not kept
    python -m benchmarks.synth_benchmark --repetitions 3 --cases l1:1 construct:1
    python -m benchmarks.synth_benchmark --profile construct:50   # cProfile + jsii round trips
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import analysis, measure, profiling, report
from .analysis import CaseResult, analyse
from .measure import REPO, Case, child_env, run_once
from .synth_app import VARIANTS, VariantUnavailableError

BENCHMARKS = Path(__file__).resolve().parent
DEFAULT_REPETITIONS = 9
SIZES = (1, 50, 200)
DEFAULT_CASES = tuple(
    str(Case(variant, size))
    for size in SIZES
    for variant in ("empty", "l1", "construct", "alpha", "construct-ab")
    if variant != "construct-ab" or size != 50
)
"""Every variant at 1, 50 and 200 endpoints; the two-variant endpoint only at 1 and 200,
which is all its marginal cost needs."""
SMOKE_CASES = ("empty:1", "l1:1", "construct:1", "alpha:1", "construct-ab:1", "l1:2", "construct:2")
"""One sample each in CI: every variant (the unavailable ones are skipped and say why), and
two sizes of L1 and the construct, so that paired and marginal ratios are computed."""
PACKAGES = ("aws-cdk-lib", "jsii", "constructs", "aws-cdk.aws-sagemaker-alpha", "mce-constructs")


def run_round_robin(
    cases: Sequence[Case], repetitions: int, *, warmup: bool = True
) -> tuple[list[CaseResult], dict[str, str]]:
    """`repetitions` rounds, each one sample of every case, in an order rotated by one and
    reversed every other round, so that no case always runs first, last or after another.

    With `warmup`, one unrecorded process of each variant at its smallest size first warms the
    caches (bytecode, jsii's package cache, the disk). A variant that cannot be built here is
    dropped the first time it says so; returns the results and variant -> why it was dropped.
    """
    results = [CaseResult(case) for case in cases]
    skipped: dict[str, str] = {}

    def sample(case: Case) -> measure.Sample | None:
        if case.variant in skipped:
            return None
        try:
            return run_once(case)
        except VariantUnavailableError as reason:
            skipped[case.variant] = str(reason)
            print(f"skipped {case.variant}: {reason}", flush=True)
            return None

    if warmup:
        for variant in dict.fromkeys(case.variant for case in cases):
            sample(min(case for case in cases if case.variant == variant))
    done = 0
    for round_index in range(repetitions):
        shift = round_index % len(results)
        order = results[shift:] + results[:shift]
        for result in reversed(order) if round_index % 2 else order:
            taken = sample(result.case)
            if taken is None:
                continue
            result.samples.append(taken)
            done += 1
            print(
                f"[{done:3}] round {round_index + 1}/{repetitions} {result.case!s:18} "
                f"{taken.wall:6.2f} s wall {taken.cpu:6.2f} s cpu {taken.peak_mib:7.1f} MiB",
                flush=True,
            )
    return [result for result in results if result.case.variant not in skipped], skipped


def machine_facts() -> dict[str, Any]:
    versions: dict[str, str] = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    memory_kib = _proc_field("/proc/meminfo", "MemTotal").removesuffix(" kB")
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": len(os.sched_getaffinity(0)),
        "cpu": _proc_field("/proc/cpuinfo", "model name"),
        "memory": f"{int(memory_kib) / 1024**2:.1f} GiB RAM" if memory_kib.isdigit() else "",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "node": _command_output(["node", "--version"]),
        "commit": _command_output(["git", "rev-parse", "--short", "HEAD"]),
        "versions": versions,
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def _proc_field(path: str, name: str) -> str:
    """A `name: value` line of a /proc file ("" where there is none)."""
    try:
        text = Path(path).read_text()
    except OSError:
        return ""
    match = re.search(rf"^{name}\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _command_output(command: list[str]) -> str:
    try:
        return subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def time_test_suite() -> dict[str, float]:
    """The whole pytest suite once: wall time of the process and pytest's own figure."""
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    match = re.search(r" in ([\d.]+)s", completed.stdout)
    if completed.returncode != 0 or match is None:
        raise RuntimeError(f"the test suite failed:\n{completed.stdout[-3000:]}")
    return {"process_seconds": round(wall, 1), "pytest_seconds": float(match.group(1))}


def _case(text: str) -> Case:
    case = Case.parse(text)
    if case.variant not in VARIANTS or case.endpoints < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected VARIANT:ENDPOINTS, VARIANT one of {', '.join(VARIANTS)}"
        )
    return case


def parse_args(argv: Iterable[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--repetitions",
        type=int,
        default=DEFAULT_REPETITIONS,
        help=f"rounds, one sample of each case per round (default {DEFAULT_REPETITIONS})",
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        type=_case,
        default=[Case.parse(text) for text in DEFAULT_CASES],
        metavar="VARIANT:ENDPOINTS",
        help=f"the cases to run (variants: {', '.join(VARIANTS)}; default: "
        "each at 1, 50 and 200 endpoints, construct-ab at 1 and 200)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=BENCHMARKS / "results",
        help="where to write .md and .json (default benchmarks/results)",
    )
    parser.add_argument("--no-warmup", action="store_true", help="no warm-up process")
    parser.add_argument(
        "--no-test-suite", action="store_true", help="do not time the test suite afterwards"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI: one sample of each smoke case, no warm-up, no test suite, results in a "
        "temporary directory; fails unless the paired and marginal ratios were computed",
    )
    parser.add_argument(
        "--profile",
        type=_case,
        metavar="VARIANT:ENDPOINTS",
        help="profile one case (cProfile, jsii round trips) instead of measuring",
    )
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to print")
    return parser.parse_args(list(argv) if argv is not None else None)


def measure_cases(
    *,
    cases: Sequence[Case],
    repetitions: int,
    output: Path,
    warmup: bool,
    test_suite: bool,
) -> report.Run:
    """Run the cases round-robin, analyse, write `output`.md/.json and print the Markdown."""
    facts = machine_facts()
    results, skipped = run_round_robin(cases, repetitions, warmup=warmup)
    facts["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    run = report.Run(
        results=results,
        analysis=analyse(results),
        facts=facts,
        repetitions=repetitions,
        skipped=skipped,
        test_suite=time_test_suite() if test_suite else None,
        method="\n\n".join(
            module.__doc__ or "" for module in (sys.modules[__name__], measure, analysis)
        ),
        warmup=warmup,
    )
    print()
    print(report.write(run, output))
    return run


def smoke() -> None:
    """One sample of `SMOKE_CASES`, end to end; fails if the analysis came out empty."""
    print("bench smoke: one sample of small cases; its timings and verdicts mean nothing")
    with tempfile.TemporaryDirectory(prefix="mce-bench-smoke-") as workdir:
        run = measure_cases(
            cases=[Case.parse(text) for text in SMOKE_CASES],
            repetitions=1,
            output=Path(workdir) / "results",
            warmup=False,
            test_suite=False,
        )
    produced = {
        "whole-process ratios": run.analysis.whole_process,
        "marginal costs": run.analysis.marginal,
        "marginal ratios": run.analysis.marginal_ratios,
        "targets": run.analysis.targets,
    }
    missing = [name for name, items in produced.items() if not items]
    if missing:
        raise SystemExit(f"bench smoke: the run produced no {', '.join(missing)}")
    print(
        f"bench smoke: the harness works ({len(run.results)} cases measured once, "
        f"variants skipped: {', '.join(run.skipped) or 'none'})"
    )


def main(argv: Iterable[str] | None = None) -> None:
    args = parse_args(argv)
    if args.profile:
        profiling.profile(args.profile, args.top)
    elif args.smoke:
        smoke()
    else:
        measure_cases(
            cases=args.cases,
            repetitions=args.repetitions,
            output=args.output,
            warmup=not args.no_warmup,
            test_suite=not args.no_test_suite,
        )


if __name__ == "__main__":
    main()
