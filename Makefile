# Partnerdesk: `make run` serves the demo on SQLite, `make test` runs ruff, mypy and the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEV    := PARTNERDESK_ENV=development
TEST   := PARTNERDESK_ENV=test

.PHONY: install run test lint typecheck pytest bench clean messages

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(DEV) $(BIN)/partnerdesk migrate --noinput -v0
	$(DEV) $(BIN)/partnerdesk collectstatic --noinput -v0
	$(DEV) $(BIN)/partnerdesk demo
	$(DEV) $(BIN)/partnerdesk run

lint: install
	$(BIN)/ruff check partnerdesk tests
	$(BIN)/ruff format --check partnerdesk tests

typecheck: install
	$(TEST) $(BIN)/mypy partnerdesk

pytest: install
	$(TEST) $(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

messages: install
	cd partnerdesk && ../$(BIN)/django-admin makemessages -l de --ignore=migrations

clean:
	rm -rf var test-output .mypy_cache .ruff_cache
