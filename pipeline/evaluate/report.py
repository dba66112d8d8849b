"""Review page: each document with its extractions highlighted, its events, the gold diff and the corpus facts.

`render_report(records, gold=..., score=..., facts=...)` returns one self-contained HTML string: inline CSS, no
script, no external resource (a Content-Security-Policy meta forbids both anyway). Entity highlighting is
spaCy's displaCy entity renderer with our own mark template; every piece of text we add is escaped.
`write_report(pred_path, out_path, ...)` reads the files and writes the page atomically.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import srsly
from spacy import displacy

from ..read.io import write_text_atomic
from ..records.event import pair_events

LABEL_COLORS = {
    "PER": "#c5b8ff",
    "ORG": "#7aecec",
    "LOC": "#feca74",
    "MISC": "#d3e99f",
    "MONEY": "#ffd966",
    "DATE": "#9fd3f5",
    "PERCENT": "#f7a8c8",
}
VALUE_LABELS = ("MONEY", "DATE", "PERCENT")
REL_TOLERANCE = 0.005  # values within 0.5 % are equal, as in FORMAT.md's scoring

# displaCy's TPL_ENT with a class, an id, the normalised value as title and the label as data attribute; the
# styling moves to the page's CSS. displaCy escapes {text}; every param we pass is escaped by `_mark_params`.
ENT_TEMPLATE = (
    '<mark class="entity {cls}" id="{anchor}" data-label="{label}" title="{title}" style="background: {bg}">'
    '{text}<span class="label">{label}</span></mark>'
)

# Evidence ranges are wrapped around entity marks: displaCy only takes flat spans, so we put two Unicode
# noncharacters into the text where the wrappers go and swap them for tags after rendering.
OPEN_MARK, CLOSE_MARK = "\ufdd0", "\ufdd1"
_SENTINELS = re.compile(f"[{OPEN_MARK}{CLOSE_MARK}]")


def esc(value: Any) -> str:
    """Text made safe for HTML content and attribute values.

    >>> esc('<b a="1">&</b>')
    '&lt;b a=&quot;1&quot;&gt;&amp;&lt;/b&gt;'
    >>> esc(None)
    ''
    """
    return "" if value is None else html.escape(str(value), quote=True)


def fmt_number(value: Any, group: bool = False) -> str:
    """A JSON number as a reader wants it: whole floats without `.0`, optionally with thin groups.

    >>> fmt_number(10000000000.0)
    '10000000000'
    >>> fmt_number(7.5)
    '7.5'
    >>> fmt_number(2500000, group=True)
    '2\u202f500\u202f000'
    >>> fmt_number(None)
    '?'
    """
    if value is None:
        return "?"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if group and isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def money_text(item: Mapping[str, Any], group: bool = False) -> str:
    """`value[–value_max] currency qualifier` of a MONEY entity or an event.

    >>> money_text({"value": 1e10, "currency": "USD", "qualifier": "up_to"})
    '10000000000 USD up_to'
    >>> money_text({"value": 1e6, "value_max": 2e6, "currency": "EUR", "qualifier": "range"})
    '1000000–2000000 EUR range'
    >>> money_text({"value": None, "currency": "USD", "qualifier": "approx"})
    '? USD approx'
    """
    amount = fmt_number(item.get("value"), group)
    if item.get("value_max") is not None:
        amount += "–" + fmt_number(item["value_max"], group)
    return " ".join(part for part in (amount, item.get("currency"), item.get("qualifier")) if part)


def normalised(entity: Mapping[str, Any]) -> str:
    """What an entity's hover title shows: its normalised value, or its canonical name when that differs.

    >>> normalised({"label": "DATE", "text": "fin septembre 2025", "value": "2025-09", "mod": "END"})
    '2025-09 END'
    >>> normalised({"label": "PERCENT", "text": "7,5 %", "value": 7.5})
    '7.5 %'
    >>> normalised({"label": "PER", "text": "Dario", "canonical": "Dario Amodei"})
    'Dario Amodei'
    >>> normalised({"label": "ORG", "text": "Airbus", "canonical": "Airbus"})
    ''
    """
    label = entity.get("label")
    if label == "MONEY":
        return money_text(entity)
    if label == "DATE":
        return " ".join(str(part) for part in (entity.get("value") or "?", entity.get("mod")) if part)
    if label == "PERCENT":
        return f"{fmt_number(entity.get('value'))} %"
    canonical = entity.get("canonical")
    return canonical if canonical and canonical != entity.get("text") else ""


def _close(pred: Any, gold: Any) -> bool:
    if pred is None or gold is None or isinstance(pred, str) or isinstance(gold, str):
        return pred == gold
    return pred == gold or abs(pred - gold) <= REL_TOLERANCE * abs(gold)


def same_value(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    """Whether two entities with the same span and label carry the same normalised value.

    >>> same_value({"label": "MONEY", "value": 1.001e9, "currency": "EUR", "qualifier": "exact"},
    ...            {"label": "MONEY", "value": 1e9, "currency": "EUR", "qualifier": "exact"})
    True
    >>> same_value({"label": "DATE", "value": "2025-09", "mod": None}, {"label": "DATE", "value": "2025-09", "mod": "END"})
    False
    """
    fields = {"MONEY": ("value", "value_max", "currency", "qualifier"), "DATE": ("value", "mod"),
              "PERCENT": ("value",)}.get(pred.get("label"), ())
    return all(_close(pred.get(field), gold.get(field)) for field in fields)


# ---------------------------------------------------------------------------------------------- entity marks

@dataclass
class Mark:
    start: int
    end: int
    label: str
    cls: str
    title: str
    anchor: str


@dataclass
class DocDiff:
    """Gold comparison of one document, by exact (start, end, label) span match."""
    correct: int = 0
    wrong_value: int = 0
    false_positive: int = 0
    missed: int = 0
    hidden_misses: list | None = None  # missed gold entities overlapping a prediction: listed, not drawn


def valid_spans(items: Iterable[Mapping[str, Any]], text: str) -> tuple[list[Mapping[str, Any]], int]:
    """In-range, non-overlapping spans sorted by position (displaCy takes flat spans); and how many were dropped."""
    kept, dropped, last_end = [], 0, 0
    for item in sorted(items, key=lambda e: (e.get("start", -1), e.get("end", -1))):
        start, end = item.get("start"), item.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and last_end <= start < end <= len(text)):
            dropped += 1
            continue
        kept.append(item)
        last_end = end
    return kept, dropped


def _overlaps(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _describe(entity: Mapping[str, Any], text: str) -> str:
    value = normalised(entity)
    return f"{entity['label']} «{text[entity['start']:entity['end']]}»" + (f" = {value}" if value else "")


def entity_marks(doc_anchor: str, text: str, predicted: list, gold: list | None) -> tuple[list[Mark], DocDiff | None]:
    def anchor(e):
        return f"{doc_anchor}-ent-{e['start']}-{e['end']}"

    if gold is None:
        return [Mark(e["start"], e["end"], e["label"], "", normalised(e), anchor(e)) for e in predicted], None
    diff = DocDiff(hidden_misses=[])
    gold_by_key = {(g["start"], g["end"], g["label"]): g for g in gold}
    marks = []
    for entity in predicted:
        match = gold_by_key.pop((entity["start"], entity["end"], entity["label"]), None)
        value = normalised(entity)
        if match is None:
            diff.false_positive += 1
            cls, title = "fp", "false positive" + (f": {value}" if value else "")
            title += "".join(f" | gold here: {_describe(g, text)}" for g in gold if _overlaps(g, entity))
        elif not same_value(entity, match):
            diff.wrong_value += 1
            cls, title = "wrong-value", f"wrong value: {value} | gold: {normalised(match)}"
        else:
            diff.correct += 1
            cls, title = "tp", value
        marks.append(Mark(entity["start"], entity["end"], entity["label"], cls, title, anchor(entity)))
    for missed in gold_by_key.values():
        diff.missed += 1
        if any(_overlaps(missed, e) for e in predicted):
            diff.hidden_misses.append(missed)
        else:
            title = "missed (gold)" + (f": {normalised(missed)}" if normalised(missed) else "")
            marks.append(Mark(missed["start"], missed["end"], missed["label"], "fn", title, anchor(missed)))
    marks.sort(key=lambda m: m.start)
    return marks, diff


# ------------------------------------------------------------------------------------------ evidence ranges

def evidence_anchor(doc_anchor: str, span: Iterable[int]) -> str:
    start, end = span
    return f"{doc_anchor}-ev-{start}-{end}"


def _valid_range(span: Any, text: str) -> tuple[int, int] | None:
    if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span):
        start, end = span
        if 0 <= start < end <= len(text):
            return start, end
    return None


def evidence_markers(doc_anchor: str, text: str, ranges: Iterable[tuple[int, int]], marks: list[Mark]):
    """(position, order, html) markers wrapping every evidence range, split into flat segments.

    Ranges may overlap, so they are cut at every boundary into elementary segments, each wrapped in its own
    span; a boundary inside an entity mark moves outward to the mark's edge so tags stay nested. The anchor id
    of a range (built from its original offsets, which is what the tables link to) sits on its first segment.
    """
    def snap(pos: int, leftward: bool) -> int:
        inside = next((m for m in marks if m.start < pos < m.end), None)
        return pos if inside is None else inside.start if leftward else inside.end

    ranges = sorted(set(ranges))
    snapped = [(snap(s, True), snap(e, False)) for s, e in ranges]
    bounds = sorted({b for pair in snapped for b in pair})
    markers = []
    for left, right in zip(bounds, bounds[1:]):
        covering = [r for r, (s, e) in zip(ranges, snapped) if s <= left and right <= e]
        if not covering:
            continue
        starting = [evidence_anchor(doc_anchor, r) for r, (s, _) in zip(ranges, snapped) if s == left]
        extra = "".join(f'<a class="ev-anchor" id="{esc(a)}"></a>' for a in starting[1:])
        own_id = f' id="{esc(starting[0])}"' if starting else ""
        tip = f"evidence ({len(covering)} fact{'s' if len(covering) > 1 else ''})"
        markers.append((left, 1, f'{extra}<span class="evidence"{own_id} title="{esc(tip)}">'))
        markers.append((right, 0, "</span>"))
    return sorted(markers, key=lambda m: (m[0], m[1]))


def render_text(doc_anchor: str, text: str, marks: list[Mark], evidence: Iterable[tuple[int, int]]) -> str:
    """The document text through displaCy, entities marked and evidence ranges wrapped."""
    text = _SENTINELS.sub("\ufffd", text)  # same length: offsets hold
    markers = evidence_markers(doc_anchor, text, evidence, marks)
    positions = [pos for pos, _, _ in markers]
    pieces, previous = [], 0
    for pos, order, _ in markers:
        pieces.append(text[previous:pos] + (OPEN_MARK if order else CLOSE_MARK))
        previous = pos
    shifted_text = "".join(pieces) + text[previous:]
    ents = []
    for mark in marks:
        shift = sum(1 for pos in positions if pos <= mark.start)
        ents.append({"start": mark.start + shift, "end": mark.end + shift, "label": mark.label,
                     "params": {"label": esc(mark.label), "cls": esc(mark.cls), "title": esc(mark.title),
                                "anchor": esc(mark.anchor)}})
    markup = displacy.render({"text": shifted_text, "ents": ents}, style="ent", manual=True, jupyter=False,
                             options={"colors": LABEL_COLORS, "template": ENT_TEMPLATE})
    tags = iter(tag for _, _, tag in markers)
    return _SENTINELS.sub(lambda _: next(tags), markup)


# ------------------------------------------------------------------------------------------------- events

def parties(event: Mapping[str, Any]) -> str:
    if event.get("type") == "acquisition" or "acquirer" in event:
        return event.get("acquirer") or ""
    return ", ".join(event.get("investors") or [])


def match_events(predicted: list, gold: list) -> tuple[list[bool], list]:
    """Per predicted event whether it matches a gold one, and the missed gold: the scorer's own matching
    (records/event.py), so the page and score.json agree."""
    pairs = pair_events(gold, predicted)
    matched_pred, matched_gold = {p for _, p in pairs}, {g for g, _ in pairs}
    return [p in matched_pred for p in range(len(predicted))], [g for k, g in enumerate(gold) if k not in matched_gold]


def _amount_cell(doc_anchor: str, text: str, event: Mapping[str, Any], linked: set[str]) -> str:
    if event.get("value") is None and event.get("currency") is None:
        return ""
    value = esc(money_text(event, group=True))
    amount = _valid_range(event.get("amount"), text)
    if amount is None:
        return value
    anchor = f"{doc_anchor}-ent-{amount[0]}-{amount[1]}"
    quote = esc(text[amount[0]:amount[1]])
    quote = f'<a href="#{esc(anchor)}">{quote}</a>' if anchor in linked else quote
    return f"{quote}<br><small>{value}</small>"


def _evidence_cell(doc_anchor: str, text: str, span: Any) -> str:
    span = _valid_range(span, text)
    if span is None:
        return ""
    snippet = " ".join(text[span[0]:span[1]].split())
    snippet = snippet if len(snippet) <= 90 else snippet[:87] + "…"
    return f'<a href="#{esc(evidence_anchor(doc_anchor, span))}">{esc(snippet)}</a>'


def events_table(doc_anchor: str, text: str, events: list, gold_events: list | None, linked: set[str]) -> str:
    rows = []
    status = [None] * len(events)
    missed = []
    if gold_events is not None:
        status, missed = match_events(events, gold_events)
    for event, hit, cls in ([(e, s, "") for e, s in zip(events, status)] + [(g, None, "fn") for g in missed]):
        mark = {True: ("tp", "✓ gold"), False: ("fp", "✗ not in gold"), None: ("", "")}[hit]
        row_cls, note = (cls, "missed (gold)") if cls else mark
        cells = [esc(event.get("type")), esc(parties(event)), esc(event.get("target")),
                 _amount_cell(doc_anchor, text, event, linked), esc(event.get("date")),
                 _evidence_cell(doc_anchor, text, event.get("evidence")),
                 esc(" ".join(event.get("rules") or []))]  # FORMAT.md "Traceability"
        if gold_events is not None:
            cells.append(esc(note))
        rows.append(f'<tr class="event {row_cls}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if not rows:
        return '<p class="none">No events.</p>'
    heads = ["type", "investor(s) / acquirer", "target", "amount", "date", "evidence", "rules"]
    heads += ["gold"] if gold_events is not None else []
    head = "".join(f"<th>{h}</th>" for h in heads)
    return f'<table class="events"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# -------------------------------------------------------------------------------------------- documents

def doc_anchors(ids: Iterable[Any]) -> dict[str, str]:
    """A stable, unique, URL-safe anchor per document id.

    >>> doc_anchors(["001_ab", "a b", "a_b"])
    {'001_ab': 'doc-001_ab', 'a b': 'doc-a_b', 'a_b': 'doc-a_b-2'}
    """
    anchors, used = {}, set()
    for doc_id in ids:
        key = str(doc_id)
        if key in anchors:
            continue
        base = "doc-" + re.sub(r"[^A-Za-z0-9_-]", "_", key)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors[key] = anchor
    return anchors


def render_document(record: Mapping[str, Any], anchor: str, gold: Mapping[str, Any] | None,
                    fact_evidence: list[tuple[int, int]], notes: list[str] = ()) -> str:
    text = record.get("text") or ""
    notes = list(notes)
    predicted, dropped = valid_spans(record.get("entities") or [], text)
    if dropped:
        notes.append(f"{dropped} predicted entit{'y' if dropped == 1 else 'ies'} out of range or overlapping, not shown")
    gold_entities = gold_events = None
    if gold is not None and gold.get("text") != text:
        notes.append("gold text differs from the predicted text: no gold comparison for this document")
    elif gold is not None:
        gold_entities, gold_dropped = valid_spans(gold.get("entities") or [], text)
        gold_events = gold.get("events") or []
        if gold_dropped:
            notes.append(f"{gold_dropped} gold entities out of range or overlapping, ignored")
    marks, diff = entity_marks(anchor, text, predicted, gold_entities)
    events = record.get("events") or []
    evidence = [_valid_range(e.get("evidence"), text) for e in events + (gold_events or [])]
    evidence = [span for span in evidence + fact_evidence if span]
    linked = {mark.anchor for mark in marks}

    meta = [f"source {esc(record.get('source'))}" if record.get("source") else "",
            f"published {esc(record.get('published'))}" if record.get("published") else "",
            "repairs " + esc(", ".join(f"{r.get('kind')} ×{r.get('count')}" for r in record["repairs"]))
            if record.get("repairs") else ""]
    parts = [f'<section class="doc" id="{esc(anchor)}">', f"<h2>{esc(record.get('id'))}</h2>",
             f'<p class="meta">{" · ".join(m for m in meta if m)}</p>']
    if diff is not None:
        parts.append(f'<p class="diff">entities: {diff.correct} correct, {diff.wrong_value} wrong value, '
                     f"{diff.false_positive} false positive, {diff.missed} missed</p>")
    parts += [f'<p class="note">{esc(note)}</p>' for note in notes]
    parts.append(render_text(anchor, text, marks, evidence))
    if diff is not None and diff.hidden_misses:
        items = "".join(f"<li>{esc(_describe(g, text))}</li>" for g in diff.hidden_misses)
        parts.append(f'<div class="hidden-misses">Missed gold entities overlapping a prediction:<ul>{items}</ul></div>')
    parts.append("<h3>Events</h3>" + events_table(anchor, text, events, gold_events, linked))
    parts.append("</section>")
    return "\n".join(parts)


# ----------------------------------------------------------------------------------- score and facts

def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return esc(f"{value:.3f}")
    return esc(value if _is_scalar(value) else json.dumps(value, ensure_ascii=False))


def render_figures(figures: Any, level: int = 3) -> str:
    """Any nested figures dict as tables: a dict of flat dicts becomes one table (rows × columns), scalars a
    two-column table, deeper dicts a heading each.

    >>> print(render_figures({"f1": 0.5}))
    <table class="figures"><tr><th>f1</th><td>0.500</td></tr></table>
    """
    if isinstance(figures, list) and figures and all(isinstance(r, Mapping) and all(map(_is_scalar, r.values()))
                                                     for r in figures):
        columns = list(dict.fromkeys(k for row in figures for k in row))
        head = "".join(f"<th>{esc(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{_cell(row.get(c, ''))}</td>" for c in columns) + "</tr>"
                       for row in figures)
        return f'<table class="figures"><tr>{head}</tr>{body}</table>'
    if not isinstance(figures, Mapping):
        return f"<p>{_cell(figures)}</p>"
    scalars = {k: v for k, v in figures.items() if _is_scalar(v)}
    nested = {k: v for k, v in figures.items() if not _is_scalar(v)}
    parts = []
    if scalars:
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{_cell(v)}</td></tr>" for k, v in scalars.items())
        parts.append(f'<table class="figures">{rows}</table>')
    flat = [v for v in nested.values() if isinstance(v, Mapping) and v and all(map(_is_scalar, v.values()))]
    if nested and len(flat) == len(nested):
        columns = list(dict.fromkeys(k for row in nested.values() for k in row))
        head = "<th></th>" + "".join(f"<th>{esc(c)}</th>" for c in columns)
        body = "".join(f"<tr><th>{esc(name)}</th>" + "".join(f"<td>{_cell(row.get(c, ''))}</td>" for c in columns)
                       + "</tr>" for name, row in nested.items())
        parts.append(f'<table class="figures"><tr>{head}</tr>{body}</table>')
    else:
        tag = f"h{min(level, 6)}"
        for name, value in nested.items():
            parts.append(f"<{tag}>{esc(name)}</{tag}>" + render_figures(value, level + 1))
    return "\n".join(parts)


def facts_table(facts: list, anchors: Mapping[str, str], texts: Mapping[str, str]) -> str:
    if not facts:
        return '<p class="none">No facts.</p>'
    rows = []
    for fact in facts:
        links = []
        for source in fact.get("sources") or []:
            doc_id = str(source.get("id"))
            anchor = anchors.get(doc_id)
            span = _valid_range(source.get("evidence"), texts.get(doc_id, ""))
            if anchor is None:
                links.append(esc(doc_id))
            else:
                target = evidence_anchor(anchor, span) if span else anchor
                links.append(f'<a href="#{esc(target)}">{esc(doc_id)}</a>')
        money = money_text(fact, group=True) if fact.get("value") is not None or fact.get("currency") else ""
        cells = [esc(fact.get("type")), esc(parties(fact)), esc(fact.get("target")), esc(money),
                 esc(fact.get("date")), "<br>".join(links)]
        rows.append('<tr class="fact">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("type", "investor(s) / acquirer", "target", "amount", "date", "sources"))
    return f'<table class="facts"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def fact_evidence_by_doc(facts: list, texts: Mapping[str, str]) -> dict[str, list[tuple[int, int]]]:
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for fact in facts:
        for source in fact.get("sources") or []:
            doc_id = str(source.get("id"))
            span = _valid_range(source.get("evidence"), texts.get(doc_id, ""))
            if span:
                by_doc.setdefault(doc_id, []).append(span)
    return by_doc


# ------------------------------------------------------------------------------------------------- page

CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 1.5rem auto; max-width: 72rem;
       padding: 0 1rem; color: #222; }
h1 { margin-bottom: .2rem; } h2 { margin: 0 0 .3rem; border-bottom: 1px solid #ccc; }
section.doc { margin: 2rem 0 3rem; }
.meta, .diff, .note, .none { color: #555; margin: .2rem 0; } .note { color: #a40; }
.entities { line-height: 2.5; white-space: normal; }
mark.entity { padding: .35em .5em; margin: 0 .15em; line-height: 1; border-radius: .35em; color: #111; }
mark.entity .label { font-size: .7em; font-weight: bold; margin-left: .4rem; vertical-align: middle; }
mark.entity[title]:not([title=""]) { cursor: help; }
mark.fp { outline: 2px dashed #d00; outline-offset: 1px; }
mark.fn { background: repeating-linear-gradient(45deg, #fff, #fff 4px, #eee 4px, #eee 8px) !important;
          outline: 2px dashed #06c; outline-offset: 1px; }
mark.wrong-value { outline: 2px solid #e80; outline-offset: 1px; }
span.evidence { border-bottom: 2px solid #9a9; }
span.evidence:target, a.ev-anchor:target + span.evidence { background: #fff3b0; }
mark.entity:target { box-shadow: 0 0 0 3px #333; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr.fp td { background: #fde8e8; } tr.fn td { background: #e6f0ff; } tr.tp td { background: #eaf7ea; }
.legend mark { display: inline-block; margin: .2rem; }
.legend mark.fp, .legend mark.wrong-value { background: #eee; }
.hidden-misses { font-size: .9em; color: #06c; }
nav ul { columns: 3; font-size: .9em; }
"""


