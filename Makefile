# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit install migrate playground bench clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (the first run takes a minute or two; later runs skip this)."
	$(PYTHON) -m venv $(VENV)
	@echo "Updating pip..."
	$(BIN)/pip install --quiet --upgrade pip
	@echo "Installing the bot and what it needs, from pyproject.toml:"
	@$(PYTHON) scripts/requirements.py
	$(BIN)/pip install --quiet -e '.[dev]'
	@echo "Installed."
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] || grep -qs '^TELEGRAM_BOT_TOKEN=..*' .env; then \
		$(BIN)/python -m bot migrate && $(BIN)/python -m bot run; \
	else \
		echo "TELEGRAM_BOT_TOKEN is not set: starting the offline playground."; \
		$(BIN)/python -m bot playground; \
	fi

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

playground: $(STAMP)
	$(BIN)/python -m bot playground

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/updates.py
	$(BIN)/python bench/speed.py --speed 600 --days 1

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
