"""The on-disk cache of the assembled pipeline and of parsed lexicons."""
import json
from pathlib import Path

import pytest
import spacy

from fr_finance.nlp import cache

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_key_follows_contents_and_versions(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("x: 1")
    b.write_text("y: 2")
    key = cache.pipeline_key([a, b], "3.8.18")
    assert cache.pipeline_key([b, a], "3.8.18") == key
    assert cache.pipeline_key([a, b], "3.8.19") != key
    b.write_text("y: 3")
    assert cache.pipeline_key([a, b], "3.8.18") != key


def test_assembled_once_then_loaded(cache_dir):
    calls = []

    def assemble():
        calls.append(1)
        nlp = spacy.blank("fr")
        nlp.add_pipe("sentencizer")
        return nlp

    first = cache.load_or_assemble("k1", assemble, {})
    second = cache.load_or_assemble("k1", assemble, {})
    assert len(calls) == 1 and second.pipe_names == first.pipe_names == ["sentencizer"]
    assert json.loads((cache_dir / "pipeline-k1" / "vocab" / "strings.json").read_text()) == []
    assert [t.text for t in second("L'accord, signé hier.")] == [t.text for t in first("L'accord, signé hier.")]


def test_off_or_unwritable_cache_assembles_every_time(cache_dir, monkeypatch):
    calls = []

    def assemble():
        calls.append(1)
        return spacy.blank("fr")

    monkeypatch.setenv(cache.CACHE_ENV, "off")
    cache.load_or_assemble("k2", assemble, {})
    cache.load_or_assemble("k2", assemble, {})
    assert len(calls) == 2
    cache_dir.parent.joinpath("file").write_text("")
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_dir.parent / "file" / "cache"))  # cannot be created
    cache.load_or_assemble("k2", assemble, {})
    assert len(calls) == 3


def test_old_pipelines_are_pruned(cache_dir):
    for key in ("a", "b", "c", "d", "e"):
        cache.load_or_assemble(key, lambda: spacy.blank("fr"), {})
    assert len(list(cache_dir.glob("pipeline-*"))) == cache.KEEP


def test_computed_value_is_kept(cache_dir):
    calls = []

    def compute():
        calls.append(1)
        return {"a": [1, 2]}

    assert cache.load_or_compute("yaml", b"a: [1, 2]", compute) == {"a": [1, 2]}
    assert cache.load_or_compute("yaml", b"a: [1, 2]", compute) == {"a": [1, 2]}
    assert len(calls) == 1
    cache.load_or_compute("yaml", b"a: [1, 3]", compute)
    assert len(calls) == 2


@pytest.mark.integration
def test_cached_pipeline_gives_the_assembled_pipeline_records(extractor):
    """The saved pipeline (word strings dropped, grouped token_match) changes no record."""
    from fr_finance.engines.extractor import Extractor
    from fr_finance.nlp.load import CONFIG, MODELS_DIR, assemble_pipeline
    from fr_finance.read.io import read_inputs

    assembled = Extractor(assemble_pipeline(CONFIG, {"paths.models": str(MODELS_DIR)}))
    assert len(extractor.nlp.vocab.strings) < len(assembled.nlp.vocab.strings) / 10
    raws = list(read_inputs([str(SEEDS)]))
    assert list(extractor.records(raws)) == list(assembled.records(raws))
