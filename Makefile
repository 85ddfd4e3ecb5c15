# Every target depends on `install`, so any of them works as the first command on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install generate diff check-generated lint typecheck test fuzz-generator contract contract-repeat emulator st-emulator bench bench-generate bench-emulator bench-history bench-client bench-contract clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv with the toolkit, the emulator's distribution and the generated package (editable) and the dev tools

# The toolkit with its dependencies, then the emulator's distribution and the generated package in
# place of the copies the first step installed, so edits in the clone take effect (pip refuses an
# editable install beside a dependency's direct reference to the same folder in one step).
$(STAMP): pyproject.toml emulator/pyproject.toml generated/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e ./emulator -e ./generated
	@touch $@

generate: $(STAMP) ## Regenerate generated/ from spec/ (upstream + overlays) and templates/
	$(BIN)/deployments-generator generate

diff: $(STAMP) ## API changes from OLD= (a spec file or a git revision, e.g. OLD=HEAD~1) to NEW= (default: the vendored spec), overlays applied (an action the old spec lacks is skipped, and said); exit 1 if any is breaking
	@test -n "$(OLD)" || { echo "usage: make diff OLD=<old-spec.yml or git revision> [NEW=new-spec.yml] [FORMAT=json]"; exit 2; }
	$(BIN)/deployments-generator diff $(OLD) $(or $(NEW),spec/paperspace-deployments-api-openapi.yml) --format $(or $(FORMAT),text)

check-generated: $(STAMP) ## Fail if generated/ is not exactly what `make generate` would write
	$(BIN)/deployments-generator check

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff check generated
	$(BIN)/ruff format --check .

typecheck: $(STAMP) ## mypy --strict on the generator, the generated package, the emulator, the suite and the tests
	$(BIN)/mypy

# the tests wait on servers and child processes about half the time: twice the cores keeps both busy
TEST_WORKERS ?= 4

test: $(STAMP) ## The project's tests: generated-output check, lint, mypy, pytest on every core (TEST_WORKERS=N; the slowest shown)
	$(BIN)/deployments-generator check
	$(MAKE) --no-print-directory lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=15

FUZZ_EXAMPLES ?= 5000
FUZZ_TEST := tests/generator/test_fuzz_generator.py

# new random examples each run (make test runs 25 fixed ones); the summary is printed even when
# pytest fails, and pytest's exit status is the target's
fuzz-generator: $(STAMP) ## Fuzz the generator with Hypothesis: FUZZ_EXAMPLES=5000 random hostile specs (FUZZ_KEEP_GOING=1 to record every failure without shrinking); prints how many ran, how long, what failed
	@summary=$$(mktemp); \
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 FUZZ_KEEP_GOING=$(FUZZ_KEEP_GOING) FUZZ_SUMMARY=$$summary \
		$(BIN)/python -m pytest -p no:cacheprovider -q --hypothesis-show-statistics \
		$(FUZZ_TEST)::test_generator_answers_hostile_text_with_a_safe_package_or_a_located_error \
		$(FUZZ_TEST)::test_the_fuzzing_run_found_no_failure; \
	status=$$?; echo; cat $$summary; rm -f $$summary; exit $$status

# the options reach the suite as CONTRACT_* variables; exported here rather than written on the
# recipe's command line, which make echoes (tokens would be printed)
contract: export CONTRACT_BASE_URL := $(or $(BASE_URL),$(CONTRACT_BASE_URL))
contract: export CONTRACT_API_TOKEN := $(or $(API_TOKEN),$(CONTRACT_API_TOKEN))
contract: export CONTRACT_OTHER_TEAM_TOKEN := $(or $(OTHER_TEAM_TOKEN),$(CONTRACT_OTHER_TEAM_TOKEN))
contract: export CONTRACT_PROFILE := $(or $(PROFILE),$(CONTRACT_PROFILE))
contract: export CONTRACT_SEED := $(or $(SEED),$(CONTRACT_SEED))
contract: export CONTRACT_BASELINE := $(or $(BASELINE),$(CONTRACT_BASELINE))
contract: export CONTRACT_RECORD_DEVIATIONS := $(or $(RECORD),$(CONTRACT_RECORD_DEVIATIONS))
contract: export CONTRACT_NO_SHRINK := $(or $(NO_SHRINK),$(CONTRACT_NO_SHRINK))
contract: export CONTRACT_ALLOW_WRITES := $(or $(ALLOW_WRITES),$(CONTRACT_ALLOW_WRITES))
contract: export CONTRACT_MAX_CREATED := $(or $(MAX_CREATED),$(CONTRACT_MAX_CREATED))
contract: export CONTRACT_WORKERS := $(or $(WORKERS),$(CONTRACT_WORKERS))
contract: export CONTRACT_MAX_RESPONSE_TIME := $(or $(MAX_RESPONSE_TIME),$(CONTRACT_MAX_RESPONSE_TIME))
contract: $(STAMP) ## The conformance suite (default: the embedded emulator; BASE_URL= API_TOKEN= OTHER_TEAM_TOKEN= PROFILE=quick|full SEED= WORKERS= ALLOW_WRITES=1 MAX_CREATED= MAX_RESPONSE_TIME= BASELINE= RECORD=1 NO_SHRINK=1; or deployments-contract.toml)
	$(BIN)/deployments-contract

RUNS ?= 30

contract-repeat: $(STAMP) ## The conformance suite against the embedded emulator RUNS=30 times in a row: exit code and Schemathesis test cases of each run; fails unless every run is green
	$(BIN)/python bench/contract_repeat.py --runs $(RUNS)

emulator: $(STAMP) ## Run the emulator on 127.0.0.1:8000 (pass options as ARGS="--clock manual --db :memory:")
	$(BIN)/deployments-emulator $(ARGS)

st-emulator: $(STAMP) ## Schemathesis `st run`, every check and two teams, against the emulator (ST_SECONDS=120)
	$(BIN)/python tests/st_emulator.py --max-time $(or $(ST_SECONDS),120)

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@touch $@

bench: $(BENCH_STAMP) ## Every benchmark against its peers; writes bench/RESULTS.md and bench/results/*.png (FAST=1 for a quick try)
	$(BIN)/python bench/run.py $(if $(FAST),--fast) $(if $(ONLY),--only $(ONLY))

bench-generate: $(STAMP) ## The generation benchmark alone (vs openapi-python-client and datamodel-code-generator; synthetic specs)
	$(BIN)/python bench/generate_speed.py

bench-emulator: $(STAMP) ## The emulator benchmark alone (req/s, p50/p99 vs prism mock; wrk or bench/loadgen.py)
	$(BIN)/python bench/emulator_speed.py

bench-history: $(STAMP) ## The emulator's cost against history alone (10,000 revisions vs 1; 100k mixed requests; hostile bodies)
	$(BIN)/python -m bench.emulator_history

bench-client: $(STAMP) ## The client benchmark alone (per-request cost and import time vs raw httpx and openapi-python-client)
	$(BIN)/python bench/client_speed.py

bench-contract: $(STAMP) ## The contract-suite benchmark alone (quick and full vs st run against prism mock)
	$(BIN)/python bench/contract_speed.py

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
