# `make run` and `make test` set everything up on a fresh machine: .venv with the pinned dependencies.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

PRED   := outputs/extractions.jsonl
GOLD   := seeds/gold

.PHONY: run test score score-unseen report bench clean

# Reinstall only when the lock file changes.
$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m pipeline extract seeds -o $(PRED) --facts outputs/facts.jsonl
	$(PY) -m pipeline report --pred $(PRED) --gold $(GOLD) -o outputs/report.html
	$(PY) -m pipeline score --gold $(GOLD) --pred $(PRED) --out outputs

score: $(STAMP)
	$(PY) -m pipeline score --gold $(GOLD) --pred $(PRED) --out outputs

# Accuracy on texts the rules were not written from: the dev set (used to generalise them) and the
# held-out set (never used for tuning).
score-unseen: $(STAMP)
	for set in dev heldout; do \
	  $(PY) -m pipeline extract tests/data/$$set -o outputs/$$set/extractions.jsonl --no-progress && \
	  $(PY) -m pipeline score --gold tests/data/$$set/gold --pred outputs/$$set/extractions.jsonl --out outputs/$$set; \
	done

report: $(STAMP)
	$(PY) -m pipeline report --pred $(PRED) --gold $(GOLD) -o outputs/report.html

test: $(STAMP)
	$(PY) -m pytest -q

# Throughput and memory figures (~17 min on 2 cores): prints them, writes outputs/bench.json.
bench: $(STAMP)
	$(PY) -m pipeline.bench

clean:
	rm -rf outputs/*.jsonl outputs/*.json outputs/*.md outputs/*.html outputs/*.png outputs/dev outputs/heldout
