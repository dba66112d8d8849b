"""Gold records vs predicted records → figures, a readable table and an error list.

`score(gold_records, pred_records)` is pure (records in, a JSON-ready dict out); `run_score(gold_dir,
pred_path, out_dir)` reads the files, prints `format_table(...)` and writes score.json and errors.md.

Span figures come from nervaluate 1.2.1. FORMAT.md asks for two schemes; they map onto nervaluate's as:
- our `strict` (same start, end and label)  = nervaluate `strict`;
- our `partial` (overlap and same label)    = nervaluate `ent_type` ("some overlap + correct type",
  full credit). nervaluate's own `partial` scheme ignores the label and gives half credit to an
  overlap with different boundaries, which is not FORMAT.md's definition, so it is not used.
nervaluate treats `end` as inclusive; records use exclusive ends, so every span goes in as end - 1
(otherwise touching spans such as [0, 5) and [5, 9) would count as overlapping).
"""
from __future__ import annotations

import bisect
import json
import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Iterable

import srsly
from nervaluate import Evaluator

from ..nlp.sentences import sentence_bounds
from ..read.io import InputError, write_text_atomic
from ..records.event import one_to_one, pair_events  # noqa: F401  (one_to_one: part of this module's API)

LABELS = ("PER", "ORG", "LOC", "MISC", "MONEY", "DATE", "PERCENT")
EVENT_TYPES = ("investment", "acquisition", "valuation")
SCHEMES = {"strict": "strict", "partial": "ent_type"}  # our name → nervaluate scheme (see module doc)
VALUE_TOLERANCE = 0.005  # relative error below 0.5 % counts as the same amount
MIN_OVERLAP_PERCENTAGE = 1.0  # nervaluate's lowest allowed threshold: any overlap counts


# ---------------------------------------------------------------- reading

class ScoreInputError(InputError, ValueError):
    """A gold or predictions file the scorer cannot use; one line naming the file (and line or document)."""


def read_jsonl(path: str | Path) -> list[dict]:
    """Records of one JSONL file; a malformed line raises ScoreInputError naming the file and line."""
    records = []
    try:
        with open(path, "rb") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
                    reason = getattr(err, "msg", None) or type(err).__name__
                    raise ScoreInputError(f"{path}:{number}: invalid JSON ({reason})") from None
                if not isinstance(record, dict):
                    raise ScoreInputError(f"{path}:{number}: a record must be a JSON object")
                records.append(record)
    except OSError as err:
        raise ScoreInputError(f"{path}: cannot read ({err.strerror})") from None
    return records


def index_by_id(records: Iterable[dict], where: str) -> dict[str, dict]:
    """Records keyed by `id`; a record without id or a repeated id is an error, not a silent overwrite."""
    by_id: dict[str, dict] = {}
    for record in records:
        doc_id = record.get("id")
        if doc_id is None:
            raise ScoreInputError(f"{where}: a record has no 'id'")
        if doc_id in by_id:
            raise ScoreInputError(f"{where}: id {doc_id!r} occurs twice")
        check_shape(record, where)
        by_id[doc_id] = record
    return by_id


def check_shape(record: dict, where: str) -> None:
    """What scoring reads from a record has the types FORMAT.md gives: `text` a string, `entities` and
    `events` lists of objects, each entity with integer `start` and `end`. One line naming the document."""
    doc = f"{where}: document {record.get('id')!r}"
    if record.get("text") is not None and not isinstance(record["text"], str):
        raise ScoreInputError(f"{doc}: 'text' must be a string")
    for field in ("entities", "events"):
        items = record.get(field)
        if items is not None and not (isinstance(items, list) and all(isinstance(i, dict) for i in items)):
            raise ScoreInputError(f"{doc}: '{field}' must be a list of objects")
    for number, ent in enumerate(record.get("entities") or [], 1):
        for key in ("start", "end"):
            if not isinstance(ent.get(key), int) or isinstance(ent.get(key), bool):
                raise ScoreInputError(f"{doc}: entity {number} has no integer '{key}'")


