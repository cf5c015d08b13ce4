# calmlink: `make demo` and `make test` work on a fresh machine with only Python >= 3.11 and make.
#
# Installer: uv, bootstrapped into the venv with pip. A fresh install of the whole dev set took
# 50-70 s with plain pip here and about 13 s with uv, and uv resolves the same PyPI packages,
# so the one extra step pays for itself on every fresh clone and CI run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?=
# worker processes for the suite: most tests wait on a server, browser or subprocess
PYTEST_WORKERS ?= 3

.PHONY: demo test lint bench fuzz clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -e '.[dev,bench]'
	@# byte-compile our own code too, so start-up stays fast where PYTHONDONTWRITEBYTECODE is set
	@$(BIN)/python -m compileall -q calmlink >/dev/null
	@touch $(STAMP)

demo: $(STAMP)
	@echo "calmlink demo: open http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(BIN)/calmlink demo --port $(PORT)

# pytest exits 5 when it collected no tests: treat that as a failure, never as a pass.
test: $(STAMP)
	@$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: the suite is broken" >&2; exit 1; fi; \
	exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check calmlink tests benchmarks fuzz
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# compiled first: where PYTHONDONTWRITEBYTECODE is set, a module changed since the install would
# otherwise be compiled again at every start of every timed process
bench: $(STAMP)
	@$(BIN)/python -m compileall -q calmlink >/dev/null
	$(BIN)/python -m benchmarks

# Coverage-guided fuzzing of the payload parser and the RR file readers, bounded in time; never in CI.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	@$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/uv pip install --python $(BIN)/python --quiet atheris
	$(BIN)/python fuzz/fuzz_parsers.py hrs -max_total_time=$(FUZZ_SECONDS)
	$(BIN)/python fuzz/fuzz_parsers.py rr -max_total_time=$(FUZZ_SECONDS)
	$(BIN)/python fuzz/fuzz_parsers.py pmd -max_total_time=$(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
