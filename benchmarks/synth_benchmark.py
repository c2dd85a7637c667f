#!/usr/bin/env python3
"""Synthesis time and peak memory: this construct against hand-written L1 and the alpha L2.

Every sample is a fresh Python process that builds an app (`benchmarks/synth_app.py`) and
synthesizes it into a temporary cloud assembly, as `cdk synth` runs an app. The cases run
round-robin, one sample of each per round, the order rotated and reversed from round to
round, so that a slow spell of the machine hits every case alike.

Measured per process:
- wall time, from spawn to exit;
- CPU time (user + system) of the process tree, all threads: `os.wait4` returns the
  child's usage including every descendant it reaped, and Python reaps the jsii node
  process, which reaps its own node child (node's GC and compiler threads make it exceed
  the wall time on 2 cores);
- peak memory: the sum over the process tree (python, and jsii's two node processes) of each
  process's peak resident set (`VmHWM` in `/proc/<pid>/status`), read every 10 ms until the
  process exits. `VmHWM` is kept by the kernel, so the poll only has to see each process
  once before it exits; the concurrent peak of the tree's summed RSS is recorded too.

    make bench                                   # the whole run; writes results.md/.json
    python benchmarks/synth_benchmark.py --repetitions 3 --cases construct:1 l1:1
    python benchmarks/synth_benchmark.py --profile construct:50   # cProfile + jsii calls
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
APP_MODULE = "benchmarks.synth_app"
POLL_SECONDS = 0.01
DEFAULT_REPETITIONS = 3
DEFAULT_CASES = (
    "empty:0",
    "l1:1",
    "construct:1",
    "alpha:1",
    "l1:50",
    "construct:50",
    "alpha:50",
    "l1:200",
    "construct:200",
)
MEASURES = ("wall", "cpu", "peak_mib")
TIME_TARGET = 1.05
"""construct / L1 at most this on time, at every size."""
MEMORY_TARGET = 1.10
"""construct / L1 at most this on peak memory, at every size."""
PACKAGES = ("aws-cdk-lib", "jsii", "constructs", "aws-cdk.aws-sagemaker-alpha", "mce-constructs")
CHILD_ENV = {
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "CDK_DISABLE_CLI_TELEMETRY": "true",
}


@dataclass(frozen=True)
class Case:
    """One variant at one number of endpoints."""

    variant: str
    endpoints: int

    @classmethod
    def parse(cls, text: str) -> Case:
        variant, _, endpoints = text.partition(":")
        return cls(variant, int(endpoints or "0"))

    def __str__(self) -> str:
        return f"{self.variant}:{self.endpoints}"


@dataclass(frozen=True)
class Sample:
    """One process: wall and CPU seconds, peak memory in MiB."""

    wall: float
    cpu: float
    peak_mib: float
    concurrent_peak_mib: float


@dataclass
class Summary:
    """Median and spread of one measure over the samples of one case."""

    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if len(values) > 1:
            q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        else:
            q1 = q3 = values[0]
        return cls(statistics.median(values), min(values), max(values), q1, q3)


@dataclass
class CaseResult:
    case: Case
    samples: list[Sample] = field(default_factory=list)

    def summary(self, measure: str) -> Summary:
        return Summary.of([getattr(sample, measure) for sample in self.samples])


class TreeMemoryMonitor:
    """Polls /proc for the peak resident memory of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib: dict[int, int] = {}
        self.concurrent_peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemoryMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss_sum = 0
            for pid in _process_tree(self.pid):
                status = _memory_status(pid)
                if status is None:
                    continue
                rss, hwm = status
                rss_sum += rss
                self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), hwm)
            self.concurrent_peak_kib = max(self.concurrent_peak_kib, rss_sum)
            self._stop.wait(POLL_SECONDS)

    @property
    def peak_mib(self) -> float:
        return sum(self.peak_kib.values()) / 1024


