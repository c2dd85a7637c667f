"""The sweep's Hypothesis settings profiles.

- `sweep` (the default, in `make test`): few examples, derandomized (the same examples on every
  run and machine, no example database), so CI is reproducible and takes a few seconds.
- `sweep-deep` (`make test-deep`, or `MCE_SWEEP_PROFILE=sweep-deep`): thousands of random
  examples; failures are saved in `.hypothesis/` and replayed first on the next run.

Each test asks for a share of the profile's examples (`examples`), so that the expensive tests
run fewer of them.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "MCE_SWEEP_PROFILE"
DEFAULT = "sweep"
DEEP = "sweep-deep"
SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]

settings.register_profile(
    DEFAULT,
    max_examples=5,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=SLOW,
    print_blob=False,
)
settings.register_profile(
    DEEP,
    # `MCE_SWEEP_EXAMPLES=300 make test-deep` for a shorter run.
    max_examples=int(os.environ.get("MCE_SWEEP_EXAMPLES", "1000")),
    deadline=None,
    suppress_health_check=SLOW,
    print_blob=True,
)
settings.load_profile(os.environ.get(PROFILE_VARIABLE, DEFAULT))


def examples(share: float) -> int:
    """`share` of the loaded profile's examples (at least one)."""
    return max(1, round(settings().max_examples * share))
