# `make run` and `make test` set everything up on a fresh machine: .venv with the pinned dependencies and
# the project itself (editable), so .venv/bin/fr-finance and `python -m fr_finance` work from any directory.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

PRED   := outputs/extractions.jsonl
GOLD   := seeds/gold

.PHONY: run test score score-real score-unseen report bench clean

# Reinstall only when the lock file changes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m fr_finance extract seeds -o $(PRED) --facts outputs/facts.jsonl
	$(PY) -m fr_finance report --pred $(PRED) --gold $(GOLD) -o outputs/report.html
	$(PY) -m fr_finance score --gold $(GOLD) --pred $(PRED) --out outputs

score: $(STAMP)
	$(PY) -m fr_finance score --gold $(GOLD) --pred $(PRED) --out outputs

# Accuracy on real French news (../shared/realnews: third-party texts kept outside the repository).
REAL := ../shared/realnews
score-real: $(STAMP)
	@if [ ! -d $(REAL)/texts ]; then echo "score-real: $(REAL) is absent; nothing to score"; exit 0; fi; \
	$(PY) -m fr_finance extract $(REAL)/texts -o outputs/realnews/extractions.jsonl --no-progress && \
	$(PY) -m fr_finance score --gold $(REAL)/gold --pred outputs/realnews/extractions.jsonl --out outputs/realnews

# Accuracy on texts the rules were not written from: the dev set (used to generalise them) and the
# held-out set (never used for tuning).
score-unseen: $(STAMP)
	for set in dev heldout; do \
	  $(PY) -m fr_finance extract tests/data/$$set -o outputs/$$set/extractions.jsonl --no-progress && \
	  $(PY) -m fr_finance score --gold tests/data/$$set/gold --pred outputs/$$set/extractions.jsonl --out outputs/$$set; \
	done

report: $(STAMP)
	$(PY) -m fr_finance report --pred $(PRED) --gold $(GOLD) -o outputs/report.html

test: $(STAMP)
	$(PY) -m pytest -q

# Throughput and memory figures (~25 min on 2 cores, Dask lines included): prints them, writes outputs/bench.json.
bench: $(STAMP)
	$(PY) -m fr_finance.bench

clean:
	rm -rf outputs/*.jsonl outputs/*.json outputs/*.md outputs/*.html outputs/*.png outputs/dev outputs/heldout outputs/realnews
