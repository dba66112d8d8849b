import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fr_finance import PROJECT_ROOT
from fr_finance.evaluate.report import render_figures, render_report, write_report

HOSTILE = "<script>document.title='pwned'</script>"
HOSTILE_IMG = "<img src=x onerror=\"document.title='pwned'\">"


def span(text, fragment, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


def ent(text, fragment, label, nth=0, **fields):
    start, end = span(text, fragment, nth)
    return {"start": start, "end": end, "text": fragment, "label": label, **fields}


def sentence(text, first_words):
    start = text.index(first_words)
    return [start, text.index(".", start) + 1]


def funding_record():
    text = ("Le 3 mars 2025, le fonds Eurazeo a investi jusqu'à 40 millions d'euros dans Lumio, une jeune pousse "
            "installée à Lyon. La société est désormais valorisée à 300 millions d'euros, en hausse de 25 % "
            "depuis fin 2024.")
    return {
        "id": "100_lumio", "source": "tests/100_lumio.txt", "published": "2025-03-03", "text": text, "repairs": [],
        "entities": [
            ent(text, "3 mars 2025", "DATE", value="2025-03-03", mod=None),
            ent(text, "Eurazeo", "ORG", canonical="Eurazeo"),
            ent(text, "40 millions d'euros", "MONEY", value=40000000, currency="EUR", qualifier="up_to"),
            ent(text, "Lumio", "ORG", canonical="Lumio"),
            ent(text, "Lyon", "LOC", canonical="Lyon"),
            ent(text, "300 millions d'euros", "MONEY", value=300000000, currency="EUR", qualifier="exact"),
            ent(text, "25 %", "PERCENT", value=25),
            ent(text, "fin 2024", "DATE", value="2024", mod="END"),
        ],
        "events": [
            {"type": "investment", "investors": ["Eurazeo"], "target": "Lumio", "value": 40000000,
             "currency": "EUR", "qualifier": "up_to", "date": "2025-03-03",
             "amount": list(span(text, "40 millions d'euros")), "evidence": sentence(text, "Le 3 mars")},
            {"type": "valuation", "target": "Lumio", "value": 300000000, "currency": "EUR", "qualifier": "exact",
             "date": "2025-03-03", "amount": list(span(text, "300 millions d'euros")),
             "evidence": sentence(text, "La société")},
        ],
    }


def hostile_record():
    text = (f"Rachat & fusion : {HOSTILE} Orange rachète {HOSTILE_IMG} la filiale d'AT&T pour "
            "500 millions de dollars fin septembre 2025.")
    return {
        "id": "200_<b>&x", "source": "-", "published": None, "text": text, "repairs": [{"kind": "mojibake", "count": 2}],
        "entities": [
            ent(text, "Orange", "ORG", canonical="Orange"),
            ent(text, "AT&T", "ORG", canonical="AT&T"),
            ent(text, "500 millions de dollars", "MONEY", value=500000000, currency="USD", qualifier="exact"),
            ent(text, "fin septembre 2025", "DATE", value="2025-09", mod="END"),
        ],
        "events": [
            {"type": "acquisition", "acquirer": "Orange", "target": "AT&T", "value": 500000000, "currency": "USD",
             "qualifier": "exact", "date": "2025-09", "amount": list(span(text, "500 millions de dollars")),
             # the whole text: the evidence range wraps the injected markup too
             "evidence": [0, len(text)]},
        ],
    }


def gold_for(record):
    """The funding record's gold: the first amount is 50 M, Lyon is not an entity, "Le 3 mars" is missed."""
    gold = json.loads(json.dumps(record))
    text = gold["text"]
    gold["entities"] = [e for e in gold["entities"] if e["text"] != "Lyon"]
    gold["entities"][2]["value"] = 50000000
    gold["entities"].append(ent(text, "jeune pousse", "MISC"))
    gold["events"][0]["value"] = 50000000
    return gold


FACTS = [{"type": "investment", "investors": ["Eurazeo"], "target": "Lumio", "value": 40000000,
          "currency": "EUR", "qualifier": "up_to", "date": "2025-03",
          "sources": [{"id": "100_lumio", "evidence": funding_record()["events"][0]["evidence"]},
                      {"id": "999_absent", "evidence": [0, 5]}]}]

SCORE = {"spans": {"strict": {"ORG": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "gold": 2, "predicted": 1},
                              "MONEY": {"precision": 0.5, "recall": 0.5, "f1": 0.5}},
                   "partial": {"ORG": {"precision": 0.75, "recall": 0.7, "f1": 0.72}}},
         "events": {"all": {"precision": 0.5, "recall": 1.0, "f1": 0.6667}},
         "documents": {"note": "<i>tiny</i>"}}