def load_gold(gold_dir: str | Path) -> list[dict]:
    """All records of the `*.jsonl` files in gold_dir (a single .jsonl file is accepted too)."""
    gold_dir = Path(gold_dir)
    if not gold_dir.exists():
        raise ScoreInputError(f"{gold_dir}: no such file or directory")
    files = [gold_dir] if gold_dir.is_file() else sorted(gold_dir.glob("*.jsonl"))
    if not files:
        raise ScoreInputError(f"{gold_dir}: no *.jsonl gold file")
    records = [record for path in files for record in read_jsonl(path)]
    if not records:
        raise ScoreInputError(f"{gold_dir}: the gold files hold no record")
    return records


def invalid_spans(record: dict, text: str | None) -> list[dict]:
    """Entities whose offsets cannot index the text: reversed or empty (end ≤ start), negative, or past its
    end. They are left out of the figures and listed (score.json documents.invalid_spans, errors.md).

    >>> invalid_spans({"entities": [{"start": 5, "end": 2, "label": "ORG"}, {"start": 0, "end": 9}]}, "Airbus")
    [{'start': 5, 'end': 2, 'label': 'ORG', 'problem': 'end before start'}, {'start': 0, 'end': 9, 'label': None, 'problem': 'past the end of the text (6)'}]
    """
    bad = []
    for ent in record.get("entities") or []:
        start, end = ent["start"], ent["end"]
        if end <= start:
            problem = "end before start" if end < start else "empty span"
        elif start < 0:
            problem = "negative offset"
        elif text is not None and end > len(text):
            problem = f"past the end of the text ({len(text)})"
        else:
            continue
        bad.append({"start": start, "end": end, "label": ent.get("label"), "problem": problem})
    return bad


# ---------------------------------------------------------------- text alignment

# Diff levels, coarse to fine: sentence-like segments (ending at sentence punctuation or newlines),
# then words, then characters. Each level partitions the text exactly.
_LEVELS = (re.compile(r"[^\n.!?]+[\n.!?]*|[\n.!?]+"), re.compile(r"\S+\s*|\s+"), None)
# Above this many character pairs a changed chunk is mapped proportionally instead of diffed
# (SequenceMatcher is quadratic-ish on characters: a whole 10k-char text takes seconds).
_MAX_CHAR_PAIRS = 1_000_000


def _offsets(start: int, pieces: list[str]) -> list[int]:
    offsets = [start]
    for piece in pieces:
        offsets.append(offsets[-1] + len(piece))
    return offsets


def _diff(a: str, b: str, i1: int, i2: int, j1: int, j2: int, level: int) -> Iterable[tuple]:
    if i1 == i2 or j1 == j2:
        yield ("insert" if i1 == i2 else "delete", i1, i2, j1, j2)
        return
    splitter = _LEVELS[level]
    if splitter is None:
        if (i2 - i1) * (j2 - j1) > _MAX_CHAR_PAIRS:
            yield ("replace", i1, i2, j1, j2)
            return
        for tag, x1, x2, y1, y2 in SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False).get_opcodes():
            yield (tag, i1 + x1, i1 + x2, j1 + y1, j1 + y2)
        return
    pieces_a, pieces_b = splitter.findall(a, i1, i2), splitter.findall(b, j1, j2)
    off_a, off_b = _offsets(i1, pieces_a), _offsets(j1, pieces_b)
    for tag, s1, s2, t1, t2 in SequenceMatcher(None, pieces_a, pieces_b, autojunk=False).get_opcodes():
        if tag == "equal":
            yield ("equal", off_a[s1], off_a[s2], off_b[t1], off_b[t2])
        elif tag == "replace" and s2 - s1 == t2 - t1:  # piece by piece keeps each finer diff small
            for k in range(s2 - s1):
                yield from _diff(a, b, off_a[s1 + k], off_a[s1 + k + 1], off_b[t1 + k], off_b[t1 + k + 1],
                                 level + 1)
        else:
            yield from _diff(a, b, off_a[s1], off_a[s2], off_b[t1], off_b[t2], level + 1)


def text_opcodes(a: str, b: str) -> list[tuple]:
    """difflib-style opcodes (tag, i1, i2, j1, j2) turning a into b, at character level.

    difflib on raw characters takes seconds on a 10k-char text, so texts are diffed by segments,
    then only the changed segments by words, then only the changed words by characters.
    """
    return list(_diff(a, b, 0, len(a), 0, len(b), 0))


