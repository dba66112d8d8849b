"""The review page at scale (issue 16, must 5): a table of documents with CSS-only filters, collapsible
documents, grouped fact sources, readable words, no raw keys; 1,000 documents split into pages under 3 MB."""
import json
import re
import time
from pathlib import Path

import pytest

from fr_finance import PROJECT_ROOT
from fr_finance.evaluate.report import render_report, write_report
from fr_finance.evaluate.score import score

from test_report import CHROMIUM, Dom, chromium

PARAGRAPH = ("Le {n} mars 2025, le fonds Orvane{i} a investi jusqu'à {m} millions d'euros dans Kelda{i}, une jeune "
             "pousse installée à Lyon. La société Kelda{i} est désormais valorisée à {v} millions d'euros, en "
             "hausse de {p} % depuis fin 2024. ")


def generated_record(i: int) -> dict:
    """A document of ~2,600 characters, 24 entities and 2 events, its figures varied by `i`."""
    paragraphs = [PARAGRAPH.format(i=i, n=1 + k, m=10 + i % 50 + k, v=100 + i % 90, p=5 + k) for k in range(4)]
    text = f"Kelda{i} lève des fonds auprès d'Orvane{i}\n\n" + "\n\n".join(paragraphs)
    entities, events = [], []
    for start in (m.start() for m in re.finditer(r"Le \d+ mars", text)):
        sentence_end = text.index(".", start) + 1
        for fragment, label, extra in ((f"Orvane{i}", "ORG", {"canonical": f"Orvane{i}"}),
                                       (f"Kelda{i}", "ORG", {"canonical": f"Kelda{i}"}),
                                       ("Lyon", "LOC", {"canonical": "Lyon"})):
            at = text.index(fragment, start)
            entities.append({"start": at, "end": at + len(fragment), "text": fragment, "label": label, **extra})
        money = re.compile(r"\d+ millions d'euros").search(text, start)
        entities.append({"start": money.start(), "end": money.end(), "text": money.group(), "label": "MONEY",
                         "value": int(money.group().split()[0]) * 1_000_000, "currency": "EUR", "qualifier": "up_to"})
        date = re.compile(r"\d+ mars 2025").search(text, start)
        entities.append({"start": date.start(), "end": date.end(), "text": date.group(), "label": "DATE",
                         "value": f"2025-03-{int(date.group().split()[0]):02d}", "mod": None})
        percent = re.compile(r"\d+ %").search(text, start)
        entities.append({"start": percent.start(), "end": percent.end(), "text": percent.group(), "label": "PERCENT",
                         "value": int(percent.group().split()[0])})
        if len(events) < 2:
            events.append({"type": "investment", "investors": [f"Orvane{i}"], "target": f"Kelda{i}",
                           "value": entities[-3]["value"], "currency": "EUR", "qualifier": "up_to",
                           "date": entities[-2]["value"], "amount": [money.start(), money.end()],
                           "evidence": [start, sentence_end]})
    entities.sort(key=lambda e: e["start"])
    return {"id": f"d{i:04d}", "source": f"gen/d{i:04d}.txt", "published": "2025-03-01", "text": text,
            "repairs": [], "entities": entities, "events": events if i % 3 else []}


def facts_for(records):
    """One fact per document with events, its two events as two sources of the same document."""
    return [{"type": "investment", "investors": r["events"][0]["investors"], "target": r["events"][0]["target"],
             "value": None, "currency": "EUR", "qualifier": "approx", "date": "2025-03",
             "sources": [{"id": r["id"], "evidence": e["evidence"]} for e in r["events"]]}
            for r in records if r["events"]]


