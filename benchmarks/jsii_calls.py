"""Count the round trips Python makes to the jsii runtime, by phase of the app and by the
function of this repository that made them.

Each request Python sends to jsii's node process waits for its answer: the unit of synthesis
cost (its figure is in docs/benchmarks.md). A request is attributed to the innermost frame of
the repository's code (`mce_constructs/` or `benchmarks/`) on the stack when it is sent, so a
call that aws-cdk-lib's Python layer makes on the construct's behalf counts for the construct's
function that called it.
"""

from __future__ import annotations

import collections
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROJECT_DIRS = tuple(f"{REPO / package}/" for package in ("mce_constructs", "benchmarks"))
THIS_FILE = str(Path(__file__).resolve())


@dataclass
class RoundTrips:
    """Round trips and the seconds spent waiting for them, by (phase, function, request)."""

    current: str = "setup"
    calls: dict[tuple[str, str, str], list[float]] = field(
        default_factory=lambda: collections.defaultdict(lambda: [0, 0.0])
    )

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Attribute the round trips made inside the block to phase `name`."""
        previous, self.current = self.current, name
        try:
            yield
        finally:
            self.current = previous

    def record(self, request: Any, seconds: float, frame: FrameType | None) -> None:
        entry = self.calls[(self.current, _caller(frame), _label(request))]
        entry[0] += 1
        entry[1] += seconds

    def to_json(self) -> dict[str, Any]:
        """{phase: {round_trips, seconds, functions: {function: {round_trips, seconds,
        requests: {request: round_trips}}}}}, most round trips first."""
        phases: dict[str, Any] = {}
        for (phase, function, label), (count, seconds) in self.calls.items():
            entry = phases.setdefault(phase, {"round_trips": 0, "seconds": 0.0, "functions": {}})
            caller = entry["functions"].setdefault(
                function, {"round_trips": 0, "seconds": 0.0, "requests": {}}
            )
            for totals in (entry, caller):
                totals["round_trips"] += int(count)
                totals["seconds"] += seconds
            caller["requests"][label] = caller["requests"].get(label, 0) + int(count)
        for entry in phases.values():
            entry["seconds"] = round(entry["seconds"], 4)
            for caller in entry["functions"].values():
                caller["seconds"] = round(caller["seconds"], 4)
                caller["requests"] = dict(_most_first(caller["requests"], lambda n: n))
            entry["functions"] = dict(
                _most_first(entry["functions"], lambda caller: caller["round_trips"])
            )
        return phases


def _most_first(items: dict[str, Any], key: Any) -> list[tuple[str, Any]]:
    return sorted(items.items(), key=lambda item: (-key(item[1]), item[0]))


def _caller(frame: FrameType | None) -> str:
    """`path:qualified name` of the innermost function of the repository on the stack."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(PROJECT_DIRS) and filename != THIS_FILE:
            return f"{Path(filename).relative_to(REPO)}:{frame.f_code.co_qualname}"
        frame = frame.f_back
    return "(outside the repository)"


def _label(request: Any) -> str:
    """What a jsii request asks for: its kind, the type and the method or property named."""
    kind = type(request).__name__.removesuffix("Request").lstrip("_")
    objref = getattr(request, "objref", None)
    target = getattr(request, "fqn", None) or (objref.ref.partition("@")[0] if objref else "")
    member = getattr(request, "method", None) or getattr(request, "property", None)
    return " ".join(part for part in (kind, target, member) if part)


@contextmanager
def counting_round_trips() -> Iterator[RoundTrips]:
    """Count every request Python sends to the jsii runtime while the block runs."""
    from jsii._kernel.providers import process

    trips = RoundTrips()
    send = process._NodeProcess.send

    def counted_send(self: Any, request: Any, response_type: Any) -> Any:
        start = time.perf_counter()
        try:
            return send(self, request, response_type)
        finally:
            trips.record(request, time.perf_counter() - start, sys._getframe(1))

    process._NodeProcess.send = counted_send  # type: ignore[method-assign]
    try:
        yield trips
    finally:
        process._NodeProcess.send = send  # type: ignore[method-assign]
