"""The merge passes of the events component and the one definition of "same event": model-free tables."""
import pytest

from fr_finance.nlp.components.events import merge
from fr_finance.records.event import Amount, Event, same_amount, same_event


def ev(kind, target, parties=(), value=None, currency="EUR", date=None, evidence=(0, 10), headline=False):
    amount = Amount(value, currency, "exact", 0, 1) if value is not None else None
    return Event(kind, target, list(parties), amount, date, evidence, [kind[:3]], headline)


def summary(events):
    return [(e.type, e.target, sorted(e.parties), e.value) for e in events]


SAME_AMOUNT = [
    (1_000_000, 1_004_000, True),
    (1_000_000, 1_006_000, False),
    (None, None, True),
    (None, 0, False),
]


@pytest.mark.parametrize("a, b, expected", SAME_AMOUNT, ids=["within-0.5%", "beyond", "both-null", "null-zero"])
def test_same_amount(a, b, expected):
    assert same_amount(a, b) is expected


SAME_EVENT = [
    ({"type": "acquisition", "target": "Kvarn AB", "acquirer": "Norvane", "value": 5e6, "currency": "EUR"},
     {"type": "acquisition", "target": "kvarn  ab", "acquirer": "NORVANE", "value": 5.01e6, "currency": "eur"}, True),
    ({"type": "investment", "target": "Lysa", "investors": ["A", "B"], "value": None, "currency": None},
     {"type": "investment", "target": "Lysa", "investors": ["A"], "value": None, "currency": None}, False),
    ({"type": "valuation", "target": "Lysa", "value": 1e9, "currency": "USD"},
     {"type": "valuation", "target": "Lysa", "value": 1e9, "currency": "EUR"}, False),
    ({"type": "acquisition", "target": "Brasserie d’Orme", "acquirer": "Vantor", "value": None, "currency": None},
     {"type": "acquisition", "target": "Brasserie d'Orme", "acquirer": "Vantor", "value": None, "currency": None},
     True),
]


@pytest.mark.parametrize("a, b, expected", SAME_EVENT, ids=["case-space-value", "investor-set", "currency",
                                                             "apostrophe"])
def test_same_event(a, b, expected):
    assert same_event(a, b) is expected
    assert same_event(Event.from_dict(a), Event.from_dict(b)) is expected


RESTATEMENTS = [
    # a headline restates its body whatever figure it rounds: one event, the body's
    ([ev("investment", "Lysa", value=20e6, headline=True), ev("investment", "Lysa", ["Fonds A"], 19.5e6)],
     [("investment", "Lysa", ["Fonds A"], 19.5e6)]),
    # a later mention without amount restates the fact
    ([ev("acquisition", "Kvarn", ["Norvane"], 5e6), ev("acquisition", "Kvarn", ["Norvane"])],
     [("acquisition", "Kvarn", ["Norvane"], 5e6)]),
    # a new amount is a new fact
    ([ev("valuation", "Lysa", value=1e9), ev("valuation", "Lysa", value=1.5e9)],
     [("valuation", "Lysa", [], 1e9), ("valuation", "Lysa", [], 1.5e9)]),
    # a mention with another date is another fact
    ([ev("acquisition", "Kvarn", ["Norvane"], date="2020"), ev("acquisition", "Kvarn", ["Norvane"], date="2024")],
     [("acquisition", "Kvarn", ["Norvane"], None), ("acquisition", "Kvarn", ["Norvane"], None)]),
]


@pytest.mark.parametrize("events, expected", RESTATEMENTS, ids=["headline", "no-amount", "new-amount", "new-date"])
def test_drop_restatements(events, expected):
    assert summary(merge.drop_restatements(events)) == expected


