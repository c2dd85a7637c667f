"""`--profile VARIANT:ENDPOINTS`: where one app's synthesis time goes.

Two processes: one under cProfile, one counting its jsii round trips by phase and by the
repository's function that made them (`jsii_calls.py`; the counting would skew the profile).
The round trips of the second and later endpoints, divided by their number, are what each
further endpoint costs: the first endpoint also pays the variant's imports.
"""

from __future__ import annotations

import json
import os
import pstats
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .measure import REPO, Case, child_command, child_env
from .synth_app import UNAVAILABLE_EXIT_CODE

PHASES = ("setup", "app", "stacks", "first endpoint", "further endpoints", "synth")


def _run(command: list[str], case: Case) -> None:
    completed = subprocess.run(command, cwd=REPO, env=child_env(), check=False)
    if completed.returncode == UNAVAILABLE_EXIT_CODE:
        raise SystemExit(f"cannot profile {case}: its variant is unavailable (see above)")
    completed.check_returncode()


def profile(case: Case, top: int) -> dict[str, Any]:
    """Print the cProfile of one process of `case` (cumulative, own time, then the library's
    own functions) and its jsii round trips; return the round trips by phase."""
    with tempfile.TemporaryDirectory(prefix="mce-profile-") as workdir:
        stats_file = os.path.join(workdir, "profile.out")
        counts_file = os.path.join(workdir, "jsii.json")
        base = child_command(case, os.path.join(workdir, "out"))
        _run([*base[:1], "-m", "cProfile", "-o", stats_file, *base[1:]], case)
        _run([*base, "--count-jsii", counts_file], case)
        stats = pstats.Stats(stats_file)
        stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)
        stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
        stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats("/mce_constructs/", top)
        phases: dict[str, Any] = json.loads(Path(counts_file).read_text())
    print(round_trip_report(case, phases))
    return phases


def round_trip_report(case: Case, phases: dict[str, Any]) -> str:
    """The round trips by phase, then those of one further endpoint by function and request."""
    total = sum(phase["round_trips"] for phase in phases.values())
    seconds = sum(phase["seconds"] for phase in phases.values())
    lines = [f"jsii round trips for {case}: {total} ({seconds:.2f} s waiting for answers)"]
    further = max(case.endpoints - 1, 1)
    for name in PHASES:
        if name not in phases:
            continue
        phase = phases[name]
        line = f"  {name:18} {phase['round_trips']:6} ({phase['seconds']:.2f} s)"
        if name == "further endpoints":
            line += (
                f", {phase['round_trips'] / further:.1f} per endpoint "
                f"({1000 * phase['seconds'] / further:.1f} ms)"
            )
        lines.append(line)
    name = "further endpoints" if case.endpoints > 1 else "first endpoint"
    if name in phases:
        lines += ["", f"Round trips per endpoint ({name}), by function and request:"]
        for function, calls in phases[name]["functions"].items():
            lines.append(
                f"  {calls['round_trips'] / further:6.1f} "
                f"{1000 * calls['seconds'] / further:6.1f} ms  {function}"
            )
            for request, requests in calls["requests"].items():
                lines.append(f"  {requests / further:6.1f}            {request}")
    return "\n".join(lines)
