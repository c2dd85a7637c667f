"""Run one benchmark app in a fresh process and measure it, as `cdk synth` runs an app.

Measured per process:
- wall time, from spawn to exit;
- work time: what the app itself measures from the moment the CDK is loaded (the jsii
  runtime and aws-cdk-lib) to the end of its synthesis, without the start and the exit of
  the processes, whose noise hides what one endpoint costs;
- CPU time (user + system) of the process tree, all threads: `os.wait4` returns the
  child's usage including every descendant it reaped, and Python reaps the jsii node
  process, which reaps its own node child (node's GC and compiler threads make it exceed
  the wall time on 2 cores);
- peak memory: the sum over the process tree (python, and jsii's two node processes) of each
  process's peak resident set (`VmHWM` in `/proc/<pid>/status`), read every 10 ms until the
  process exits. `VmHWM` is kept by the kernel, so the poll only has to see each process
  once before it exits; the concurrent peak of the tree's summed RSS is recorded too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .synth_app import UNAVAILABLE_EXIT_CODE, VariantUnavailableError

REPO = Path(__file__).resolve().parent.parent
APP_MODULE = "benchmarks.synth_app"
POLL_SECONDS = 0.01
BYTECODE_OFF = "PYTHONDONTWRITEBYTECODE"
CHILD_ENV = {
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "CDK_DISABLE_CLI_TELEMETRY": "true",
}


@dataclass(frozen=True, order=True)
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
    """One process: wall and CPU seconds, peak memory in MiB, and the seconds it spent building
    and synthesizing once the CDK was loaded."""

    wall: float
    cpu: float
    peak_mib: float
    concurrent_peak_mib: float
    work: float


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
    """The command that builds and synthesizes `case`'s app into `outdir`."""
    return [sys.executable, "-m", APP_MODULE, case.variant, str(case.endpoints), outdir]


WORK_TIME_FILE = "work-seconds.txt"
"""Where in its output directory an app writes how long it built and synthesized."""


def child_env() -> dict[str, str]:
    """The apps' environment: this one, with Python's bytecode cache on whatever
    `PYTHONDONTWRITEBYTECODE` says, as for an installed package (whose bytecode is compiled at
    install): otherwise every app process compiles this library's sources again
    (docs/benchmarks.md, "Bytecode")."""
    inherited = {key: value for key, value in os.environ.items() if key != BYTECODE_OFF}
    return {**inherited, **CHILD_ENV}


def run_once(case: Case) -> Sample:
    """Spawn one app process for `case` and measure it; `VariantUnavailableError` if its
    variant cannot be built here, RuntimeError if it fails."""
    outdir = tempfile.mkdtemp(prefix="mce-bench-")
    try:
        work_file = os.path.join(outdir, WORK_TIME_FILE)
        start = time.perf_counter()
        process = subprocess.Popen(
            [*child_command(case, outdir), "--work-time", work_file],
            cwd=REPO,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        with TreeMemoryMonitor(process.pid) as monitor:
            assert process.stderr is not None
            errors = process.stderr.read().decode(errors="replace")
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode == UNAVAILABLE_EXIT_CODE:
            raise VariantUnavailableError(errors.strip().splitlines()[-1])
        if process.returncode != 0:
            raise RuntimeError(f"{case} failed:\n{errors}")
        return Sample(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_mib=monitor.peak_mib,
            concurrent_peak_mib=monitor.concurrent_peak_kib / 1024,
            work=float(Path(work_file).read_text()),
        )
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
