"""From samples to verdicts: medians and spreads, paired ratios, marginal costs, targets.

The cases run round-robin, so sample `r` of every case comes from round `r`: the samples of
one round ran close together and saw the same load. Every ratio is therefore computed within
each round first ("paired"), and its median and spread over the rounds are reported, next to
the ratio of the medians. The marginal cost of an endpoint is likewise computed per round,
`(t(large) - t(small)) / (large - small)` between a variant's smallest and largest sizes
(1 and 200 in the full run), and divided by L1's of the same round.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from .measure import Case, Sample

MEASURES = ("wall", "work", "cpu", "peak_mib")
RATIO_MEASURES = ("wall", "work", "cpu")
"""Measures whose marginal costs are compared: memory barely grows per endpoint, so a ratio of
two near-zero growths would say nothing."""
BASELINE = "l1"
FLOOR = "empty"
TIME_TARGET = 1.05
"""construct / L1 at most this on whole-process wall time, at every size (issue 15)."""
MARGINAL_TARGET = 1.0
"""construct / L1 at most this on the time each further endpoint costs (issue 15): judged on
the whole process's wall time, and on the app's own work time (`measure.py`), which leaves out
the start and the exit of the processes and their noise."""
MARGINAL_MEASURES = (("wall time", "wall"), ("work time", "work"))
MEMORY_TARGET = 1.10
"""construct / L1 at most this on peak memory, at every size (issue 15)."""
ALPHA_TARGET = 1.0
"""construct / alpha L2 below this on whole-process wall time (issue 8)."""
WHOLE_PROCESS_LIMITS = (
    ("whole-process wall time", BASELINE, "wall", TIME_TARGET, False),
    ("peak memory", BASELINE, "peak_mib", MEMORY_TARGET, False),
    ("whole-process wall time", "alpha", "wall", ALPHA_TARGET, True),
)
"""(what, against which variant, measure, limit, strictly below) for the construct's ratios."""


@dataclass(frozen=True)
class Spread:
    """Median, extremes and quartiles of some values."""

    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if len(values) > 1:
            q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        else:
            q1 = q3 = values[0]
        return cls(statistics.median(values), min(values), max(values), q1, q3)


