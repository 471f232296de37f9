# The whole set-up on a fresh machine with Python 3.11+ and make:
#   make run    set up, load the demo data and serve http://127.0.0.1:8000
#   make test   set up and run the whole test suite (PostgreSQL when DATABASE_URL points at one)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test install messages migrate serve bench lint format clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(BIN)/python manage.py compile_translations

migrate: install messages
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Norrköpings visionsintranät: http://127.0.0.1:8000/"
	@echo "  Sign in as admin / demo (administrator), redaktor / demo (editor), lasare / demo (reader)"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
