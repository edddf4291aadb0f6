# Two commands on a fresh machine with Python 3.11+ and pip:
#   make demo   -> creates .venv, installs, runs the tutorial exercise end to end (plots included)
#   make test   -> creates .venv if missing, runs the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ttx validate exercises/tutorial.yaml
	$(BIN)/ttx run exercises/tutorial.yaml

test: $(STAMP)
	$(BIN)/mypy
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