@dataclass
class CaseResult:
    """The samples of one case, one per round, in round order."""

    case: Case
    samples: list[Sample] = field(default_factory=list)

    def values(self, measure: str) -> list[float]:
        return [getattr(sample, measure) for sample in self.samples]

    def summary(self, measure: str) -> Spread:
        return Spread.of(self.values(measure))


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator on one measure: per round (paired) and of the medians."""

    numerator: str
    denominator: str
    measure: str
    paired: Spread
    of_medians: float


@dataclass(frozen=True)
class Marginal:
    """What each endpoint from `small` to `large` costs one variant, per round."""

    variant: str
    small: int
    large: int
    measure: str
    per_round: list[float]
    of_medians: float

    @property
    def spread(self) -> Spread:
        return Spread.of(self.per_round)


@dataclass(frozen=True)
class Target:
    """A limit on the paired median of a ratio."""

    name: str
    ratio: Ratio
    limit: float
    strict: bool = False
    """Below the limit (not at most)."""

    @property
    def met(self) -> bool:
        value = self.ratio.paired.median
        return value < self.limit if self.strict else value <= self.limit

    @property
    def uncertain(self) -> bool:
        """The middle half of the paired ratios lies on both sides of the limit."""
        return self.ratio.paired.q1 <= self.limit < self.ratio.paired.q3


@dataclass
class Analysis:
    """Everything the report shows beyond the per-case medians."""

    whole_process: dict[int, list[Ratio]]
    """Endpoints -> ratios of whole-process measures between variants at that size."""
    marginal: list[Marginal]
    marginal_ratios: list[Ratio]
    targets: list[Target]


def paired_ratio(
    numerator: str,
    denominator: str,
    measure: str,
    mine: Sequence[float],
    theirs: Sequence[float],
) -> Ratio | None:
    """The ratio of two series of the same rounds; None if a denominator is zero. (A marginal
    cost can come out negative in a round when the machine's noise exceeds it, as between 1 and
    2 endpoints: such a ratio is kept and shows in the spread.)"""
    if not theirs or 0 in theirs or statistics.median(theirs) == 0:
        return None
    return Ratio(
        numerator,
        denominator,
        measure,
        Spread.of([a / b for a, b in zip(mine, theirs, strict=True)]),
        statistics.median(mine) / statistics.median(theirs),
    )


def marginal_cost(small: CaseResult, large: CaseResult, measure: str) -> Marginal:
    """Per round, what each endpoint beyond `small`'s costs up to `large`'s."""
    endpoints = large.case.endpoints - small.case.endpoints
    return Marginal(
        variant=small.case.variant,
        small=small.case.endpoints,
        large=large.case.endpoints,
        measure=measure,
        per_round=[
            (big - little) / endpoints
            for little, big in zip(small.values(measure), large.values(measure), strict=True)
        ],
        of_medians=(large.summary(measure).median - small.summary(measure).median) / endpoints,
    )


def _pairs(variants: Sequence[str]) -> list[tuple[str, str]]:
    """Every variant against L1; the construct against the alpha L2, and the two-variant
    endpoint against the plain one."""
    pairs = [(variant, BASELINE) for variant in variants if variant not in (BASELINE, FLOOR)]
    for numerator, denominator in (("construct", "alpha"), ("construct-ab", "construct")):
        if numerator in variants and denominator in variants:
            pairs.append((numerator, denominator))
    return pairs


def analyse(results: Sequence[CaseResult]) -> Analysis:
    """Paired ratios at each size, marginal costs and their ratios, and the targets."""
    by_case = {result.case: result for result in results}
    pairs = _pairs(list(dict.fromkeys(result.case.variant for result in results)))
    whole_process = _whole_process_ratios(by_case, pairs)
    marginal = _marginal_costs(by_case)
    marginal_ratios = _marginal_ratios(marginal, pairs)
    return Analysis(
        whole_process=whole_process,
        marginal=list(marginal.values()),
        marginal_ratios=marginal_ratios,
        targets=_targets(whole_process, marginal_ratios),
    )


def _whole_process_ratios(
    by_case: dict[Case, CaseResult], pairs: list[tuple[str, str]]
) -> dict[int, list[Ratio]]:
    ratios: dict[int, list[Ratio]] = {}
    for size in sorted({case.endpoints for case in by_case if case.endpoints > 0}):
        for numerator, denominator in pairs:
            mine, theirs = by_case.get(Case(numerator, size)), by_case.get(Case(denominator, size))
            if mine is None or theirs is None:
                continue
            for measure in MEASURES:
                ratio = paired_ratio(
                    numerator, denominator, measure, mine.values(measure), theirs.values(measure)
                )
                if ratio is not None:
                    ratios.setdefault(size, []).append(ratio)
    return ratios


def _marginal_costs(by_case: dict[Case, CaseResult]) -> dict[tuple[str, str], Marginal]:
    """(variant, measure) -> marginal cost between the variant's smallest and largest sizes."""
    costs: dict[tuple[str, str], Marginal] = {}
    for variant in dict.fromkeys(case.variant for case in by_case):
        sizes = sorted(case.endpoints for case in by_case if case.variant == variant)
        sizes = [size for size in sizes if size > 0]
        if variant == FLOOR or len(sizes) < 2:
            continue
        small, large = by_case[Case(variant, sizes[0])], by_case[Case(variant, sizes[-1])]
        for measure in MEASURES:
            costs[(variant, measure)] = marginal_cost(small, large, measure)
    return costs


def _marginal_ratios(
    costs: dict[tuple[str, str], Marginal], pairs: list[tuple[str, str]]
) -> list[Ratio]:
    """Paired ratios of the marginal costs over the same span of endpoints."""
    ratios: list[Ratio] = []
    for numerator, denominator in pairs:
        for measure in RATIO_MEASURES:
            mine, theirs = costs.get((numerator, measure)), costs.get((denominator, measure))
            if mine is None or theirs is None:
                continue
            if (mine.small, mine.large) != (theirs.small, theirs.large):
                continue
            ratio = paired_ratio(numerator, denominator, measure, mine.per_round, theirs.per_round)
            if ratio is not None:
                ratios.append(ratio)
    return ratios


def find_ratio(
    ratios: Sequence[Ratio], numerator: str, denominator: str, measure: str
) -> Ratio | None:
    """The ratio of `numerator` to `denominator` on `measure` among `ratios`, if there."""
    for ratio in ratios:
        if (ratio.numerator, ratio.denominator, ratio.measure) == (numerator, denominator, measure):
            return ratio
    return None


def _targets(whole_process: dict[int, list[Ratio]], marginal: list[Ratio]) -> list[Target]:
    """Issue 15's targets at every size measured, and issue 8's construct < alpha L2."""
    targets: list[Target] = []
    for size, ratios in whole_process.items():
        for label, denominator, measure, limit, strict in WHOLE_PROCESS_LIMITS:
            ratio = find_ratio(ratios, "construct", denominator, measure)
            if ratio is not None:
                name = (
                    f"{label}, {size} endpoint{'s' if size > 1 else ''}, construct / {denominator}"
                )
                targets.append(Target(name, ratio, limit, strict))
    for label, measure in MARGINAL_MEASURES:
        ratio = find_ratio(marginal, "construct", BASELINE, measure)
        if ratio is not None:
            name = f"{label} per further endpoint, construct / {BASELINE}"
            targets.append(Target(name, ratio, MARGINAL_TARGET))
    return targets
