# `make run` and `make test` set everything up on a fresh machine: .venv with the pinned dependencies.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test score bench clean

# Reinstall only when the lock file changes.
$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m pipeline extract seeds -o outputs/extractions.jsonl

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf outputs/*.jsonl outputs/*.json outputs/*.md outputs/*.html outputs/*.png