def legend(with_gold: bool) -> str:
    items = "".join(f'<mark class="entity" style="background: {color}">{label}</mark>'
                    for label, color in LABEL_COLORS.items())
    if with_gold:
        items += ('<mark class="entity fp">false positive</mark><mark class="entity fn">missed (gold)</mark>'
                  '<mark class="entity wrong-value">wrong value</mark>')
    return (f'<div class="legend">{items} <span class="evidence">evidence sentence</span>'
            " <small>(hover an entity for its normalised value)</small></div>")


def _figure(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else esc("–" if value is None else value)


def score_table(figures: Mapping[str, Any]) -> str:
    """The scorer's figures as one table (labels × strict/partial P R F1), then value accuracy and
    events; figures of another shape are shown generically."""
    spans = figures.get("spans") if isinstance(figures, Mapping) else None
    if not (isinstance(spans, Mapping) and {"strict", "partial"} <= set(spans)
            and all(isinstance(v, Mapping) for v in spans["strict"].values())):
        return render_figures(figures)
    head = ("<tr><th></th><th>strict P</th><th>R</th><th>F1</th><th>partial P</th><th>R</th><th>F1</th>"
            "<th>gold</th><th>pred</th></tr>")
    rows = []
    for label, strict in spans["strict"].items():
        partial = spans["partial"].get(label, {})
        cells = [strict.get("precision"), strict.get("recall"), strict.get("f1"),
                 partial.get("precision"), partial.get("recall"), partial.get("f1"),
                 strict.get("gold"), strict.get("predicted")]
        rows.append(f"<tr><th>{esc(label)}</th>" + "".join(f"<td>{_figure(c)}</td>" for c in cells) + "</tr>")
    events = figures.get("events")
    for kind, counts in (events.items() if isinstance(events, Mapping) else ()):
        if not isinstance(counts, Mapping):
            continue
        cells = [counts.get("precision"), counts.get("recall"), counts.get("f1"), None, None, None,
                 counts.get("gold"), counts.get("predicted")]
        rows.append(f"<tr><th>events: {esc(kind)}</th>" + "".join(f"<td>{_figure(c)}</td>" for c in cells) + "</tr>")
    extra = {key: value for key, value in figures.items() if key in ("normalisation", "documents")}
    return f'<table class="scores">{head}{"".join(rows)}</table>' + render_figures(extra)


def render_report(records: Iterable[Mapping[str, Any]], gold: Mapping[str, Mapping] | None = None,
                  score: Mapping[str, Any] | None = None, facts: list | None = None,
                  title: str = "Extraction review", notes: Iterable[str] = ()) -> str:
    """The whole page. `gold` maps document id → gold record; `facts` are facts.jsonl rows (None: no section)."""
    records = list(records)
    anchors = doc_anchors(r.get("id") for r in records)
    texts = {str(r.get("id")): r.get("text") or "" for r in records}
    fact_spans = fact_evidence_by_doc(facts or [], texts)
    body = [f"<h1>{esc(title)}</h1>",
            f'<p class="meta">{len(records)} documents · '
            f"{sum(len(r.get('entities') or []) for r in records)} entities · "
            f"{sum(len(r.get('events') or []) for r in records)} events</p>",
            legend(gold is not None)]
    body += [f'<p class="note">{esc(note)}</p>' for note in notes]
    if gold is not None:
        orphans = sorted(set(map(str, gold)) - set(texts))
        if orphans:
            body.append(f'<p class="note">gold documents with no prediction: {esc(", ".join(orphans))}</p>')
    if score:
        body.append('<section class="score"><h2>Score</h2>' + score_table(score) + "</section>")
    if facts is not None:
        body.append('<section class="facts"><h2>Facts</h2>' + facts_table(facts, anchors, texts) + "</section>")
    toc = "".join(f'<li><a href="#{esc(anchors[str(r.get("id"))])}">{esc(r.get("id"))}</a></li>' for r in records)
    body.append(f"<nav><h2>Documents</h2><ul>{toc}</ul></nav>")
    seen = set()
    for record in records:
        doc_id = str(record.get("id"))
        if doc_id in seen:
            continue  # a repeated id would duplicate anchors
        seen.add(doc_id)
        doc_gold = gold.get(doc_id) if gold is not None else None
        doc_notes = ["no gold record for this document"] if gold is not None and doc_gold is None else []
        body.append(render_document(record, anchors[doc_id], doc_gold, fact_spans.get(doc_id, []), doc_notes))
    return ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{esc(title)}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


# ------------------------------------------------------------------------------------------------ files

def read_gold(gold_dir: str | Path) -> dict[str, dict]:
    """Gold records by id from a directory of *.jsonl files (or one .jsonl file), read as the scorer reads them."""
    from .score import load_gold

    return {str(rec["id"]): rec for rec in load_gold(gold_dir)}


def write_report(pred_path: str | Path, out_path: str | Path, gold_dir: str | Path | None = None,
                 facts_path: str | Path | None = None, score: Mapping[str, Any] | str | Path | None = None) -> Path:
    """Write the review page for a predictions JSONL file; atomic (temp file in the same dir, then os.replace).

    `facts_path` may name a file that does not exist yet: the page then says so. `score` is a figures dict or
    the path of a JSON file holding one.
    """
    records = list(srsly.read_jsonl(pred_path))
    gold = read_gold(gold_dir) if gold_dir is not None else None
    facts, notes = None, []
    if facts_path is not None:
        if Path(facts_path).exists():
            facts = list(srsly.read_jsonl(facts_path))
        else:
            notes.append(f"no facts file at {facts_path}")
    if isinstance(score, (str, Path)):
        score = srsly.read_json(score)
    page = render_report(records, gold=gold, score=score, facts=facts, notes=notes)
    write_text_atomic(out_path, page)
    return Path(out_path)
