"""A property-based sweep over the whole configuration space of `MultiContainerEndpoint`.

- `model.py`: a configuration (`Case`) as plain data, how it is built into a fresh stack, and
  which problems the service rules (SERVICE_RULES.md) make of it: the sweep's oracle.
- `strategies.py`: one Hypothesis strategy per option; `cases()` draws whole configurations.
- `checks.py`: what every accepted template must satisfy, and how a refusal must read.
- `iam_lint.py`: the execution policy with literal ARNs, through the `parliament` linter.
- `known_issues.py`: failures already filed, skipped until their fix lands (remove the entry
  then).
- `profiles.py`: the Hypothesis settings profiles (`make test` and `make test-deep`).

The single-variant form (`containers=`, `mode=` and the variant's options) and the `variants=`
form (`Case.variants`, one `Variant` spec each) are drawn alike; a problem of one variant is a
`Where` with its `variant` index, which the construct names `variants[i] ('name').<field>`.

To add an option: a spec class in `model.py` (its keyword arguments, its build and its
problems), a strategy in `strategies.py` added to `OPTIONS`, and where its value is create-only,
a mutation in `strategies.MUTATIONS`.
"""
