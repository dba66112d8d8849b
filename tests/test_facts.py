from fr_finance.records.facts import build_facts


def event(target, investors, value, currency="EUR", evidence=(0, 10)):
    return {"type": "investment", "target": target, "investors": investors, "value": value,
            "currency": currency, "qualifier": "exact", "date": None, "amount": None,
            "evidence": list(evidence), "rule": "invest-verb"}


def test_same_fact_in_two_documents_is_one_row_with_two_sources():
    records = [
        {"id": "a", "events": [event("Verkor", ["Renault", "Bpifrance"], 200e6)]},
        {"id": "b", "events": [event("verkor", ["Bpifrance", "Renault"], 200.5e6, evidence=(40, 90)),
                               event("Verkor", ["Renault"], 50e6)]},
    ]
    facts = build_facts(records)
    assert len(facts) == 2
    first = facts[0]
    assert first["target"] == "Verkor" and first["value"] == 200e6
    assert [s["id"] for s in first["sources"]] == ["a", "b"]
    assert first["sources"][1]["evidence"] == [40, 90]
    assert "evidence" not in first and "amount" not in first


def test_values_beyond_tolerance_or_other_currency_stay_apart():
    records = [{"id": "a", "events": [event("X", ["Y"], 100e6), event("X", ["Y"], 101e6),
                                      event("X", ["Y"], 100e6, currency="USD")]}]
    assert len(build_facts(records)) == 3


def test_acquisitions_and_valuations_merge_too():
    acquisition = {"type": "acquisition", "target": "Pixora", "acquirer": "Dassault", "value": None,
                   "currency": None, "evidence": [0, 5]}
    valuation = {"type": "valuation", "target": "Pixora", "value": 1e9, "currency": "EUR", "evidence": [0, 5]}
    facts = build_facts([{"id": "a", "events": [acquisition, valuation]},
                         {"id": "b", "events": [dict(acquisition), dict(valuation, value=1.003e9)]}])
    assert [len(f["sources"]) for f in facts] == [2, 2]