class TextAlignment:
    """Maps span offsets of a source text onto a target text that differs in a few places.

    >>> align = TextAlignment("Le CafÃ© de Paris", "Le Café de Paris")
    >>> align.span(12, 17)  # "Paris" after the repaired "é"
    (11, 16)
    >>> align.span(3, 8)  # "CafÃ©" → "Café"
    (3, 7)
    """

    def __init__(self, source: str, target: str):
        # Ops covering at least one source character, in order; inserts only shift what follows.
        self._ops = [op for op in text_opcodes(source, target) if op[2] > op[1]]
        self._firsts = [op[1] for op in self._ops]
        self._source_len, self._target_len = len(source), len(target)

    def _op_of(self, i: int) -> tuple:
        return self._ops[bisect.bisect_right(self._firsts, i) - 1]

    def start(self, p: int) -> int:
        """Target position of a span starting at source position p (after any inserted text)."""
        if p >= self._source_len:
            return self._target_len
        tag, i1, i2, j1, j2 = self._op_of(max(p, 0))
        if tag == "equal":
            return j1 + p - i1
        return j1 + (p - i1) * (j2 - j1) // (i2 - i1)  # replace: proportional; delete: j1

    def end(self, p: int) -> int:
        """Target position of a span ending (exclusive) at source position p (before inserted text)."""
        if p <= 0:
            return 0
        tag, i1, i2, j1, j2 = self._op_of(min(p, self._source_len) - 1)
        if tag == "equal":
            return j1 + min(p, i2) - i1
        return j1 + -(-(min(p, i2) - i1) * (j2 - j1) // (i2 - i1))  # proportional, rounded up

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.start(start), self.end(end)


# ---------------------------------------------------------------- spans

def _entities(record: dict, text: str | None = None) -> list[dict]:
    """The record's entities with a known label and valid offsets (see invalid_spans), sorted by position."""
    ents = []
    for ent in record.get("entities") or []:
        start, end = int(ent["start"]), int(ent["end"])
        if ent.get("label") in LABELS and 0 <= start < end and (text is None or end <= len(text)):
            ents.append({**ent, "start": start, "end": end})
    return sorted(ents, key=lambda e: (e["start"], e["end"], e["label"]))


def _onto_gold(pred: list[dict], alignment: TextAlignment) -> list[dict]:
    """Predicted entities with offsets moved onto the gold text."""
    moved = []
    for ent in pred:
        start, end = alignment.span(ent["start"], ent["end"])
        moved.append({**ent, "start": start, "end": end})
    return _entities({"entities": moved})


def _inclusive(ents: list[dict]) -> list[dict]:
    return [{"label": e["label"], "start": e["start"], "end": e["end"] - 1} for e in ents]


def _prf(correct: int, actual: int, possible: int) -> dict:
    """Precision, recall and F1 with nervaluate's convention: 0 when undefined."""
    precision = correct / actual if actual else 0.0
    recall = correct / possible if possible else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "correct": correct, "predicted": actual, "gold": possible}


def span_figures(gold_docs: list[list[dict]], pred_docs: list[list[dict]]) -> dict:
    """Per-label and micro P/R/F1 for each scheme, from nervaluate's per-label results.

    Micro sums the per-label counts. nervaluate's "overall" is not used: it matches across labels,
    so a prediction with the wrong label can use up a gold span that another prediction hits exactly.
    """
    per_label: dict[str, Any] = {}
    if gold_docs:
        evaluator = Evaluator([_inclusive(d) for d in gold_docs], [_inclusive(d) for d in pred_docs],
                              tags=list(LABELS), loader="dict",
                              min_overlap_percentage=MIN_OVERLAP_PERCENTAGE)
        per_label = evaluator.evaluate()["entities"]
    figures: dict[str, dict] = {}
    for ours, theirs in SCHEMES.items():
        rows, totals = {}, [0, 0, 0]
        for label in LABELS:
            result = per_label.get(label, {}).get(theirs)
            counts = (result.correct, result.actual, result.possible) if result else (0, 0, 0)
            rows[label] = {**_prf(*counts), "nervaluate": _counts(result)}
            totals = [t + c for t, c in zip(totals, counts)]
        rows["micro"] = _prf(*totals)
        figures[ours] = rows
    return figures


