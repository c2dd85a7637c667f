# Everything installs on first use: `make synth` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The compliance scanners live apart (checkov's dependency tree is large): make compliance only.
COMPLIANCE_VENV := .venv-compliance
COMPLIANCE_PY := $(COMPLIANCE_VENV)/bin/python
COMPLIANCE_STAMP := $(COMPLIANCE_VENV)/.installed
CDK := node_modules/.bin/cdk
STACK := MceSampleStack

# Node 20 still runs jsii and the CDK CLI; keep their end-of-life banner out of every run.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true

.PHONY: synth test test-deep lint docs package-check bench bench-smoke compliance clean

$(PY_STAMP): pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(COMPLIANCE_STAMP): compliance/requirements.txt
	$(PYTHON) -m venv $(COMPLIANCE_VENV)
	$(COMPLIANCE_PY) -m pip install --quiet --disable-pip-version-check -r compliance/requirements.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## synth: synthesize the sample app with the pinned cdk CLI (offline) and say where the template is
synth: $(PY_STAMP) $(NODE_STAMP)
	$(CDK) synth --quiet --no-notices --no-version-reporting
	@echo "Template: $(CURDIR)/cdk.out/$(STACK).template.json"

## test: lint, type-check and run the whole test suite (on both cores: each test file stays in
## one process, so a module's shared synthesis is made once)
test: $(PY_STAMP) $(NODE_STAMP) lint
	$(PY) -m pytest -n 2 --dist loadfile

## test-deep: the property-based sweep with thousands of random examples (several minutes;
## failures are kept in .hypothesis/ and replayed first; see tests/sweep/profiles.py)
test-deep: $(PY_STAMP) $(NODE_STAMP)
	MCE_SWEEP_PROFILE=sweep-deep $(PY) -m pytest tests/sweep --hypothesis-show-statistics

lint: $(PY_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## docs: the API reference from the docstrings, into build/docs (not committed); a warning fails it
## (pdoc imports the package, and jsii starts node when aws_cdk is imported: PDOC_ALLOW_EXEC)
PDOC_MODULES := mce_constructs mce_constructs.testing
docs: $(PY_STAMP)
	rm -rf build/docs
	PDOC_ALLOW_EXEC=1 $(PY) -W error::UserWarning -m pdoc --output-directory build/docs $(PDOC_MODULES)
	@echo "API reference: $(CURDIR)/build/docs/index.html"

## package-check: build the wheel and the sdist, check them, install the wheel into a fresh
## virtualenv with only its runtime dependencies, synthesize an app with it and type-check it
package-check: $(PY_STAMP)
	PYTHON=$(PYTHON) .ci/package-check

## bench: synthesis time and memory against hand-written L1 and the alpha L2 (pinned in the
## development tree: nothing is installed)
## (options: make bench BENCH_ARGS="--repetitions 5"; see --help)
bench: $(PY_STAMP)
	$(PY) -m benchmarks.synth_benchmark $(BENCH_ARGS)

## bench-smoke: the benchmark's own tests, then one sample of a few small cases, end to end
## (CI; no timing is judged)
bench-smoke: $(PY_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider benchmarks
	$(PY) -m benchmarks.synth_benchmark --smoke

## compliance: cdk-nag's AwsSolutions, HIPAA, NIST 800-53 R4 and R5 and PCI DSS 3.2.1 packs, the
## Guard plugin with the AWS Guard Rules Registry (a copy in compliance/) and checkov, offline, on
## app.py and on an app with every option; prints the compliance table of docs/security.md and
## fails on a finding that is neither acknowledged with its reason nor the user's choice
compliance: $(COMPLIANCE_STAMP)
	$(COMPLIANCE_PY) -m compliance

clean:
	rm -rf $(VENV) $(COMPLIANCE_VENV) node_modules cdk.out
