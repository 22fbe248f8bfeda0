# Two entry points for a fresh checkout with only Python 3.11 and make:
#   make demo   set up and launch the app on a demo vault
#   make test   set up and run every check and test
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint setup bench clean

# Some shells and CI images set PYTHONDONTWRITEBYTECODE: then every Python process (each pytest
# worker, each subprocess a test starts, mypy, lint-imports) compiles Textual, SQLAlchemy, hypothesis
# and the rest from source again, about 3 s of CPU each. Cached bytecode in .venv and the
# (git-ignored) __pycache__ folders holds no data, only compiled code.
unexport PYTHONDONTWRITEBYTECODE

# uv installs the same pinned packages as pip in about a third of the time (10 s instead of 33 s
# here: it downloads and unpacks in parallel). pip installs uv itself, and pip alone is the
# fallback wherever uv cannot run or reach the index.
UV_VERSION := 0.13.9

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	{ $(BIN)/pip install --quiet uv==$(UV_VERSION) && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'; } || \
	  $(BIN)/pip install --quiet --no-compile -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/kim demo

lint: $(STAMP)
	$(BIN)/ruff check kim_tui tests bench docs
	$(BIN)/ruff format --check kim_tui tests bench docs
	$(BIN)/mypy kim_tui
	$(BIN)/lint-imports

# Two pytest workers per core (pytest-xdist; `-n auto` as set in tests/conftest.py): a Pilot
# test sleeps about half its wall time while Textual settles, and a second worker uses it. loadfile keeps a test file on one worker, so a
# module-scoped fixture (tamper templates, fuzz worlds, snapshot stores) is built once; the
# order of the files is set in tests/conftest.py (longest first).
# The lint runs alongside the tests instead of before them: mypy uses one core for most of
# its run, and the tests use what is left. Its output is shown after the tests'; `make test`
# fails if either fails.
test: $(STAMP)
	@$(MAKE) --no-print-directory lint > $(VENV)/lint.log 2>&1 & lint=$$!; \
	$(BIN)/pytest -n auto --dist loadfile; tests=$$?; \
	wait $$lint; lint=$$?; \
	echo "--- make lint"; cat $(VENV)/lint.log; \
	if [ $$lint -ne 0 ]; then echo "make lint FAILED"; fi; \
	[ $$tests -eq 0 ] && [ $$lint -eq 0 ]

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
