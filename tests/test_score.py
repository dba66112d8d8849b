"""Scorer figures on tiny hand-made records whose expected values were worked out by hand."""
import json
import random

import pytest
from nervaluate import Evaluator

from fr_finance.evaluate.score import (LABELS, TextAlignment, format_errors, format_table, one_to_one, pair_spans,
                            run_score, score, values_close)


def span(text, piece, label, nth=0, **fields):
    """An entity over the nth occurrence of piece in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return {"start": start, "end": start + len(piece), "text": piece, "label": label, **fields}


def record(doc_id, text, entities=(), events=()):
    return {"id": doc_id, "text": text, "entities": list(entities), "events": list(events)}


def figures_of(gold, pred, **kwargs):
    return score(gold, pred, **kwargs)


# ---------------------------------------------------------------- spans

ORG_TEXT = "Airbus Group, Nvidia et Mistral AI signent un accord."


def test_one_exact_one_boundary_one_missed():
    gold = record("d1", ORG_TEXT, [span(ORG_TEXT, "Airbus Group", "ORG"), span(ORG_TEXT, "Nvidia", "ORG"),
                                   span(ORG_TEXT, "Mistral AI", "ORG")])
    pred = record("d1", ORG_TEXT, [span(ORG_TEXT, "Airbus Group", "ORG"), span(ORG_TEXT, "Mistral", "ORG")])
    spans = figures_of([gold], [pred])["spans"]
    # strict: 1 correct of 2 predicted and 3 gold → P 1/2, R 1/3, F1 2·(1/6)/(5/6) = 0.4
    assert spans["strict"]["ORG"]["precision"] == pytest.approx(0.5)
    assert spans["strict"]["ORG"]["recall"] == pytest.approx(1 / 3)
    assert spans["strict"]["ORG"]["f1"] == pytest.approx(0.4)
    # partial: "Mistral" overlaps "Mistral AI" with the same label → 2 correct: P 1, R 2/3, F1 0.8
    assert spans["partial"]["ORG"]["precision"] == pytest.approx(1.0)
    assert spans["partial"]["ORG"]["recall"] == pytest.approx(2 / 3)
    assert spans["partial"]["ORG"]["f1"] == pytest.approx(0.8)
    assert spans["strict"]["micro"]["f1"] == pytest.approx(0.4)  # ORG is the only label present
    assert (spans["strict"]["micro"]["gold"], spans["strict"]["micro"]["predicted"]) == (3, 2)
    assert spans["partial"]["micro"]["f1"] == pytest.approx(0.8)
    assert spans["strict"]["PER"]["gold"] == 0 and spans["strict"]["PER"]["f1"] == 0.0


def test_micro_pools_counts_over_labels():
    text = "Marie Curie et Pierre Curie rencontrent Orange et Free."
    gold = record("d", text, [span(text, "Marie Curie", "PER"), span(text, "Pierre Curie", "PER"),
                              span(text, "Orange", "ORG")])
    pred = record("d", text, [span(text, "Marie Curie", "PER"), span(text, "Pierre Curie", "PER"),
                              span(text, "Orange", "ORG"), span(text, "Free", "ORG")])
    micro = figures_of([gold], [pred])["spans"]["strict"]["micro"]
    # 3 correct, 4 predicted, 3 gold → P 0.75, R 1, F1 1.5/1.75 = 6/7
    assert micro["precision"] == pytest.approx(0.75)
    assert micro["recall"] == pytest.approx(1.0)
    assert micro["f1"] == pytest.approx(6 / 7)


def test_touching_spans_do_not_overlap():
    # Our ends are exclusive: [0, 5) and [5, 9) share no character, so no partial match either.
    text = "AlphaBeta"
    gold = record("d", text, [{"start": 0, "end": 5, "label": "MISC"}])
    pred = record("d", text, [{"start": 5, "end": 9, "label": "MISC"}])
    spans = figures_of([gold], [pred])["spans"]
    assert spans["strict"]["MISC"]["f1"] == 0.0
    assert spans["partial"]["MISC"]["f1"] == 0.0


def test_wrong_label_is_a_miss_and_a_false_positive():
    text = "Le siège est à Paris. Il ouvre à Lyon."
    gold = record("d", text, [span(text, "Paris", "LOC"), span(text, "Lyon", "LOC")])
    pred = record("d", text, [span(text, "Paris", "ORG"), span(text, "Lyon", "LOC")])
    figures = figures_of([gold], [pred])
    partial = figures["spans"]["partial"]
    assert (partial["LOC"]["precision"], partial["LOC"]["recall"]) == (1.0, 0.5)
    assert (partial["ORG"]["precision"], partial["ORG"]["gold"]) == (0.0, 0)
    kinds = [(e["kind"], e["label"]) for e in figures["errors"]["d"]]
    assert kinds == [("missed", "LOC"), ("spurious", "ORG")]
    missed = figures["errors"]["d"][0]
    assert missed["sentence"] == "Le siège est à ⟦Paris⟧."
    assert 'predicted ORG "Paris" here' in missed["detail"]


def test_pairing_agrees_with_nervaluate_ent_type():
    # pair_spans mirrors nervaluate's ent_type matching; counts must agree on arbitrary (even overlapping) spans.
    rng = random.Random(7)

    def random_spans(n):
        spans = []
        for _ in range(n):
            start = rng.randrange(0, 60)
            spans.append({"start": start, "end": start + rng.randrange(1, 8), "label": rng.choice(["ORG", "PER"])})
        return sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))

    for _ in range(200):
        gold, pred = random_spans(rng.randrange(0, 6)), random_spans(rng.randrange(0, 6))
        inclusive = [[{**s, "end": s["end"] - 1} for s in gold]], [[{**s, "end": s["end"] - 1} for s in pred]]
        results = Evaluator(*inclusive, tags=["ORG", "PER"], loader="dict").evaluate()["entities"]
        pairs = pair_spans(gold, pred)
        for label in ("ORG", "PER"):
            expected = results[label]["ent_type"].correct if label in results else 0
            assert sum(gold[g]["label"] == label for g, _ in pairs) == expected


# ---------------------------------------------------------------- normalisation

MONEY_TEXT = ("Le 3 mars 2024, Orange a levé 1,5 milliard d'euros, puis 200 millions de dollars "
              "et plusieurs millions d'euros ; Free a reçu 80 millions d'euros fin 2024 et en mai.")


def test_money_and_date_value_accuracy():
    t = MONEY_TEXT
    gold = record("d", t, [
        span(t, "3 mars 2024", "DATE", value="2024-03-03", mod=None),
        span(t, "1,5 milliard d'euros", "MONEY", value=1_500_000_000, currency="EUR"),
        span(t, "200 millions de dollars", "MONEY", value=200_000_000, currency="USD"),
        span(t, "plusieurs millions d'euros", "MONEY", value=None, currency="EUR"),
        span(t, "80 millions d'euros", "MONEY", value=80_000_000, currency="EUR"),
        span(t, "fin 2024", "DATE", value="2024", mod="END"),
        span(t, "mai", "DATE", value="2024-05", mod=None),
    ])
    pred = record("d", t, [
        span(t, "3 mars 2024", "DATE", value="2024-03-03", mod=None),           # value ok, mod ok
        span(t, "1,5 milliard d'euros", "MONEY", value=1_504_000_000, currency="EUR"),  # 0.27 % off: ok
        span(t, "200 millions", "MONEY", value=200_000_000, currency="EUR"),    # overlap, wrong currency
        span(t, "plusieurs millions d'euros", "MONEY", value=1_000_000, currency="EUR"),  # null gold: wrong
        span(t, "80 millions d'euros", "MONEY", value=80_000_000, currency="EUR"),  # ok
        span(t, "2024", "DATE", nth=1, value="2024", mod=None),                 # value ok, mod wrong
        # "mai" not predicted: unmatched spans do not count in the accuracies
    ])
    figures = figures_of([gold], [pred])
    money, date = figures["normalisation"]["MONEY"], figures["normalisation"]["DATE"]
    assert (money["matched"], money["value_currency_correct"]) == (4, 2)
    assert money["value_currency_accuracy"] == pytest.approx(0.5)
    assert (date["matched"], date["value_correct"], date["mod_correct"]) == (2, 2, 1)
    assert date["value_accuracy"] == 1.0 and date["mod_accuracy"] == 0.5
    kinds = sorted(e["kind"] for e in figures["errors"]["d"])
    assert kinds == ["boundary", "boundary", "date_mod", "missed", "money_value", "money_value"]


def test_no_matched_span_gives_no_accuracy():
    figures = figures_of([record("d", "rien")], [record("d", "rien")])
    assert figures["normalisation"]["MONEY"]["value_currency_accuracy"] is None
    assert "n/a" in format_table(figures)


@pytest.mark.parametrize("gold, pred, expected", [
    (100.0, 100.49, True), (100.0, 100.5, False), (100.0, 99.6, True), (None, None, True),
    (None, 100.0, False), (100.0, None, False), (0, 0, True), (0, 0.001, False),
])
def test_values_close(gold, pred, expected):
    assert values_close(gold, pred) is expected


# ---------------------------------------------------------------- events

def investment(target, investors, value, currency="USD"):
    return {"type": "investment", "target": target, "investors": investors, "value": value, "currency": currency}


def valuation(target, value, currency="USD"):
    return {"type": "valuation", "target": target, "value": value, "currency": currency}


def test_event_tuples():
    text = "Texte."
    gold = record("d", text, events=[
        investment("Anthropic", ["Microsoft", "Nvidia"], 15_000_000_000),
        {"type": "acquisition", "target": "Figma", "acquirer": "Adobe", "value": None, "currency": None},
        valuation("Anthropic", 350_000_000_000),
    ])
    pred = record("d", text, events=[
        investment("anthropic", ["NVIDIA", "Microsoft"], 15_020_000_000),  # set, case, 0.13 %: match
        {"type": "acquisition", "target": "Figma", "acquirer": "Adobe", "value": 0, "currency": None},  # 0 ≠ null
        valuation("Anthropic", 352_000_000_000),                           # 0.57 % off: no match
        investment("Anthropic", ["Nvidia"], 15_000_000_000),               # investor set differs
    ])
    events = figures_of([gold], [pred])["events"]
    # 1 correct, 4 predicted, 3 gold → P 1/4, R 1/3, F1 2·(1/12)/(7/12) = 2/7
    assert events["all"]["precision"] == pytest.approx(0.25)
    assert events["all"]["recall"] == pytest.approx(1 / 3)
    assert events["all"]["f1"] == pytest.approx(2 / 7)
    assert (events["investment"]["correct"], events["investment"]["predicted"], events["investment"]["gold"]) == (1, 2, 1)
    assert events["acquisition"]["f1"] == 0.0 and events["valuation"]["f1"] == 0.0


def test_events_matched_one_to_one_at_best():
    # Gold 100 matches both predictions, gold 100.8 only 100.4: a greedy pass would pair 100 with
    # 100.4 and leave 100.8 unmatched; the best one-to-one matching finds two pairs.
    gold = record("d", "x", events=[valuation("Acme", 100.0), valuation("Acme", 100.8)])
    pred = record("d", "x", events=[valuation("Acme", 100.4), valuation("Acme", 99.8)])
    assert figures_of([gold], [pred])["events"]["all"]["correct"] == 2
    # each gold event counts at most once, even when two predictions repeat it
    twice = record("d", "x", events=[valuation("Acme", 100.0), valuation("Acme", 100.0)])
    single = record("d", "x", events=[valuation("Acme", 100.0)])
    events = figures_of([single], [twice])["events"]["all"]
    assert (events["correct"], events["precision"], events["recall"]) == (1, 0.5, 1.0)


def test_one_to_one_is_a_maximum_matching():
    edges = {(0, 0), (0, 1), (1, 0)}
    assert one_to_one(2, 2, lambda g, p: (g, p) in edges) == [(0, 1), (1, 0)]


# ---------------------------------------------------------------- text alignment

def test_predicted_offsets_are_aligned_on_a_repaired_text():
    gold_text = "L’économie : Mistral AI lève 600 millions d’euros à Paris."
    pred_text = "Lâ€™économie : Mistral AI lève 600 millions d’euros à Paris."  # one unrepaired character
    gold = record("d", gold_text, [span(gold_text, "Mistral AI", "ORG"),
                                   span(gold_text, "600 millions d’euros", "MONEY", value=6e8, currency="EUR"),
                                   span(gold_text, "Paris", "LOC")])
    pred_ents = [span(pred_text, "Mistral AI", "ORG"),
                 span(pred_text, "600 millions d’euros", "MONEY", value=6e8, currency="EUR"),
                 span(pred_text, "Paris", "LOC")]
    assert pred_ents[0]["start"] == gold["entities"][0]["start"] + 2  # offsets really differ
    figures = figures_of([gold], [record("d", pred_text, pred_ents)])
    assert figures["documents"]["aligned"] == ["d"]
    assert figures["spans"]["strict"]["micro"]["f1"] == 1.0
    assert figures["normalisation"]["MONEY"]["value_currency_accuracy"] == 1.0
    assert "text differs, offsets aligned: d" in format_table(figures)


@pytest.mark.parametrize("source, target, piece", [
    ("Le groupe SociÃ©tÃ© GÃ©nÃ©rale investit.", "Le groupe Société Générale investit.", "investit"),
    ("Total lève 5 M€", "Total  lève 5 M€", "lève"),        # a character inserted before the span
    ("Total  lève 5 M€", "Total lève 5 M€", "5 M€"),        # a character deleted before the span
    ("Nvidia.\nApple rachète Beats.\n", "Nvidia !\nApple rachète Beats.\n", "Beats"),
])
def test_alignment_maps_unchanged_pieces(source, target, piece):
    start = source.index(piece)
    mapped = TextAlignment(source, target).span(start, start + len(piece))
    assert target[mapped[0]:mapped[1]] == piece


def test_alignment_keeps_inserted_text_outside_span_edges():
    align = TextAlignment("ab", "aXb")  # X inserted between the two characters
    assert align.span(0, 1) == (0, 1)   # span "a" ends before X
    assert align.span(1, 2) == (2, 3)   # span "b" starts after X


# ---------------------------------------------------------------- documents

def test_missing_documents_are_listed_and_gold_only_counts_as_missed():
    ta, tb, tc = "Orange rachète SFR.", "Free vise Bouygues.", "Google à Paris."
    gold = [record("a", ta, [span(ta, "Orange", "ORG"), span(ta, "SFR", "ORG")]),
            record("b", tb, [span(tb, "Free", "ORG"), span(tb, "Bouygues", "ORG")])]
    pred = [record("a", ta, [span(ta, "Orange", "ORG"), span(ta, "SFR", "ORG")]),
            record("c", tc, [span(tc, "Google", "ORG")])]
    figures = figures_of(gold, pred)
    docs = figures["documents"]
    assert (docs["missing_predictions"], docs["missing_gold"], docs["scored"]) == (["b"], ["c"], 2)
    org = figures["spans"]["strict"]["ORG"]
    # b's two gold spans are missed; c has no gold and is left out: 2 correct, 2 predicted, 4 gold
    assert (org["precision"], org["recall"], org["predicted"], org["gold"]) == (1.0, 0.5, 2, 4)
    assert [e["kind"] for e in figures["errors"]["b"]] == ["missed", "missed"]
    assert "c" not in figures["errors"]
    without = figures_of(gold, pred, score_missing=False)
    assert without["spans"]["strict"]["ORG"]["recall"] == 1.0
    assert without["documents"]["missing_predictions"] == ["b"]


def test_repeated_id_is_an_error():
    with pytest.raises(ValueError, match="occurs twice"):
        score([record("a", "x"), record("a", "x")], [])


def test_run_score_writes_reports(tmp_path, capsys):
    ta, tb = "Airbus investit à Toulouse. Boeing recule.", "Sanofi rachète Opella pour 10 milliards d'euros."
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    gold_a = record("a", ta, [span(ta, "Airbus", "ORG"), span(ta, "Toulouse", "LOC"), span(ta, "Boeing", "ORG")])
    gold_b = record("b", tb, [span(tb, "Sanofi", "ORG")],
                    [{"type": "acquisition", "target": "Opella", "acquirer": "Sanofi", "value": 1e10,
                      "currency": "EUR", "evidence": [0, len(tb)]}])
    gold_c = record("c", "Rien.")
    (gold_dir / "one.jsonl").write_text(json.dumps(gold_a) + "\n", encoding="utf-8")
    (gold_dir / "two.jsonl").write_text(json.dumps(gold_b) + "\n" + json.dumps(gold_c) + "\n", encoding="utf-8")
    pred_path = tmp_path / "pred.jsonl"
    preds = [record("a", ta, [span(ta, "Airbus", "ORG"), span(ta, "Toulouse", "ORG")]), record("b", tb)]
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")

    out_dir = tmp_path / "out"
    figures = run_score(gold_dir, pred_path, out_dir)

    assert json.loads((out_dir / "score.json").read_text(encoding="utf-8")) == figures
    assert figures["documents"]["missing_predictions"] == ["c"]
    errors_md = (out_dir / "errors.md").read_text(encoding="utf-8")
    assert "## a" in errors_md and "## b" in errors_md
    assert "> Airbus investit à ⟦Toulouse⟧." in errors_md
    assert "**false negative** ORG `Boeing`" in errors_md
    assert "**missed event** `acquisition target=Opella acquirer=Sanofi value=10 000 000 000 EUR`" in errors_md
    assert sorted(p.name for p in out_dir.iterdir()) == ["errors.md", "score.json"]  # no temp file left
    table = capsys.readouterr().out
    assert "micro" in table and "Events" in table
    assert all(label in table for label in LABELS)


def test_format_errors_without_errors():
    text = "Orange."
    gold = record("d", text, [span(text, "Orange", "ORG")])
    assert "No errors." in format_errors(figures_of([gold], [gold]))