def _counts(result: Any) -> dict:
    keys = ("correct", "incorrect", "partial", "missed", "spurious")
    return {k: getattr(result, k, 0) for k in keys}


def _overlap_enough(gold: dict, pred: dict) -> bool:
    """nervaluate's overlap test: the shared characters are at least MIN_OVERLAP_PERCENTAGE of gold."""
    shared = min(gold["end"], pred["end"]) - max(gold["start"], pred["start"])
    return shared > 0 and 100.0 * shared / (gold["end"] - gold["start"]) >= MIN_OVERLAP_PERCENTAGE


def pair_spans(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """(gold index, pred index) pairs matched under `partial`, the way nervaluate's ent_type does.

    Hand-written because nervaluate reports only the predicted index of a match, and the value
    checks and the error list need both sides. Per label, predictions in order take the unused
    overlapping gold span with the closest boundaries (first one on ties).
    """
    pairs, used = [], set()
    for pi, p in enumerate(pred):
        best = None
        for gi, g in enumerate(gold):
            if gi in used or g["label"] != p["label"] or not _overlap_enough(g, p):
                continue
            distance = abs(g["start"] - p["start"]) + abs(g["end"] - p["end"])
            if best is None or distance < best[0]:
                best = (distance, gi)
        if best is not None:
            used.add(best[1])
            pairs.append((best[1], pi))
    return pairs


# ---------------------------------------------------------------- values

def values_close(gold: float | None, pred: float | None) -> bool:
    """Same amount within VALUE_TOLERANCE of gold; None only equals None.

    >>> values_close(10_000_000_000, 10_040_000_000), values_close(100, 100.5), values_close(None, None)
    (True, False, True)
    >>> values_close(None, 0), values_close(0, 0)
    (False, True)
    """
    if gold is None or pred is None:
        return gold is None and pred is None
    if gold == 0:
        return pred == 0
    return abs(pred - gold) < VALUE_TOLERANCE * abs(gold)


def _accuracy(correct: int, total: int) -> float | None:
    return correct / total if total else None


# ---------------------------------------------------------------- events

def describe_event(event: dict) -> str:
    """One line a reader can compare with the text."""
    parts = [event.get("type") or "?", f"target={event.get('target')}"]
    if event.get("type") == "investment":
        parts.append(f"investors={sorted(event.get('investors') or [])}")
    elif event.get("type") == "acquisition":
        parts.append(f"acquirer={event.get('acquirer')}")
    parts.append(f"value={_amount(event.get('value'))} {event.get('currency')}")
    return " ".join(parts)


def _amount(value: Any) -> str:
    return f"{value:,.0f}".replace(",", " ") if isinstance(value, (int, float)) and value == int(value) \
        else str(value)


# ---------------------------------------------------------------- sentences for the error list

def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (pipeline/nlp/sentences.py), with the span marked ⟦…⟧, on one line.

    >>> sentence_around("Titre\\nAirbus vend. Nvidia achète 5 %. Fin", 33, 36)
    'Nvidia achète ⟦5 %⟧.'
    """
    left, right = sentence_bounds(text, start, end)
    marked = f"{text[left:start]}⟦{text[start:end]}⟧{text[end:right]}"
    return " ".join(marked.split())


# ---------------------------------------------------------------- scoring

def _error(kind: str, label: str, span: dict, text: str, detail: str = "") -> dict:
    return {"kind": kind, "label": label, "start": span["start"], "end": span["end"],
            "text": text[span["start"]:span["end"]],
            "sentence": sentence_around(text, span["start"], span["end"]), "detail": detail}


def _describe_span(span: dict, text: str) -> str:
    return f'{span["label"]} "{text[span["start"]:span["end"]]}"'


def _doc_span_errors(gold: list[dict], pred: list[dict], text: str,
                     pairs: list[tuple[int, int]]) -> list[dict]:
    """False negatives, false positives and boundary mismatches of one document."""
    errors = []
    paired_gold, paired_pred = {g for g, _ in pairs}, {p for _, p in pairs}
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        if (g["start"], g["end"]) != (p["start"], p["end"]):
            errors.append(_error("boundary", g["label"], g, text,
                                 f'predicted "{text[p["start"]:p["end"]]}"'))
    for gi, g in enumerate(gold):
        if gi not in paired_gold:
            near = [_describe_span(p, text) for p in pred if _overlap_enough(g, p)]
            errors.append(_error("missed", g["label"], g, text,
                                 f"predicted {', '.join(near)} here" if near else ""))
    for pi, p in enumerate(pred):
        if pi not in paired_pred:
            near = [_describe_span(g, text) for g in gold if _overlap_enough(g, p)]
            errors.append(_error("spurious", p["label"], p, text,
                                 f"gold has {', '.join(near)} here" if near else ""))
    return errors


def _value_checks(gold: list[dict], pred: list[dict], text: str, pairs: list[tuple[int, int]],
                  tally: dict[str, int]) -> list[dict]:
    """MONEY value+currency and DATE value/mod on the pairs matched under `partial`."""
    errors = []
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        if g["label"] == "MONEY":
            tally["money_matched"] += 1
            if values_close(g.get("value"), p.get("value")) and g.get("currency") == p.get("currency"):
                tally["money_correct"] += 1
            else:
                errors.append(_error("money_value", "MONEY", g, text,
                                     f"gold {_amount(g.get('value'))} {g.get('currency')}, "
                                     f"predicted {_amount(p.get('value'))} {p.get('currency')}"))
        elif g["label"] == "DATE":
            tally["date_matched"] += 1
            for field in ("value", "mod"):
                if g.get(field) == p.get(field):
                    tally[f"date_{field}_correct"] += 1
                else:
                    errors.append(_error(f"date_{field}", "DATE", g, text,
                                         f"gold {field} {g.get(field)}, predicted {p.get(field)}"))
    return errors


def _event_sentence(event: dict, text: str) -> str:
    """The event's evidence sentence, else the sentence around its amount, else nothing."""
    evidence, amount = event.get("evidence"), event.get("amount")
    if text and evidence and len(evidence) == 2:
        return " ".join(text[evidence[0]:evidence[1]].split())
    if text and amount and len(amount) == 2:
        return sentence_around(text, amount[0], amount[1])
    return ""


def _score_events(gold: list[dict], pred: list[dict], counts: dict[str, list[int]],
                  gold_text: str, pred_text: str) -> list[dict]:
    """Match one document's events, add to counts[type] = [correct, predicted, gold], return the misses."""
    pairs = pair_events(gold, pred)
    for events, column in ((pred, 1), (gold, 2)):
        for event in events:
            counts.setdefault(str(event.get("type")), [0, 0, 0])[column] += 1
    for g, _ in pairs:
        counts[str(gold[g].get("type"))][0] += 1
    errors = []
    paired_gold, paired_pred = {g for g, _ in pairs}, {p for _, p in pairs}
    for kind, events, paired, text in (("event_missed", gold, paired_gold, gold_text),
                                       ("event_spurious", pred, paired_pred, pred_text)):
        for i, event in enumerate(events):
            if i not in paired:
                rules = event.get("rules") or []  # FORMAT.md "Traceability": the rules to fix
                errors.append({"kind": kind, "label": "", "text": describe_event(event),
                               "sentence": _event_sentence(event, text),
                               "detail": f"rules: {', '.join(rules)}" if rules else ""})
    return errors


def score(gold_records: Iterable[dict], pred_records: Iterable[dict], *,
          score_missing: bool = True, gold_name: str = "gold", pred_name: str = "predictions") -> dict:
    """All figures of gold vs predictions, JSON-ready.

    Documents are matched by id. A gold document without prediction counts as an empty prediction
    (everything in it missed) unless score_missing is False; a predicted document without gold cannot
    be scored. Both kinds are listed under "documents". When a predicted text differs from the gold
    text, predicted offsets are mapped onto the gold text (listed under documents.aligned).
    """
    gold_by_id = index_by_id(gold_records, gold_name)
    pred_by_id = index_by_id(pred_records, pred_name)
    missing_pred = sorted(set(gold_by_id) - set(pred_by_id))
    missing_gold = sorted(set(pred_by_id) - set(gold_by_id))
    doc_ids = sorted(d for d in gold_by_id if d in pred_by_id or score_missing)

    gold_docs, pred_docs, aligned, errors, invalid = [], [], [], {}, []
    tally = dict.fromkeys(("money_matched", "money_correct", "date_matched",
                           "date_value_correct", "date_mod_correct"), 0)
    event_counts = {t: [0, 0, 0] for t in EVENT_TYPES}  # correct, predicted, gold
    for doc_id in doc_ids:
        gold_record, pred_record = gold_by_id[doc_id], pred_by_id.get(doc_id, {})
        gold_text = gold_record.get("text") or ""
        pred_text = pred_record.get("text")
        for side, record, own_text in (("gold", gold_record, gold_text),
                                       ("predicted", pred_record, pred_text if pred_text is not None else gold_text)):
            invalid += [{"id": doc_id, "side": side, **bad} for bad in invalid_spans(record, own_text)]
        gold_ents = _entities(gold_record, gold_text)
        pred_ents = _entities(pred_record, pred_text if pred_text is not None else gold_text)
        if pred_text is not None and gold_text and pred_text != gold_text:
            aligned.append(doc_id)
            pred_ents = _onto_gold(pred_ents, TextAlignment(pred_text, gold_text))
        gold_docs.append(gold_ents)
        pred_docs.append(pred_ents)

        pairs = pair_spans(gold_ents, pred_ents)
        doc_errors = _doc_span_errors(gold_ents, pred_ents, gold_text, pairs)
        doc_errors += _value_checks(gold_ents, pred_ents, gold_text, pairs, tally)
        doc_errors.sort(key=lambda e: (e["start"], e["end"], e["kind"]))

        doc_errors += _score_events(gold_record.get("events") or [], pred_record.get("events") or [],
                                    event_counts, gold_text, pred_text if pred_text is not None else gold_text)
        if doc_errors:
            errors[doc_id] = doc_errors

    events = {t: _prf(*c) for t, c in event_counts.items()}
    events["all"] = _prf(*(sum(c[i] for c in event_counts.values()) for i in range(3)))
    return {
        "documents": {
            "gold": len(gold_by_id), "predicted": len(pred_by_id), "scored": len(doc_ids),
            "missing_predictions": missing_pred, "missing_predictions_scored_as_empty": score_missing,
            "missing_gold": missing_gold, "aligned": aligned, "invalid_spans": invalid,
        },
        "schemes": {ours: f"nervaluate {theirs}" for ours, theirs in SCHEMES.items()},
        "spans": span_figures(gold_docs, pred_docs),
        "normalisation": {
            "MONEY": {"matched": tally["money_matched"], "value_currency_correct": tally["money_correct"],
                      "value_currency_accuracy": _accuracy(tally["money_correct"], tally["money_matched"])},
            "DATE": {"matched": tally["date_matched"],
                     "value_correct": tally["date_value_correct"],
                     "value_accuracy": _accuracy(tally["date_value_correct"], tally["date_matched"]),
                     "mod_correct": tally["date_mod_correct"],
                     "mod_accuracy": _accuracy(tally["date_mod_correct"], tally["date_matched"])},
        },
        "events": events,
        "errors": errors,
    }


# ---------------------------------------------------------------- reports

def _ids(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "none"


def format_table(figures: dict) -> str:
    """The figures as a plain-text table for a terminal."""
    docs = figures["documents"]
    lines = [
        f"Documents: {docs['scored']} scored (gold {docs['gold']}, predicted {docs['predicted']})",
        f"  gold without prediction{' (scored as empty)' if docs['missing_predictions_scored_as_empty'] else ''}:"
        f" {_ids(docs['missing_predictions'])}",
        f"  prediction without gold (not scored): {_ids(docs['missing_gold'])}",
        f"  text differs, offsets aligned: {_ids(docs['aligned'])}",
        *_invalid_lines(docs.get("invalid_spans") or [], "  "),
        "",
        f"{'Spans':<9}{'strict P':>9}{'R':>7}{'F1':>7}  {'partial P':>9}{'R':>7}{'F1':>7}  {'gold':>5}{'pred':>6}",
    ]
    strict, partial = figures["spans"]["strict"], figures["spans"]["partial"]
    for label in (*LABELS, "micro"):
        s, p = strict[label], partial[label]
        lines.append(f"{label:<9}{s['precision']:>9.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}  "
                     f"{p['precision']:>9.3f}{p['recall']:>7.3f}{p['f1']:>7.3f}  {s['gold']:>5}{s['predicted']:>6}")
    money, date = figures["normalisation"]["MONEY"], figures["normalisation"]["DATE"]
    lines += ["", "Normalisation on spans matched under partial",
              _accuracy_line("MONEY value+currency", money["value_currency_correct"], money["matched"]),
              _accuracy_line("DATE value", date["value_correct"], date["matched"]),
              _accuracy_line("DATE mod", date["mod_correct"], date["matched"]),
              "", f"{'Events':<13}{'P':>7}{'R':>7}{'F1':>7}  {'gold':>5}{'pred':>6}"]
    for kind, row in figures["events"].items():
        lines.append(f"{kind:<13}{row['precision']:>7.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}  "
                     f"{row['gold']:>5}{row['predicted']:>6}")
    return "\n".join(lines)


def _invalid_lines(invalid: list[dict], indent: str) -> list[str]:
    """One line per entity left out of the figures because its offsets cannot index the text."""
    if not invalid:
        return []
    return [f"{indent}{len(invalid)} entities left out, offsets invalid:"] + [
        f"{indent}  {bad['side']} {bad['id']} [{bad['start']}, {bad['end']}) {bad['label']}: {bad['problem']}"
        for bad in invalid]


def _accuracy_line(name: str, correct: int, total: int) -> str:
    share = f"{correct / total:.3f}" if total else "  n/a"
    return f"  {name:<22}{share:>6}  ({correct}/{total})"


_KIND_TITLES = {
    "missed": "false negative", "spurious": "false positive", "boundary": "boundary mismatch",
    "money_value": "wrong amount", "date_value": "wrong date value", "date_mod": "wrong date mod",
    "event_missed": "missed event", "event_spurious": "spurious event",
}


def format_errors(figures: dict) -> str:
    """Markdown: every error with its sentence, grouped by document."""
    docs = figures["documents"]
    lines = ["# Scoring errors", "",
             f"Spans are marked ⟦…⟧ in the gold text. Strict errors: false negatives, false positives and "
             f"boundary mismatches; partial counts a boundary mismatch as found.", "",
             f"- gold without prediction: {_ids(docs['missing_predictions'])}",
             f"- prediction without gold (not scored): {_ids(docs['missing_gold'])}",
             f"- predicted text differs from gold (offsets aligned): {_ids(docs['aligned'])}",
             *_invalid_lines(docs.get("invalid_spans") or [], "- "), ""]
    if not figures["errors"]:
        lines.append("No errors.")
    for doc_id, errors in figures["errors"].items():
        notes = [n for n, ids in (("no prediction", docs["missing_predictions"]),
                                  ("offsets aligned", docs["aligned"])) if doc_id in ids]
        lines += [f"## {doc_id}" + (f" ({', '.join(notes)})" if notes else ""), ""]
        for err in errors:
            detail = f" — {err['detail']}" if err["detail"] else ""
            text = err["text"].replace("`", "'")
            label = f" {err['label']}" if err["label"] else ""
            lines.append(f"- **{_KIND_TITLES[err['kind']]}**{label} `{text}`{detail}")
            if err["sentence"]:
                lines.append(f"  > {err['sentence']}")
        lines.append("")
    return "\n".join(lines)


def run_score(gold_dir: str | Path, pred_path: str | Path, out_dir: str | Path) -> dict:
    """Score pred_path against gold_dir: print the table, write out_dir/score.json and errors.md."""
    figures = score(load_gold(gold_dir), read_jsonl(pred_path), gold_name=str(gold_dir), pred_name=str(pred_path))
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ScoreInputError(f"--out {out_dir}: not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ScoreInputError(f"--out {out_dir}: cannot create ({err.strerror})") from None
    write_text_atomic(out_dir / "score.json", json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    write_text_atomic(out_dir / "errors.md", format_errors(figures))
    print(format_table(figures))
    print(f"\nWrote {out_dir / 'score.json'} and {out_dir / 'errors.md'}")
    return figures