class Dom(HTMLParser):
    """Elements with their attributes, and the visible text, of a page."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.elements, self.text, self.title, self._in_title = [], [], "", False
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)

    def find(self, tag, class_=None, **attrs):
        return [a for t, a in self.elements if t == tag
                and (class_ is None or class_ in (a.get("class") or "").split())
                and all(a.get(key) == value for key, value in attrs.items())]

    def ids(self):
        return {a["id"] for _, a in self.elements if a.get("id")}


@pytest.fixture(scope="module")
def page():
    return render_report([funding_record(), hostile_record()], facts=FACTS)


@pytest.fixture(scope="module")
def gold_page():
    record = funding_record()
    return render_report([record], gold={record["id"]: gold_for(record)}, score=SCORE)


def test_every_entity_is_a_mark_with_its_label_and_colour(page):
    dom = Dom(page)
    marks = dom.find("mark", class_="entity")
    labels = sorted(m["data-label"] for m in marks if m.get("id"))
    assert labels == sorted(["DATE", "ORG", "MONEY", "ORG", "LOC", "MONEY", "PERCENT", "DATE",
                             "ORG", "ORG", "MONEY", "DATE"])
    money = next(m for m in marks if m.get("data-label") == "MONEY")
    assert "#ffd966" in money["style"]


@pytest.mark.parametrize("label, title", [
    ("MONEY", "jusqu'à 40000000 EUR"),  # qualifier and mod codes read as words (models/display.yaml)
    ("MONEY", "500000000 USD"),
    ("DATE", "fin 2025-09"),
    ("DATE", "fin 2024"),
    ("PERCENT", "25 %"),
])
def test_normalised_values_show_on_hover(page, label, title):
    assert any(m["title"] == title for m in Dom(page).find("mark", **{"data-label": label}))


def test_document_text_is_escaped(page):
    assert HOSTILE not in page and HOSTILE_IMG not in page
    assert "&lt;script&gt;document.title=" in page
    dom = Dom(page)
    assert not dom.find("script") and not dom.find("img")
    text = "".join(dom.text)
    assert HOSTILE in text and HOSTILE_IMG in text and "AT&T" in text and "200_<b>&x" in text


def test_page_is_self_contained(page):
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "src=" not in page.replace("src=x", "")  # the only src= is the escaped document text
    assert not [a for t, a in Dom(page).elements if (a.get("href") or "#").startswith(("http", "//"))]


def test_every_event_row_links_to_its_evidence(page):
    dom = Dom(page)
    rows = dom.find("tr", class_="event")
    assert len(rows) == 3
    links = [a["href"][1:] for a in dom.find("a") if (a.get("href") or "").startswith("#")]
    evidence = [link for link in links if "-ev-" in link]
    assert len(evidence) >= 4  # three events and one fact source
    assert set(links) <= dom.ids()
    assert len(dom.find("span", class_="evidence")) >= 3


def test_facts_table_links_sources_to_documents(page):
    dom = Dom(page)
    assert len(dom.find("tr", class_="fact")) == 1
    start, end = FACTS[0]["sources"][0]["evidence"]
    assert dom.find("a", href=f"#doc-100_lumio-ev-{start}-{end}")
    assert "999_absent" in "".join(dom.text)  # unknown document: shown, not linked


def test_gold_diff_marks_false_positives_misses_and_wrong_values(gold_page):
    dom = Dom(gold_page)
    by_class = {cls: [m["data-label"] for m in dom.find("mark", class_=cls) if m.get("id")]
                for cls in ("tp", "fp", "fn", "wrong-value")}
    assert by_class == {"tp": ["DATE", "ORG", "ORG", "MONEY", "PERCENT", "DATE"], "fp": ["LOC"],
                        "fn": ["MISC"], "wrong-value": ["MONEY"]}
    wrong = dom.find("mark", class_="wrong-value")[-1]
    assert wrong["title"] == "wrong value: jusqu'à 40000000 EUR | gold: jusqu'à 50000000 EUR"
    assert "1 wrong value, 1 false positive, 1 missed" in "".join(dom.text)
    rows = {tuple(r["class"].split()) for r in dom.find("tr", class_="event")}
    assert rows == {("event", "tp"), ("event", "fp"), ("event", "fn")}


def test_score_figures_render_as_tables(gold_page):
    dom = Dom(gold_page)
    text = "".join(dom.text)
    assert "0.667" in text and "strict P" in text and "partial" in text and "events: all" in text
    assert "<i>tiny</i>" in text
    assert "<i>tiny" not in gold_page


def test_render_figures_takes_any_shape():
    rows = render_figures({"per_doc": [{"id": "a", "f1": 1}, {"id": "b", "f1": 0.25}]})
    assert rows.count("<tr>") == 3 and "0.250" in rows


def test_overlapping_and_out_of_range_entities_are_dropped_not_garbled():
    record = funding_record()
    record["entities"] += [{"start": 3, "end": 9, "label": "DATE"}, {"start": 5, "end": 9999, "label": "ORG"}]
    page = render_report([record])
    assert "2 predicted entities out of range or overlapping" in page
    assert record["text"][:30] in "".join(Dom(page).text).replace("\n", "")


def test_write_report_writes_atomically_and_tolerates_missing_facts(tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(json.dumps(r) for r in (funding_record(), hostile_record())) + "\n")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "a.jsonl").write_text(json.dumps(gold_for(funding_record())) + "\n")
    out = write_report(pred, tmp_path / "out" / "report.html", gold_dir=gold_dir,
                       facts_path=tmp_path / "facts.jsonl", score=SCORE)
    page = out.read_text()
    assert "no facts file at" in page and 'class="entity fn"' in page
    assert page.count("no gold record for this document") == 1  # the hostile record has none
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]


# --------------------------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


def chromium(tmp_path, *args):
    profile = tmp_path / "profile"
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it in .ci/run")
    tmp = tmp_path_factory.mktemp("report")
    pred = tmp / "pred.jsonl"
    pred.write_text("\n".join(json.dumps(r) for r in (funding_record(), hostile_record())) + "\n")
    gold = tmp / "gold.jsonl"
    gold.write_text(json.dumps(gold_for(funding_record())) + "\n")
    facts = tmp / "facts.jsonl"
    facts.write_text("\n".join(json.dumps(f) for f in FACTS) + "\n")
    return write_report(pred, tmp / "report.html", gold_dir=gold, facts_path=facts, score=SCORE), tmp


def test_rendered_dom_in_chromium(browser_page):
    report, tmp = browser_page
    dom = Dom(chromium(tmp, "--virtual-time-budget=2000", "--dump-dom", report.as_uri()))
    assert dom.title == "Extraction review"  # neither the <script> nor the onerror ran
    assert not dom.find("script") and not dom.find("img")
    labels = {m.get("data-label") for m in dom.find("mark", class_="entity")}
    assert {"ORG", "LOC", "MONEY", "DATE", "PERCENT", "MISC"} <= labels
    assert len(dom.find("tr", class_="event")) == 4  # 2 predicted + 1 missed gold + 1 acquisition
    assert HOSTILE in "".join(dom.text)


def test_screenshot(browser_page):
    report, tmp = browser_page
    png = PROJECT_ROOT / "outputs" / "report.png"
    png.parent.mkdir(exist_ok=True)
    chromium(tmp, f"--screenshot={png}", "--window-size=1280,2000", report.as_uri())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class Nesting(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element."""

    VOID = {"br", "meta", "img", "input", "hr", "link"}

    def __init__(self, markup):
        super().__init__()
        self.stack = []
        self.feed(markup)
        assert self.stack == [], self.stack

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, (tag, self.stack)


def test_overlapping_evidence_cutting_through_entities_stays_well_nested():
    text = "Titre\nAlpha rachète Beta SA.\nGamma investit 5 M€ dans Delta."
    entities = [ent(text, "Alpha", "ORG"), ent(text, "Beta SA", "ORG"), ent(text, "5 M€", "MONEY",
                value=5000000, currency="EUR", qualifier="exact")]
    beta, money = span(text, "Beta SA"), span(text, "5 M€")
    ranges = [[0, len(text)], [beta[0] + 2, money[0] + 1], [text.index("Gamma"), len(text)], [8, beta[0] + 2]]
    record = {"id": "x", "text": text, "entities": entities,
              "events": [{"type": "investment", "evidence": r} for r in ranges]}
    page = render_report([record])
    Nesting(page)
    dom = Dom(page)
    body = page[page.index('<div class="entities"'):page.index("<h3>Events")]
    shown = "".join(Dom(body).text).replace("\n", "").replace("ORG", "").replace("MONEY", "")  # minus labels
    assert shown == text.replace("\n", "")
    assert len(Dom(body).find("br")) == 2
    links = {a["href"][1:] for a in dom.find("a") if "-ev-" in (a.get("href") or "")}
    assert len(links) == 4 and links <= dom.ids()