JOINT = [
    # a total stated after its parts names every party of the parts
    ([ev("investment", "Lysa", ["A"], 5e6), ev("investment", "Lysa", ["B"], 10e6), ev("investment", "Lysa", [], 15e6)],
     [["A"], ["B"], ["A", "B"]]),
    # a total that is not the sum keeps no investor
    ([ev("investment", "Lysa", ["A"], 5e6), ev("investment", "Lysa", ["B"], 10e6), ev("investment", "Lysa", [], 20e6)],
     [["A"], ["B"], []]),
]


@pytest.mark.parametrize("events, expected", JOINT, ids=["sum", "not-sum"])
def test_name_joint_investors(events, expected):
    assert [sorted(e.parties) for e in merge.name_joint_investors(events)] == expected


def test_fill_topic_gives_an_implicit_target_the_documents_company():
    events = [ev("investment", "Lysa", ["A"], 5e6), ev("investment", None, ["B"], 3e6), ev("investment", None, [], 1e6)]
    assert summary(merge.fill_topic(events)) == [("investment", "Lysa", ["A"], 5e6), ("investment", "Lysa", ["B"], 3e6)]



def test_fill_topic_gives_a_restated_investment_its_company():
    events = [ev("investment", "Lysa", ["A"], 5e6), ev("investment", None, ["A"], 5e6)]
    assert summary(merge.fill_topic(events)) == [("investment", "Lysa", ["A"], 5e6)] * 2


def test_share_targets_within_a_sentence():
    events = [ev("investment", None, ["A"], 10e6), ev("investment", "Lysa", ["B"], 5e6)]
    assert [e.target for e in merge.share_targets(events)] == ["Lysa", "Lysa"]
    assert events[0].rules[-1] == "target:same-sentence"


def test_round_investors_named_in_the_next_sentence():
    events = [ev("investment", "Lysa", [], 12e6)]
    merge.give_investors_to_last_round(events, ["Fonds A", "Fonds B"], "investors:next-sentence")
    assert events[0].parties == ["Fonds A", "Fonds B"] and events[0].rules[-1] == "investors:next-sentence"


def test_event_round_trips_through_its_record_shape():
    event = ev("acquisition", "Kvarn", ["Norvane"], 5e6, date="2024")
    assert Event.from_dict(event.to_dict()).to_dict() == event.to_dict()
    assert event.to_dict()["acquirer"] == "Norvane" and "investors" not in event.to_dict()


def test_fill_topic_takes_the_target_of_the_fact_a_mention_restates():
    events = [ev("investment", "Lysa", ["A"], 5e6), ev("investment", "Brume", ["B"], 9e6),
              ev("investment", "Brume", ["C"], 2e6), ev("investment", None, ["A"], 5e6)]
    assert [e.target for e in merge.fill_topic(events)] == ["Lysa", "Brume", "Brume", "Lysa"]
    assert events[-1].rules[-1] == "target:restatement"


def pending(target):
    event = ev("acquisition", target)
    event.rules.append("acquirer:pending")
    return event


FILL_BUYER = [
    # the one buyer the text names takes the deals named without theirs
    ([ev("acquisition", "Kvarn", ["Norvane"], 5e6), pending("Orlo")], [("Kvarn", ["Norvane"]), ("Orlo", ["Norvane"])]),
    # two buyers in the text: a deal without its buyer is dropped
    ([ev("acquisition", "Kvarn", ["Norvane"]), ev("acquisition", "Brume", ["Talma"]), pending("Orlo")],
     [("Kvarn", ["Norvane"]), ("Brume", ["Talma"])]),
    # a buyer-less mention of a deal stated elsewhere adds nothing
    ([ev("acquisition", "Kvarn", ["Norvane"], 5e6), pending("Kvarn")], [("Kvarn", ["Norvane"])]),
]


@pytest.mark.parametrize("events, expected", FILL_BUYER, ids=["one-buyer", "two-buyers", "restated"])
def test_fill_buyer(events, expected):
    assert [(e.target, e.parties) for e in merge.fill_buyer(events)] == expected
