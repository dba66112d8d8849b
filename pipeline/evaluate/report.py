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
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

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


@lru_cache(maxsize=1)
def display_words() -> dict:
    """models/display.yaml: the words shown for qualifier and mod codes and for an unknown amount."""
    from ..nlp import lexicons

    return lexicons.load("display.yaml")


def money_text(item: Mapping[str, Any], group: bool = False) -> str:
    """How a reader says the amount of a MONEY entity or an event: the qualifier as a word, the figure,
    the currency; an amount the text does not give says so.

    >>> money_text({"value": 1e10, "currency": "USD", "qualifier": "up_to"})
    "jusqu'à 10000000000 USD"
    >>> money_text({"value": 1e6, "value_max": 2e6, "currency": "EUR", "qualifier": "range"}, group=True)
    'entre 1\u202f000\u202f000 et 2\u202f000\u202f000 EUR'
    >>> money_text({"value": None, "currency": "USD", "qualifier": "approx"})
    'montant non précisé (USD)'
    >>> money_text({"value": 5, "currency": None, "qualifier": "exact"})
    '5'
    """
    words = display_words()
    if item.get("value") is None:
        currency = item.get("currency")
        return words["unknown_amount"] + (f" ({currency})" if currency else "")
    amount = fmt_number(item.get("value"), group)
    qualifier = item.get("qualifier")
    if item.get("value_max") is not None:
        amount += f" {words['range_join']} " + fmt_number(item["value_max"], group)
        if qualifier not in (None, "range"):
            amount = f"{words['qualifiers']['range']} {amount}"
    word = words["qualifiers"].get(qualifier, qualifier) if qualifier else ""
    return " ".join(part for part in (word, amount, item.get("currency")) if part)


def date_text(entity: Mapping[str, Any]) -> str:
    """A DATE's value with its mod as a word.

    >>> date_text({"value": "2025-09", "mod": "END"}), date_text({"value": "2024", "mod": None})
    ('fin 2025-09', '2024')
    >>> date_text({"value": None, "mod": "MID"})
    'mi- ?'
    """
    mod = entity.get("mod")
    word = display_words()["date_mods"].get(mod, mod) if mod else ""
    return " ".join(part for part in (word, str(entity.get("value") or "?")) if part)