@pytest.fixture(scope="module")
def big_review(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("big")
    records = [generated_record(i) for i in range(1000)]
    gold = []
    for record in records[:50]:  # 50 documents with gold: one entity missed in each
        expected = json.loads(json.dumps(record))
        expected["entities"].append({"start": 0, "end": 5, "text": record["text"][:5], "label": "MISC"})
        expected["entities"].sort(key=lambda e: e["start"])
        gold.append(expected)
    (tmp / "pred.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    (tmp / "pred.errors.jsonl").write_text(json.dumps({"id": "d9999", "error": "RuntimeError: panne"}) + "\n",
                                           encoding="utf-8")
    (tmp / "facts.jsonl").write_text("".join(json.dumps(f) + "\n" for f in facts_for(records)), encoding="utf-8")
    (tmp / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    figures = {k: v for k, v in score(gold, records, score_missing=False).items() if k != "errors"}
    started = time.perf_counter()
    out = write_report(tmp / "pred.jsonl", tmp / "report.html", gold_dir=tmp / "gold.jsonl",
                       facts_path=tmp / "facts.jsonl", score=figures)
    seconds = time.perf_counter() - started
    pages = sorted(tmp.glob("report*.html"), key=lambda p: (len(p.name), p.name))
    return out, pages, seconds


def test_1000_documents_are_split_into_pages_under_3_mb(big_review):
    out, pages, seconds = big_review
    assert pages[0] == out and len(pages) >= 2
    sizes = [p.stat().st_size for p in pages]
    assert max(sizes) < 3_000_000, sizes
    assert seconds < 60


def test_every_link_of_the_split_review_reaches_an_anchor(big_review):
    _, pages, _ = big_review
    ids = {page.name: Dom(page.read_text(encoding="utf-8")).ids() for page in pages}
    checked = 0
    for page in pages:
        for _, attrs in Dom(page.read_text(encoding="utf-8")).elements:
            href = attrs.get("href")
            if href is None:
                continue
            name, _, anchor = href.partition("#")
            assert anchor == "" or anchor in ids[name or page.name], (page.name, href)
            checked += 1
    assert checked > 3000


def test_summary_table_lists_every_document_with_counts_and_filters(big_review):
    out, _, _ = big_review
    dom = Dom(out.read_text(encoding="utf-8"))
    rows = dom.find("tr", class_="doc-row")
    assert len(rows) == 1001  # 1,000 documents and the one an --on-error skip run left out
    assert len(dom.find("tr", class_="has-errors")) == 51  # the 50 with a missed gold entity, the skipped one
    assert len(dom.find("tr", class_="has-events")) == 666
    assert [a["id"] for a in dom.find("input")] == ["show-all", "show-errors", "show-events"]
    text = " ".join("".join(dom.text).split())
    assert "Kelda7 lève des fonds auprès d'Orvane7" in text and "skipped: RuntimeError: panne" in text


def test_fact_sources_are_grouped_by_document(big_review):
    out, _, _ = big_review
    text = " ".join("".join(Dom(out.read_text(encoding="utf-8")).text).split())
    assert "d0001 ×2" in text and "d0001, d0001" not in text
    assert "montant non précisé (EUR)" in text


def test_no_raw_keys_or_codes_on_the_page(big_review):
    out, pages, _ = big_review
    first = out.read_text(encoding="utf-8")
    for raw in ("missing_predictions_scored_as_empty", "missing_gold", "value_currency_correct", "[]", "up_to",
                "? EUR"):
        assert raw not in first, raw
    text = " ".join("".join(Dom(first).text).split())
    assert "prediction without gold (not scored): d0050, d0051," in text and "d0069 and 930 more" in text
    assert "up_to" not in pages[1].read_text(encoding="utf-8")


def test_documents_start_closed_when_many_and_open_when_few(big_review):
    _, pages, _ = big_review
    details = Dom(pages[1].read_text(encoding="utf-8")).find("details", class_="doc")
    assert details and not any("open" in d for d in details)
    few = Dom(render_report([generated_record(1), generated_record(2)]))
    assert all("open" in d for d in few.find("details", class_="doc"))


def test_big_review_in_chromium(big_review, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it in .ci/run")
    out, pages, _ = big_review
    started = time.perf_counter()
    dom = Dom(chromium(tmp_path, "--dump-dom", out.as_uri()))
    assert time.perf_counter() - started < 30  # browser start included; the page itself renders in well under 2 s
    assert len(dom.find("tr", class_="doc-row")) == 1001
    png = PROJECT_ROOT / "outputs" / "report-1000.png"
    png.parent.mkdir(exist_ok=True)
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,1600", out.as_uri())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    second = Dom(chromium(tmp_path, "--dump-dom", pages[1].as_uri()))
    assert second.find("details", class_="doc")


def test_pages_of_an_earlier_longer_review_are_removed(tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(generated_record(i)) + "\n" for i in range(30)), encoding="utf-8")
    write_report(pred, tmp_path / "review.html", max_bytes=40_000)
    assert len(list(tmp_path.glob("review-*.html"))) >= 2
    write_report(pred, tmp_path / "review.html")
    assert sorted(p.name for p in tmp_path.glob("review*.html")) == ["review.html"]