def _process_tree(root: int) -> list[int]:
    """`root` and its live descendants, from /proc/<pid>/task/<tid>/children."""
    found = [root]
    for pid in found:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{pid}/task/{task}/children").read_text()
            except OSError:
                continue
            found.extend(int(child) for child in children.split())
    return found


def _memory_status(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) of a live process in KiB; None once it has exited."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.MULTILINE))
    if "VmHWM" not in values:
        return None
    return int(values["VmRSS"]), int(values["VmHWM"])


def child_command(case: Case, outdir: str) -> list[str]:
    return [sys.executable, "-m", APP_MODULE, case.variant, str(case.endpoints), outdir]


def child_env() -> dict[str, str]:
    return {**os.environ, **CHILD_ENV}


def run_once(case: Case) -> Sample:
    """Spawn one app process for `case` and measure it."""
    outdir = tempfile.mkdtemp(prefix="mce-bench-")
    try:
        start = time.perf_counter()
        process = subprocess.Popen(
            child_command(case, outdir),
            cwd=REPO,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        with TreeMemoryMonitor(process.pid) as monitor:
            assert process.stderr is not None
            errors = process.stderr.read()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{case} failed:\n{errors.decode(errors='replace')}")
        return Sample(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_mib=monitor.peak_mib,
            concurrent_peak_mib=monitor.concurrent_peak_kib / 1024,
        )
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def run_round_robin(cases: Sequence[Case], repetitions: int) -> list[CaseResult]:
    """`repetitions` rounds, each one sample of every case, in an order rotated by one and
    reversed every other round, so that no case always runs first, last or after another.

    First, not recorded, one process of each variant at its smallest size warms the caches
    (bytecode, jsii's package cache, the disk).
    """
    for variant in dict.fromkeys(case.variant for case in cases):
        run_once(min((case for case in cases if case.variant == variant), key=_size))
    results = [CaseResult(case) for case in cases]
    total = len(cases) * repetitions
    done = 0
    for round_index in range(repetitions):
        shift = round_index % len(cases)
        order = results[shift:] + results[:shift]
        for result in reversed(order) if round_index % 2 else order:
            sample = run_once(result.case)
            result.samples.append(sample)
            done += 1
            print(
                f"[{done:3}/{total}] {result.case!s:15} {sample.wall:6.2f} s wall "
                f"{sample.cpu:6.2f} s cpu {sample.peak_mib:7.1f} MiB",
                flush=True,
            )
    return results


def _size(case: Case) -> int:
    return case.endpoints


def ratios_of(numerator: CaseResult, denominator: CaseResult) -> dict[str, float]:
    """For each measure, the ratio of the medians and the median of the ratios of the two
    samples of each round ("paired": they ran close together, so they saw the same load)."""
    ratios: dict[str, float] = {}
    for measure in MEASURES:
        ratios[measure] = numerator.summary(measure).median / denominator.summary(measure).median
        ratios[f"{measure}_paired"] = statistics.median(
            getattr(mine, measure) / getattr(theirs, measure)
            for mine, theirs in zip(numerator.samples, denominator.samples, strict=True)
        )
    return ratios


def marginal_cost(results: dict[Case, CaseResult], variant: str, measure: str) -> dict[str, float]:
    """Per-endpoint cost from 1 to 50 and from 50 to 200 endpoints (medians)."""
    medians = {
        size: results[Case(variant, size)].summary(measure).median
        for size in (1, 50, 200)
        if Case(variant, size) in results
    }
    costs: dict[str, float] = {}
    if 1 in medians and 50 in medians:
        costs["1-50"] = (medians[50] - medians[1]) / 49
    if 50 in medians and 200 in medians:
        costs["50-200"] = (medians[200] - medians[50]) / 150
    return costs


def analyse(results: list[CaseResult]) -> dict[str, Any]:
    """Ratios at each size, marginal costs and whether the targets are met."""
    by_case = {result.case: result for result in results}
    ratios: dict[str, dict[str, float]] = {}
    for other in ("l1", "alpha"):
        for case in sorted(by_case, key=_size):
            if case.variant == "construct" and Case(other, case.endpoints) in by_case:
                ratios[f"construct/{other}@{case.endpoints}"] = ratios_of(
                    by_case[case], by_case[Case(other, case.endpoints)]
                )
    targets: dict[str, bool] = {}
    for key, values in ratios.items():
        if key.startswith("construct/l1"):
            targets[f"{key} time <= {TIME_TARGET}"] = values["wall"] <= TIME_TARGET
            targets[f"{key} memory <= {MEMORY_TARGET}"] = values["peak_mib"] <= MEMORY_TARGET
        else:
            targets[f"{key} time < 1"] = values["wall"] < 1
    marginal = {
        f"{variant} {measure}": marginal_cost(by_case, variant, measure)
        for variant in ("l1", "construct", "alpha")
        for measure in MEASURES
    }
    return {
        "ratios": ratios,
        "targets": targets,
        "marginal": {key: value for key, value in marginal.items() if value},
    }


def machine_facts() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    cpu_model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu_model = match.group(1) if match else ""
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": len(os.sched_getaffinity(0)),
        "cpu": cpu_model,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "node": _command_output(["node", "--version"]),
        "commit": _command_output(["git", "rev-parse", "--short", "HEAD"]),
        "versions": versions,
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


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


def _spread(summary: Summary, unit: str, digits: int) -> str:
    return (
        f"{summary.median:.{digits}f} {unit} "
        f"({summary.minimum:.{digits}f} to {summary.maximum:.{digits}f})"
    )


def markdown(
    *,
    results: list[CaseResult],
    analysis: dict[str, Any],
    facts: dict[str, Any],
    repetitions: int,
    test_suite: dict[str, float] | None,
) -> str:
    """The results as Markdown: cases, ratios, marginal costs, targets, machine."""
    lines = [
        "| case | endpoints | wall time | CPU time | peak memory (tree) |",
        "|---|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.case.variant} | {result.case.endpoints} "
            f"| {_spread(result.summary('wall'), 's', 2)} "
            f"| {_spread(result.summary('cpu'), 's', 2)} "
            f"| {_spread(result.summary('peak_mib'), 'MiB', 0)} |"
        )
    lines += [
        "",
        "| ratio of medians (paired) | wall time | CPU time | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for key, values in analysis["ratios"].items():
        cells = [f"{values[m]:.3f} ({values[m + '_paired']:.3f})" for m in MEASURES]
        lines.append(f"| {key} | {' | '.join(cells)} |")
    lines += ["", "| per extra endpoint (medians) | 1 → 50 | 50 → 200 |", "|---|---:|---:|"]
    for key, costs in analysis["marginal"].items():
        unit = "MiB" if key.endswith("peak_mib") else "ms"
        scale = 1.0 if unit == "MiB" else 1000.0
        cells = [
            f"{costs[span] * scale:.1f} {unit}" if span in costs else "-"
            for span in ("1-50", "50-200")
        ]
        lines.append(f"| {key.replace('peak_mib', 'memory')} | {cells[0]} | {cells[1]} |")
    lines += ["", "Targets (on the ratios of medians of wall time and peak memory):", ""]
    lines += [
        f"- {'met' if met else 'MISSED'}: {name}" for name, met in analysis["targets"].items()
    ]
    versions = ", ".join(f"{name} {version}" for name, version in facts["versions"].items())
    lines += [
        "",
        f"Medians of {repetitions} samples per case (min to max in brackets), round-robin, "
        f"{facts['date']}, commit {facts['commit']}. Paired ratio: the median over the rounds "
        "of the ratio of the two samples of one round, which ran close together.",
        f"Machine: {facts['cores']} cores ({facts['cpu']}), {facts['os']}, "
        f"Python {facts['python']}, Node {facts['node']}; {versions}. "
        f"Load average at start {facts['load_average_at_start']}, "
        f"at end {facts['load_average_at_end']}.",
    ]
    if test_suite is not None:
        lines.append(
            f"Test suite (`pytest`, one run after the benchmark): "
            f"{test_suite['pytest_seconds']:.1f} s by pytest, "
            f"{test_suite['process_seconds']:.1f} s for the whole process."
        )
    return "\n".join(lines) + "\n"


def write_results(
    *,
    output: Path,
    results: list[CaseResult],
    analysis: dict[str, Any],
    facts: dict[str, Any],
    repetitions: int,
    test_suite: dict[str, float] | None,
) -> str:
    """Write `<output>.json` (every sample) and `<output>.md`; return the Markdown."""
    table = markdown(
        results=results,
        analysis=analysis,
        facts=facts,
        repetitions=repetitions,
        test_suite=test_suite,
    )
    document = {
        "machine": facts,
        "repetitions": repetitions,
        "method": __doc__,
        "cases": {
            str(result.case): {
                "summary": {
                    measure: asdict(result.summary(measure))
                    for measure in ("wall", "cpu", "peak_mib", "concurrent_peak_mib")
                },
                "samples": [asdict(sample) for sample in result.samples],
            }
            for result in results
        },
        **analysis,
        "test_suite": test_suite,
    }
    output.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n")
    header = (
        "# Synthesis benchmark\n\nWritten by `make bench` (`benchmarks/synth_benchmark.py`).\n\n"
    )
    output.with_suffix(".md").write_text(header + table)
    return table


def profile(case: Case, top: int) -> None:
    """cProfile one app process and count its jsii round trips (two runs: the counting
    wrapper would skew the profile)."""
    with tempfile.TemporaryDirectory(prefix="mce-profile-") as workdir:
        stats_file = os.path.join(workdir, "profile.out")
        counts_file = os.path.join(workdir, "jsii.json")
        base = child_command(case, os.path.join(workdir, "out"))
        for command in (
            [*base[:1], "-m", "cProfile", "-o", stats_file, *base[1:]],
            [*base, "--count-jsii", counts_file],
        ):
            subprocess.run(command, cwd=REPO, env=child_env(), check=True)
        stats = pstats.Stats(stats_file)
        stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)
        stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
        counts = json.loads(Path(counts_file).read_text())
    print(f"jsii round trips for {case}: {json.dumps(counts)}")


def parse_args(argv: Iterable[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--repetitions",
        type=int,
        default=DEFAULT_REPETITIONS,
        help=f"samples per case (default {DEFAULT_REPETITIONS})",
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        default=list(DEFAULT_CASES),
        metavar="VARIANT:ENDPOINTS",
        help="the cases to run (default: all)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=BENCHMARKS / "results",
        help="where to write .md and .json (default benchmarks/results)",
    )
    parser.add_argument(
        "--no-test-suite", action="store_true", help="do not time the test suite afterwards"
    )
    parser.add_argument(
        "--profile", metavar="VARIANT:ENDPOINTS", help="profile one case instead of measuring"
    )
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to print")
    return parser.parse_args(list(argv) if argv is not None else None)


def main(argv: Iterable[str] | None = None) -> None:
    args = parse_args(argv)
    if args.profile:
        profile(Case.parse(args.profile), args.top)
        return
    facts = machine_facts()
    cases = [Case.parse(text) for text in args.cases]
    results = run_round_robin(cases, args.repetitions)
    facts["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    test_suite = None if args.no_test_suite else time_test_suite()
    analysis = analyse(results)
    print()
    print(
        write_results(
            output=args.output,
            results=results,
            analysis=analysis,
            facts=facts,
            repetitions=args.repetitions,
            test_suite=test_suite,
        )
    )


if __name__ == "__main__":
    main()