def normalised(entity: Mapping[str, Any]) -> str:
    """What an entity's hover title shows: its normalised value, or its canonical name when that differs.

    >>> normalised({"label": "DATE", "text": "fin septembre 2025", "value": "2025-09", "mod": "END"})
    'fin 2025-09'
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
        return date_text(entity)
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


@dataclass
class DocSummary:
    """One row of the documents table."""
    doc_id: str
    anchor: str
    title: str
    entities: int
    events: int
    errors: int


def title_line(text: str, limit: int = 90) -> str:
    """The first line of a text that is not its `date` line, cut to `limit` characters.

    >>> title_line(" date 2025-11-19\\n\\nAlpha lève 3 M€\\nCorps"), title_line("x" * 100, 10)
    ('Alpha lève 3 M€', 'xxxxxxxxx…')
    """
    from ..read.published import DATE_LINE

    match = DATE_LINE.match(text)
    head = text[match.end():] if match else text
    line = next((line.strip() for line in head[:2000].splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[:limit - 1] + "…"


def render_document(record: Mapping[str, Any], anchor: str, gold: Mapping[str, Any] | None,
                    fact_evidence: list[tuple[int, int]], notes: list[str] = (), open_: bool = True,
                    ) -> tuple[str, DocSummary]:
    """A document's section (a <details>, open or closed) and its row of the documents table."""
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

    errors = dropped
    if diff is not None:
        hits, missed_events = match_events(events, gold_events)
        errors += diff.wrong_value + diff.false_positive + diff.missed + hits.count(False) + len(missed_events)
    summary = DocSummary(str(record.get("id")), anchor, title_line(text), len(record.get("entities") or []),
                         len(events), errors)

    meta = [f"source {esc(record.get('source'))}" if record.get("source") else "",
            f"published {esc(record.get('published'))}" if record.get("published") else "",
            "repairs " + esc(", ".join(f"{r.get('kind')} ×{r.get('count')}" for r in record["repairs"]))
            if record.get("repairs") else ""]
    classes = "doc" + (" has-errors" if errors else "") + (" has-events" if events else "")
    parts = [f'<details class="{classes}" id="{esc(anchor)}"{" open" if open_ else ""}>',
             f"<summary><h2>{esc(record.get('id'))}</h2> <span class=\"doc-title\">{esc(summary.title)}</span>"
             f" <small>{_counts_text(summary)}</small></summary>",
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
    parts.append("</details>")
    return "\n".join(parts), summary


def _counts_text(summary: DocSummary) -> str:
    parts = [f"{summary.entities} entities", f"{summary.events} events"]
    if summary.errors:
        parts.append(f"{summary.errors} errors")
    return " · ".join(parts)


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


def facts_table(facts: list, anchors: Mapping[str, str], texts: Mapping[str, str],
                href: Callable[[str], str] | None = None) -> str:
    """The cross-document facts; each fact's sources grouped by document ("d096 ×2"), each document linked
    to the evidence of its first source. `href(anchor)` turns an anchor into a link (another page)."""
    if not facts:
        return '<p class="none">No facts.</p>'
    href = href or (lambda anchor: f"#{anchor}")
    rows = []
    for fact in facts:
        by_doc: dict[str, list] = {}
        for source in fact.get("sources") or []:
            by_doc.setdefault(str(source.get("id")), []).append(source)
        links = []
        for doc_id, sources in by_doc.items():
            label = esc(doc_id) + (f" ×{len(sources)}" if len(sources) > 1 else "")
            anchor = anchors.get(doc_id)
            if anchor is None:
                links.append(label)
                continue
            span = next((s for s in (_valid_range(src.get("evidence"), texts.get(doc_id, "")) for src in sources)
                         if s), None)
            target = evidence_anchor(anchor, span) if span else anchor
            links.append(f'<a href="{esc(href(target))}">{label}</a>')
        money = money_text(fact, group=True) if fact.get("value") is not None or fact.get("currency") else ""
        cells = [esc(fact.get("type")), esc(parties(fact)), esc(fact.get("target")), esc(money),
                 esc(fact.get("date")), ", ".join(links)]
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
details.doc { margin: .4rem 0; border-top: 1px solid #ddd; padding-top: .3rem; }
details.doc[open] { margin-bottom: 2.5rem; }
details.doc > summary, details.facts > summary { cursor: pointer; }
details.facts > summary h2 { display: inline; }
.jump { font-size: .95em; }
details.doc > summary h2 { display: inline; border: 0; font-size: 1.1em; }
.doc-title { color: #333; } summary small { color: #777; }
table.docs td:nth-child(n+3) { text-align: right; }
input[name=filter] { margin-left: 1rem; }
#show-errors:checked ~ table.docs tr.doc-row:not(.has-errors),
#show-errors:checked ~ details.doc:not(.has-errors),
#show-events:checked ~ table.docs tr.doc-row:not(.has-events),
#show-events:checked ~ details.doc:not(.has-events) { display: none; }
ul.documents, ul.normalisation { color: #444; font-size: .9em; }
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
    return (f'<table class="scores">{head}{"".join(rows)}</table>'
            + normalisation_lines(figures.get("normalisation")) + documents_lines(figures.get("documents")))


IDS_SHOWN = 20  # a list of document ids longer than this is cut ("and 930 more")


def _ids_text(ids: Any) -> str:
    if not isinstance(ids, list):
        return esc(ids)
    if not ids:
        return "none"
    more = f" and {len(ids) - IDS_SHOWN} more" if len(ids) > IDS_SHOWN else ""
    return esc(", ".join(map(str, ids[:IDS_SHOWN])) + more)


def documents_lines(docs: Any) -> str:
    """The scorer's "documents" block as sentences (no raw keys); another shape is shown as it is."""
    if not isinstance(docs, Mapping):
        return ""
    if not {"gold", "predicted", "scored"} <= set(docs):
        return render_figures({"documents": docs})
    empty = " (scored as empty)" if docs.get("missing_predictions_scored_as_empty") else " (not scored)"
    items = [f"{_figure(docs['scored'])} documents scored: {_figure(docs['gold'])} in gold, "
             f"{_figure(docs['predicted'])} predicted",
             f"gold without prediction{empty}: {_ids_text(docs.get('missing_predictions', []))}",
             f"prediction without gold (not scored): {_ids_text(docs.get('missing_gold', []))}",
             f"text differs from gold, offsets aligned: {_ids_text(docs.get('aligned', []))}"]
    invalid = docs.get("invalid_spans") or []
    if isinstance(invalid, list) and invalid:
        shown = ", ".join(f"{bad.get('side')} {bad.get('id')} [{bad.get('start')}, {bad.get('end')}): "
                          f"{bad.get('problem')}" for bad in invalid if isinstance(bad, Mapping))
        items.append(f"entities left out, offsets invalid: {esc(shown)}")
    return '<ul class="documents">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def normalisation_lines(norm: Any) -> str:
    """Value accuracy of matched MONEY and DATE spans as sentences; another shape is shown as it is."""
    if not isinstance(norm, Mapping):
        return ""
    money, date = norm.get("MONEY"), norm.get("DATE")
    if not (isinstance(money, Mapping) and isinstance(date, Mapping)):
        return render_figures({"normalisation": norm})

    def share(correct: Any, total: Any) -> str:
        if isinstance(correct, int) and isinstance(total, int) and total:
            return f"{correct / total:.3f} ({correct}/{total})"
        return "n/a"

    items = [f"MONEY value and currency right: {share(money.get('value_currency_correct'), money.get('matched'))}",
             f"DATE value right: {share(date.get('value_correct'), date.get('matched'))}",
             f"DATE mod right: {share(date.get('mod_correct'), date.get('matched'))}"]
    return ('<p class="meta">On the spans matched under partial:</p><ul class="normalisation">'
            + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


OPEN_UP_TO = 10  # documents shown open; more start closed (a closed <details> costs the browser little)
PAGE_BYTES = 1_000_000  # above this the documents move to pages of their own (report-2.html, ...): each opens in ~1 s


def documents_table(rows: list[DocSummary], href: Callable[[str], str], skipped: list[Mapping] = ()) -> str:
    """The table of documents, with CSS-only filters (the page runs no script): all, with errors, with
    events. The radio buttons sit before the table and the sections, as siblings, so `:checked ~` reaches
    them."""
    body = []
    for row in rows:
        classes = "doc-row" + (" has-errors" if row.errors else "") + (" has-events" if row.events else "")
        body.append(f'<tr class="{classes}"><td><a href="{esc(href(row.anchor))}">{esc(row.doc_id)}</a></td>'
                    f"<td>{esc(row.title)}</td><td>{row.entities}</td><td>{row.events}</td>"
                    f"<td>{row.errors or ''}</td></tr>")
    for item in skipped:
        body.append(f'<tr class="doc-row has-errors skipped"><td>{esc(item.get("id"))}</td>'
                    f'<td>skipped: {esc(item.get("error"))}</td><td></td><td></td><td>1</td></tr>')
    with_errors = sum(1 for row in rows if row.errors) + len(skipped)
    with_events = sum(1 for row in rows if row.events)
    filters = (f'<input type="radio" name="filter" id="show-all" checked><label for="show-all">all ({len(rows) + len(skipped)})</label> '
               f'<input type="radio" name="filter" id="show-errors"><label for="show-errors">with errors ({with_errors})</label> '
               f'<input type="radio" name="filter" id="show-events"><label for="show-events">with events ({with_events})</label>')
    head = "".join(f"<th>{h}</th>" for h in ("document", "first line", "entities", "events", "errors"))
    return (f'{filters}\n<table class="docs"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{esc(title)}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def render_pages(records: Iterable[Mapping[str, Any]], gold: Mapping[str, Mapping] | None = None,
                 score: Mapping[str, Any] | None = None, facts: list | None = None,
                 title: str = "Extraction review", notes: Iterable[str] = (), skipped: list[Mapping] = (),
                 name: str = "report.html", max_bytes: int | None = PAGE_BYTES) -> list[tuple[str, str]]:
    """The review as (file name, HTML) pages: one page when it fits in `max_bytes` (None: always one),
    else a first page (summary, score, facts, table of documents) and pages of documents, each under
    `max_bytes`, named after `name` ("report-2.html", ...)."""
    records, seen = list(records), set()
    unique = []
    for record in records:
        doc_id = str(record.get("id"))
        if doc_id not in seen:  # a repeated id would duplicate anchors
            seen.add(doc_id)
            unique.append(record)
    anchors = doc_anchors(r.get("id") for r in unique)
    texts = {str(r.get("id")): r.get("text") or "" for r in unique}
    fact_spans = fact_evidence_by_doc(facts or [], texts)
    open_ = len(unique) <= OPEN_UP_TO
    sections, rows = [], []
    for record in unique:
        doc_id = str(record.get("id"))
        doc_gold = gold.get(doc_id) if gold is not None else None
        doc_notes = ["no gold record for this document"] if gold is not None and doc_gold is None else []
        section, row = render_document(record, anchors[doc_id], doc_gold, fact_spans.get(doc_id, []), doc_notes,
                                       open_=open_)
        sections.append(section)
        rows.append(row)

    # Which page each document goes on: page 0 is the first page (it holds everything when it fits).
    stem, suffix = Path(name).stem, Path(name).suffix or ".html"
    total = sum(len(section.encode("utf-8")) for section in sections)
    page_of: dict[str, int] = {}
    pages: list[list[str]] = [[]]
    if max_bytes is None or total <= max_bytes * 0.8:
        page_of = {row.anchor: 0 for row in rows}
        pages[0] = sections
    else:
        size = max_bytes  # start a new page at once
        for section, row in zip(sections, rows):
            length = len(section.encode("utf-8"))
            if size + length > max_bytes * 0.9 and (size or len(pages) == 1):
                pages.append([])
                size = 0
            pages[-1].append(section)
            page_of[row.anchor] = len(pages) - 1
            size += length
    files = [name] + [f"{stem}-{n}{suffix}" for n in range(2, len(pages) + 1)]

    def href_from(page: int) -> Callable[[str], str]:
        def href(anchor: str) -> str:
            doc = next((a for a in page_of if anchor == a or anchor.startswith(a + "-")), None)
            target = page_of.get(doc, 0) if doc else 0
            return f"#{anchor}" if target == page else f"{files[target]}#{anchor}"
        return href

    n_entities = sum(row.entities for row in rows)
    n_events = sum(row.events for row in rows)
    body = [f"<h1>{esc(title)}</h1>",
            f'<p class="meta">{len(rows)} documents · {n_entities} entities · {n_events} events'
            + (f" · {len(skipped)} skipped" if skipped else "")
            + (f" · documents on {len(files) - 1} further pages" if len(files) > 1 else "") + "</p>",
            legend(gold is not None)]
    body += [f'<p class="note">{esc(note)}</p>' for note in notes]
    if gold is not None:
        orphans = sorted(set(map(str, gold)) - set(texts))
        if orphans:
            body.append(f'<p class="note">gold documents with no prediction: {esc(", ".join(orphans))}</p>')
    jump = [('score', 'Score') if score else None, ("facts", f"Facts ({len(facts)})") if facts is not None else None,
            ("documents", f"Documents ({len(rows)})")]
    body.append('<p class="jump">' + " · ".join(f'<a href="#{a}">{t}</a>' for a, t in filter(None, jump)) + "</p>")
    if score:
        body.append('<section class="score" id="score"><h2>Score</h2>' + score_table(score) + "</section>")
    if facts is not None:
        facts_open = " open" if len(facts) <= OPEN_UP_TO else ""  # many facts: the documents table comes first
        body.append(f'<details class="facts" id="facts"{facts_open}><summary><h2>Facts ({len(facts)})</h2></summary>'
                    + facts_table(facts, anchors, texts, href_from(0)) + "</details>")
    body.append('<main class="documents" id="documents"><h2>Documents</h2>'
                + documents_table(rows, href_from(0), list(skipped))
                + "\n" + "\n".join(pages[0]) + "</main>")
    result = [(files[0], _page(title, body))]
    for number, page_sections in enumerate(pages[1:], 2):
        heading = f"{title} — documents, page {number} of {len(files)}"
        nav = f'<p class="meta"><a href="{esc(files[0])}">← summary, score and facts</a></p>'
        result.append((files[number - 1], _page(heading, [f"<h1>{esc(heading)}</h1>", nav, legend(gold is not None),
                                                           '<main class="documents">' + "\n".join(page_sections)
                                                           + "</main>"])))
    return result


def render_report(records: Iterable[Mapping[str, Any]], gold: Mapping[str, Mapping] | None = None,
                  score: Mapping[str, Any] | None = None, facts: list | None = None,
                  title: str = "Extraction review", notes: Iterable[str] = (), skipped: list[Mapping] = ()) -> str:
    """The whole review as one page. `gold` maps document id → gold record; `facts` are facts.jsonl rows
    (None: no section); `skipped` the rows of an --on-error skip sidecar file."""
    return render_pages(records, gold, score, facts, title, notes, skipped, max_bytes=None)[0][1]


# ------------------------------------------------------------------------------------------------ files

def read_gold(gold_dir: str | Path) -> dict[str, dict]:
    """Gold records by id from a directory of *.jsonl files (or one .jsonl file), read as the scorer reads them."""
    from .score import load_gold

    return {str(rec["id"]): rec for rec in load_gold(gold_dir)}


def write_report(pred_path: str | Path, out_path: str | Path, gold_dir: str | Path | None = None,
                 facts_path: str | Path | None = None, score: Mapping[str, Any] | str | Path | None = None,
                 max_bytes: int | None = PAGE_BYTES) -> Path:
    """Write the review page(s) for a predictions JSONL file; each atomically (temp file in the same dir, then
    os.replace), the pages of documents before the first page that links to them.

    `facts_path` may name a file that does not exist yet: the page then says so. `score` is a figures dict or
    the path of a JSON file holding one. The documents an `--on-error skip` run left out (its sidecar file
    beside `pred_path`) are listed.
    """
    from ..read.io import errors_path
    from .score import ScoreInputError, read_jsonl  # one-line errors naming the file and line

    records = read_jsonl(pred_path)
    gold = read_gold(gold_dir) if gold_dir is not None else None
    facts, notes = None, []
    if facts_path is not None:
        if Path(facts_path).exists():
            facts = read_jsonl(facts_path)
        else:
            notes.append(f"no facts file at {facts_path}")
    if isinstance(score, (str, Path)):
        try:
            score = srsly.read_json(score)
        except ValueError as err:
            raise ScoreInputError(f"{score}: invalid JSON ({err})") from None
    sidecar = Path(errors_path(str(pred_path)))
    skipped = read_jsonl(sidecar) if sidecar.is_file() else []
    out_path = Path(out_path)
    pages = render_pages(records, gold=gold, score=score, facts=facts, notes=notes, skipped=skipped,
                         name=out_path.name, max_bytes=max_bytes)
    for name, page in reversed(pages):
        write_text_atomic(out_path.with_name(name), page)
    stale = re.compile(re.escape(out_path.stem) + r"-(\d+)" + re.escape(out_path.suffix))
    for path in out_path.parent.glob(f"{out_path.stem}-*{out_path.suffix}"):
        match = stale.fullmatch(path.name)
        if match and int(match.group(1)) > len(pages):
            path.unlink(missing_ok=True)  # a page of an earlier, longer review
    return out_path
