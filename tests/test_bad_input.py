"""Issue 16: fifteen defects found by a bad-input probe, one regression test (or table) named after each.

Most tests run the real command line with a blank spaCy pipeline in place of the model (`blank_extractor`):
what is checked here is reading, validation, writing and error handling, not the NLP. Tests that need the
model are marked integration.
"""
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import spacy

from fr_finance import cli
from fr_finance.cli import build_parser, errors_path, main, show_progress
from fr_finance.engines import extractor as extractor_module
from fr_finance.engines.extractor import Extractor, iter_pieces, split_text
from fr_finance.evaluate.score import ScoreInputError, format_errors, format_table, load_gold, read_jsonl, score
from fr_finance.nlp import cache
from fr_finance.nlp.components.spans import register_extensions
from fr_finance.read.io import BadDocument, InputError, atomic_writer, check_inputs, decode, read_inputs
from fr_finance.read.published import find_published, parse_published
from fr_finance.read.repair import repair, restore_elisions

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Le groupe Alpha a levé 3 millions d'euros auprès de Beta.\n"


class BlankExtractor(Extractor):
    """The extractor around spacy.blank("fr"): reading, repair, pieces, records, errors; no model."""

    def __init__(self):
        register_extensions()
        super().__init__(spacy.blank("fr"))


@pytest.fixture
def blank_extractor(monkeypatch):
    monkeypatch.setattr(extractor_module, "Extractor", BlankExtractor)


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(TEXT, encoding="utf-8")
    Path("b.txt").write_text("Gamma rachète Delta.\n", encoding="utf-8")
    return tmp_path


def lines(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def one_line_error(err: str) -> str:
    """The error output is exactly one line, without a traceback; returns it."""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


# --------------------------------------------------------------------------- 1. --batch-size 0 / -1

@pytest.mark.parametrize("option, value", [("--batch-size", "0"), ("--batch-size", "-1"), ("--n-process", "0"),
                                           ("--n-process", "-2"), ("--batch-size", "deux")],
                         ids=["batch-0", "batch-minus-1", "n-process-0", "n-process-minus-2", "batch-word"])
def test_d01_batch_size_and_n_process_below_one_are_refused_before_anything_is_written(work, capsys, option, value):
    Path("out.jsonl").write_text("ancien\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["extract", "a.txt", option, value, "-o", "out.jsonl"])
    assert exit_.value.code == 2
    assert f"argument {option}" in one_line_error(capsys.readouterr().err)
    assert Path("out.jsonl").read_text(encoding="utf-8") == "ancien\n"


# --------------------------------------------------------------------------- 2. split_text one-character pieces

def test_d02_a_long_line_without_newline_is_cut_at_spaces_not_into_characters():
    line = ("Alpha livre des avions à Toulouse et Beta suit " * 22_000)[:1_020_000]
    started = time.perf_counter()
    pieces = split_text(line, 100_000)
    assert time.perf_counter() - started < 2
    assert "".join(piece for _, piece in pieces) == line
    assert len(pieces) == 11 and all(len(piece) > 50_000 for _, piece in pieces[:-1])
    assert all(piece.endswith(" ") for _, piece in pieces[:-1])
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]


@pytest.mark.parametrize("text, size, lengths", [
    ("U" * 25, 10, [10, 10, 5]),                                 # no break at all: hard cuts
    ("a\n\n" + "b" * 30, 10, [10, 10, 10, 3]),                   # a break early in the window is not used
    ("mot " * 10, 12, [12, 12, 12, 4]),                          # spaces
    ("Une phrase. Une autre phrase.\n\nFin.", 20, [12, 19, 4]),  # sentence, then paragraph
], ids=["no-break", "early-paragraph", "spaces", "sentence-paragraph"])
def test_d02_pieces_table(text, size, lengths):
    pieces = list(iter_pieces(text, size))
    assert [len(piece) for _, piece in pieces] == lengths
    assert "".join(piece for _, piece in pieces) == text


@pytest.mark.integration
def test_d02_entities_at_the_start_of_a_long_line_are_found(extractor):
    from fr_finance.read.io import RawDocument

    line = "Le groupe Alpha a levé 3 millions d'euros auprès de Beta. " * 3_000  # 177,000 characters, no newline
    saved = extractor.piece_chars
    extractor.piece_chars = 20_000
    try:
        [record] = list(extractor.records([RawDocument("line", "-", line)]))
    finally:
        extractor.piece_chars = saved
    first = [e for e in record["entities"] if e["end"] <= 20_000 and e["label"] == "MONEY"]
    import re

    assert len(first) == sum(1 for m in re.finditer("3 millions d'euros", line) if m.end() <= 20_000) > 300
    assert sum(e["label"] == "MONEY" for e in record["entities"]) == 3_000


# --------------------------------------------------------------------------- 3. elision repair corrupts names

KNOWN = {"acier", "arbre", "album", "odeur", "accord", "entreprise", "usine"}.__contains__


@pytest.mark.parametrize("text", [
    "Tacier a signé un contrat avec lentreprise.",      # T' is a pronoun elision: never at a clause start
    "Darbre vend sa filiale. Le groupe Darbre a signé lentreprise.",  # the name also occurs inside a clause
    "Talbum recrute. Lusine ferme.",                     # no lost elision inside a clause: nothing proves it
    "Nodeur.js suit. Darbre aussi.",
], ids=["pronoun-elision", "name-repeated", "no-evidence", "no-evidence-2"])
def test_d03_names_at_a_clause_start_keep_their_first_letter(text):
    repaired, _ = restore_elisions(text, KNOWN)
    for name in ("Tacier", "Darbre", "Talbum", "Nodeur"):
        assert repaired.count(name) == text.count(name)


def test_d03_a_text_that_lost_its_elisions_still_gets_them_back_at_clause_starts():
    text = "Laccord est signé. Lusine de lentreprise ferme."
    assert restore_elisions(text, KNOWN) == ("L'accord est signé. L'usine de l'entreprise ferme.", 3)


# --------------------------------------------------------------------------- 4. far dates abort the run

@pytest.mark.integration
def test_d04_publication_dates_at_the_ends_of_the_calendar_do_not_abort_the_run(extractor):
    from fr_finance.read.io import RawDocument

    raws = [RawDocument("late", "-", "date 9999-12-31\nDemain, Alpha lèvera 3 millions d'euros."),
            RawDocument("early", "-", "date 1000-01-01\nHier, Alpha a levé 3 millions d'euros en août."),
            RawDocument("row", "-", "Demain, Alpha signe.", published="9999-12-31"),
            RawDocument("ok", "-", TEXT)]
    records = list(extractor.records(raws))
    assert [r["id"] for r in records] == ["late", "early", "row", "ok"]
    assert [r["published"] for r in records] == ["9999-12-31", "1000-01-01", "9999-12-31", None]
    dates = [e for r in records[:3] for e in r["entities"] if e["label"] == "DATE"]
    assert all(e["value"] is None or e["value"][:4].isdigit() and len(e["value"].split("-")[0]) == 4
               for e in dates)


# --------------------------------------------------------------------------- 5. UTF-16 read as Windows-1252

@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig", "cp1252"])
def test_d05_utf16_and_utf32_files_are_decoded(tmp_path, codec):
    text = "Alpha a levé 3 M€ à Évry.\n"
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(codec))
    assert next(read_inputs([str(path)])).text == text


def test_d05_a_nul_byte_in_utf8_is_not_taken_for_utf16():
    assert decode("Alpha\x00 a levé".encode("utf-8")) == "Alpha\x00 a levé"


# --------------------------------------------------------------------------- 6. output path not guarded

def _fifo(path):
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("args, message", [
    (["a.txt", "-o", "a.txt"], "-o a.txt: is also an input"),
    (["rows.jsonl", "-o", "rows.jsonl"], "-o rows.jsonl: is also an input"),
    ([".", "-o", "./b.txt"], "-o ./b.txt: is also an input"),
    (["a.txt", "-o", "same.jsonl", "--facts", "same.jsonl"], "the same file is given for two outputs"),
    (["a.txt", "-o", "/dev/null"], "not a regular file"),
    (["a.txt", "-o", "pipe"], "not a regular file"),
    (["a.txt", "-o", "link-to-a"], "-o link-to-a: is also an input"),
    (["a.txt", "-o", "folder"], "-o folder: is a directory"),
    (["a.txt", "-o", "a.txt/out.jsonl"], "-o a.txt/out.jsonl: cannot write"),
    (["a.txt", "-o", "out.jsonl", "--facts", "folder"], "--facts folder: is a directory"),
], ids=["input", "jsonl-input", "file-of-input-dir", "output-is-facts", "device", "fifo", "symlink-to-input",
        "directory", "parent-is-a-file", "facts-directory"])
def test_d06_output_paths_are_checked_before_the_model_loads(work, capsys, monkeypatch, args, message):
    Path("rows.jsonl").write_text('{"id": "r", "text": "x"}\n', encoding="utf-8")
    _fifo("pipe")
    Path("link-to-a").symlink_to("a.txt")
    Path("folder").mkdir()
    monkeypatch.setattr(extractor_module, "Extractor", None)  # the model must not be needed to fail
    assert main(["extract", *args]) == 2
    assert message in one_line_error(capsys.readouterr().err)
    assert Path("a.txt").read_text(encoding="utf-8") == TEXT
    assert Path("pipe").is_fifo() and Path("link-to-a").is_symlink()


def test_d06_dash_means_stdout_and_creates_no_file(work, capsys, blank_extractor):
    assert main(["extract", "a.txt", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "a"
    assert not Path("-").exists()


def test_d06_a_symlink_output_replaces_its_target_and_stays_a_link(work, blank_extractor):
    Path("real.jsonl").write_text("ancien\n", encoding="utf-8")
    Path("latest.jsonl").symlink_to("real.jsonl")
    assert main(["extract", "a.txt", "-o", "latest.jsonl"]) == 0
    assert Path("latest.jsonl").is_symlink()
    assert [r["id"] for r in lines("real.jsonl")] == ["a"]


# --------------------------------------------------------------------------- 7. --facts fails after -o replaced

def test_d07_unwritable_facts_is_refused_before_output_is_touched(work, capsys, monkeypatch):
    Path("out.jsonl").write_text("ancien\n", encoding="utf-8")
    monkeypatch.setattr(extractor_module, "Extractor", None)
    assert main(["extract", "a.txt", "-o", "out.jsonl", "--facts", "a.txt/facts.jsonl"]) == 2
    assert "--facts a.txt/facts.jsonl: cannot write" in one_line_error(capsys.readouterr().err)
    assert Path("out.jsonl").read_text(encoding="utf-8") == "ancien\n"


def test_d07_facts_failing_while_written_leaves_the_earlier_output(work, monkeypatch):
    from fr_finance.records import facts

    Path("out.jsonl").write_text("ancien\n", encoding="utf-8")

    def broken(stated):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(facts, "build_facts", broken)
    with pytest.raises(OSError):
        cli.write_records([{"id": "a", "events": []}], "out.jsonl", "facts.jsonl")
    assert Path("out.jsonl").read_text(encoding="utf-8") == "ancien\n"
    assert sorted(p.name for p in work.iterdir()) == ["a.txt", "b.txt", "out.jsonl"]


# --------------------------------------------------------------------------- 8. duplicate ids across inputs

@pytest.mark.parametrize("args, message", [
    (["one", "two"], "two/a.txt: duplicate id 'a'"),
    (["a.txt", "a.txt"], "a.txt: duplicate id 'a'"),
    (["a.txt", "rows.jsonl"], "rows.jsonl:1: duplicate id 'a'"),
], ids=["two-folders", "same-file-twice", "txt-and-row"])
def test_d08_duplicate_ids_across_inputs_fail_before_the_model_loads(work, capsys, monkeypatch, args, message):
    for folder in ("one", "two"):
        Path(folder).mkdir()
        Path(folder, "a.txt").write_text(TEXT, encoding="utf-8")
    Path("rows.jsonl").write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    monkeypatch.setattr(extractor_module, "Extractor", None)
    assert main(["extract", *args, "-o", "out.jsonl"]) == 2
    assert message in one_line_error(capsys.readouterr().err)
    assert not Path("out.jsonl").exists()


def test_d08_with_skip_the_first_document_of_an_id_is_kept(work, capsys, blank_extractor):
    assert main(["extract", "a.txt", "a.txt", "b.txt", "-o", "out.jsonl", "--on-error", "skip"]) == 0
    assert [r["id"] for r in lines("out.jsonl")] == ["a", "b"]
    assert [r["id"] for r in lines("out.errors.jsonl")] == ["a"]


# --------------------------------------------------------------------------- 9. memory of one long document

def test_d09_a_long_document_goes_through_the_pipeline_a_bounded_group_at_a_time(monkeypatch):
    extractor = BlankExtractor()
    extractor.piece_chars, extractor.batch_chars = 1_000, 3_000
    sent = []
    pipe = extractor.nlp.pipe

    def spy(items, **kwargs):
        items = list(items)
        if kwargs.get("as_tuples"):  # spaCy calls pipe again inside, on the docs alone
            sent.append(sum(len(doc.text) for doc, _ in items))
        return pipe(items, **kwargs)

    monkeypatch.setattr(extractor.nlp, "pipe", spy)
    from fr_finance.read.io import RawDocument

    text = "Alpha livre des avions. " * 2_000  # 48,000 characters
    [record] = list(extractor.records([RawDocument("long", "-", text)]))
    assert record["text"] == text
    assert len(sent) >= 12 and max(sent) <= 3_000 + 1_000


# --------------------------------------------------------------------------- 10. tracebacks instead of errors

def _nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("argv, setup, message", [
    (["score", "--gold", "gold", "--pred", "pred.jsonl"], lambda: Path("gold").mkdir(), "gold: no *.jsonl gold file"),
    (["score", "--gold", "gold", "--pred", "pred.jsonl"],
     lambda: (Path("gold").mkdir(), Path("gold/g.jsonl").write_text("")), "gold: the gold files hold no record"),
    (["score", "--gold", "g.jsonl", "--pred", "pred.jsonl"],
     lambda: Path("g.jsonl").write_text('{"id": "a", "text": "x"}\n{oops\n'), "g.jsonl:2: invalid JSON"),
    (["score", "--gold", "g.jsonl", "--pred", "pred.jsonl"],
     lambda: Path("g.jsonl").write_text('{"id": "a", "text": "xyz", "entities": [{"start": 0, "label": "ORG"}]}\n'),
     "g.jsonl: document 'a': entity 1 has no integer 'end'"),
    (["score", "--gold", "g.jsonl", "--pred", "pred.jsonl"],
     lambda: Path("g.jsonl").write_text('{"id": "a", "text": ' + _nested(100_000) + "}\n"), "g.jsonl:1: invalid JSON"),
    (["score", "--gold", "g.jsonl", "--pred", "pred.jsonl"], lambda: Path("g.jsonl").write_text('["a"]\n'),
     "g.jsonl:1: a record must be a JSON object"),
    (["score", "--gold", "g.jsonl", "--pred", "pred.jsonl", "--out", "a.txt"],
     lambda: Path("g.jsonl").write_text('{"id": "a", "text": "x"}\n'), "--out a.txt: not a directory"),
    (["report", "--pred", "pred.jsonl", "--gold", "gold"], lambda: Path("gold").mkdir(), "gold: no *.jsonl gold file"),
    (["report", "--pred", "bad.jsonl"], lambda: Path("bad.jsonl").write_text("{oops\n"), "bad.jsonl:1: invalid JSON"),
    (["report", "--pred", "pred.jsonl", "-o", "folder"], lambda: Path("folder").mkdir(), "-o folder: is a directory"),
    (["extract", "a.txt", "-o", "folder"], lambda: Path("folder").mkdir(), "-o folder: is a directory"),
    (["extract", "rows.jsonl"], lambda: Path("rows.jsonl").write_text('{"id": ' + _nested(100_000) + "}\n"),
     "rows.jsonl:1: invalid JSON"),
], ids=["empty-gold-folder", "gold-without-records", "malformed-gold-line", "entity-without-end", "nested-json-gold",
        "gold-row-not-object", "score-out-is-a-file", "report-empty-gold", "report-malformed-pred",
        "report-output-directory", "extract-output-directory", "nested-json-input"])
def test_d10_one_line_errors_instead_of_tracebacks(work, capsys, monkeypatch, argv, setup, message):
    Path("pred.jsonl").write_text('{"id": "a", "text": "x", "entities": [], "events": []}\n', encoding="utf-8")
    setup()
    monkeypatch.setattr(extractor_module, "Extractor", None)
    assert main(argv) == 2
    assert message in one_line_error(capsys.readouterr().err)


def test_d10_a_closed_pipe_ends_quietly(work):
    rows = "".join(json.dumps({"id": f"d{i}", "text": TEXT}) + "\n" for i in range(300))
    Path("rows.jsonl").write_text(rows, encoding="utf-8")
    Path("run.py").write_text(textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_bad_input import BlankExtractor
        from fr_finance.engines import extractor
        extractor.Extractor = BlankExtractor
        from fr_finance.cli import main
        code = main(["extract", "rows.jsonl"])
        sys.stdout.flush()
        os._exit(code)  # as __main__.py does
    """), encoding="utf-8")
    run = subprocess.run(f"{sys.executable} run.py | head -c 100", shell=True, capture_output=True, cwd=work)
    assert run.stdout and "Traceback" not in run.stderr.decode() and "Error" not in run.stderr.decode()


# --------------------------------------------------------------------------- 11. non-UTF-8 file names

def test_d11_a_file_name_that_is_not_utf8_gives_valid_utf8_output(work, capsys, blank_extractor):
    name = os.fsdecode(b"caf\xe9.txt")
    Path(name).write_text(TEXT, encoding="utf-8")
    assert main(["extract", name, "-o", "out.jsonl"]) == 0
    [record] = lines("out.jsonl")
    assert (record["id"], record["source"]) == ("caf\ufffd", "caf\ufffd.txt")
    assert main(["extract", name]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "caf\ufffd"


# --------------------------------------------------------------------------- 12. repairs misses changes

@pytest.mark.parametrize("text, fixed, repairs", [
    ("Alpha &amp; Beta &lt;3", "Alpha & Beta <3", [{"kind": "html_entity", "count": 2}]),
    ("Alpha\x07 lève\x00 3 M€", "Alpha lève 3 M€", [{"kind": "control_char", "count": 2}]),
    ("Alpha\ud800 lève", "Alpha\ufffd lève", [{"kind": "surrogate", "count": 1}]),
    ("Alpha lève\x85 3 M€", "Alpha lève… 3 M€", [{"kind": "windows_control", "count": 1}]),
    ("Alpha \x1b[31mlève", "Alpha lève", [{"kind": "terminal_escape", "count": 1}]),
    ("Alpha AT&T et M&A", "Alpha AT&T et M&A", []),
], ids=["html-entities", "control-chars", "lone-surrogate", "u0085", "terminal-escape", "ampersand-kept"])
def test_d12_repairs_lists_every_change(text, fixed, repairs):
    assert repair(text) == (fixed, repairs)


# --------------------------------------------------------------------------- 13. published and ids not validated

@pytest.mark.parametrize("row, message", [
    ({"id": "a", "text": "x", "published": "garbage"}, "\"published\" must be a real YYYY-MM-DD date"),
    ({"id": "a", "text": "x", "published": "hier"}, "\"published\" must be a real YYYY-MM-DD date"),
    ({"id": "a", "text": "x", "published": "2025-02-30"}, "not \"2025-02-30\""),
    ({"id": "a", "text": "x", "published": "0999-12-01"}, "years 1000 to 9999"),
    ({"id": "a", "text": "x", "published": 20250101}, "not 20250101"),
    ({"id": False, "text": "x"}, "\"id\" must be a non-empty string or an integer, not false"),
    ({"id": "", "text": "x"}, "\"id\" must be a non-empty string or an integer"),
    ({"id": ["a"], "text": "x"}, "\"id\" must be a non-empty string or an integer"),
], ids=["garbage", "word", "february-30", "year-999", "number", "id-false", "id-empty", "id-list"])
def test_d13_bad_published_and_ids_name_the_row(tmp_path, monkeypatch, row, message):
    monkeypatch.chdir(tmp_path)
    Path("rows.jsonl").write_text('{"id": "ok", "text": "y"}\n' + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(BadDocument, match="rows.jsonl:2: ") as error:
        list(read_inputs(["rows.jsonl"]))
    assert message in str(error.value)


@pytest.mark.parametrize("given, kept", [(0, "0"), (42, "42"), ("0", "0"), (None, "rows-1")])
def test_d13_ids_0_and_numbers_are_kept(tmp_path, given, kept):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": given, "text": "x", "published": "2024-02-29"}) + "\n", encoding="utf-8")
    [raw] = read_inputs([str(path)])
    assert (raw.id, raw.published) == (kept, "2024-02-29")


@pytest.mark.parametrize("text", ["date 2025-02-30\nTexte", "date 0999-01-01\nTexte", "date 0000-00-00\nTexte"])
def test_d13_an_impossible_date_line_gives_no_published(text):
    assert find_published(text) is None


# --------------------------------------------------------------------------- 14. SIGTERM / SIGINT

SIGNAL_SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from test_bad_input import BlankExtractor
from fr_finance.engines import extractor

class Interrupted(BlankExtractor):
    def records(self, raws, **kwargs):
        for number, record in enumerate(super().records(raws, **kwargs)):
            if number == 3:
                os.kill(os.getpid(), signal.{signal})
            yield record

extractor.Extractor = Interrupted
from fr_finance.cli import main
sys.exit(main({argv!r}))
"""


@pytest.mark.parametrize("sig, argv, code, message", [
    ("SIGTERM", ["extract", "rows.jsonl", "-o", "out.jsonl", "--facts", "facts.jsonl"], 143,
     "error: terminated; no output written"),
    ("SIGINT", ["extract", "rows.jsonl", "-o", "out.jsonl"], 130, "error: interrupted; no output written"),
    ("SIGINT", ["extract", "rows.jsonl"], 130, "error: interrupted; 3 records were written to stdout before it"),
], ids=["sigterm-file", "sigint-file", "sigint-stdout"])
def test_d14_signals_leave_no_temporary_file_and_say_what_was_written(work, sig, argv, code, message):
    rows = "".join(json.dumps({"id": f"d{i}", "text": TEXT}) + "\n" for i in range(10))
    Path("rows.jsonl").write_text(rows, encoding="utf-8")
    Path("out.jsonl").write_text("ancien\n", encoding="utf-8")
    script = SIGNAL_SCRIPT.format(tests=str(Path(__file__).parent), signal=sig, argv=argv)
    run = subprocess.run([sys.executable, "-c", script], cwd=work, capture_output=True, text=True)
    assert run.returncode == code
    assert message in one_line_error(run.stderr)
    assert sorted(p.name for p in work.iterdir()) == ["a.txt", "b.txt", "out.jsonl", "rows.jsonl"]
    assert Path("out.jsonl").read_text(encoding="utf-8") == "ancien\n"


# --------------------------------------------------------------------------- 15. damaged cache, scorer offsets

@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x04\x95", b"\x80\x04N." * 3, b"\x80\x04cos\nsystem\n."],
                         ids=["empty", "text", "truncated", "trailing", "unknown-global"])
def test_d15_a_damaged_cached_file_is_computed_again(tmp_path, monkeypatch, damage):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    assert cache.load_or_compute("yaml", b"x: 1", lambda: {"x": 1}) == {"x": 1}
    [path] = (tmp_path / "data").glob("*.pickle")
    path.write_bytes(damage)
    assert cache.load_or_compute("yaml", b"x: 1", lambda: {"x": 2}) == {"x": 2}
    assert cache.load_or_compute("yaml", b"x: 1", lambda: {"x": 3}) == {"x": 2}  # saved again


def test_d15_a_damaged_lexicon_cache_is_not_blamed_on_the_lexicon(tmp_path, monkeypatch):
    from fr_finance.nlp import lexicons

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    lexicon = tmp_path / "words.yaml"
    lexicon.write_text("mots: [un, deux]\n", encoding="utf-8")
    assert lexicons.load.__wrapped__(lexicon) == {"mots": ["un", "deux"]}
    for path in (tmp_path / "data").glob("*.pickle"):
        path.write_bytes(b"\x80\x04cbuiltins\nValueError\n(V\nboom\ntR.")  # unpickles by raising ValueError
    assert lexicons.load.__wrapped__(lexicon) == {"mots": ["un", "deux"]}


@pytest.mark.parametrize("entity, problem", [
    ({"start": 5, "end": 2, "label": "ORG"}, "end before start"),
    ({"start": 3, "end": 3, "label": "ORG"}, "empty span"),
    ({"start": -2, "end": 3, "label": "ORG"}, "negative offset"),
    ({"start": 0, "end": 99, "label": "ORG"}, "past the end of the text (13)"),
], ids=["reversed", "empty", "negative", "past-the-end"])
def test_d15_scorer_reports_invalid_offsets_instead_of_counting_them(entity, problem):
    gold = [{"id": "a", "text": "Alpha et Beta", "entities": [{"start": 0, "end": 5, "label": "ORG"}]}]
    pred = [{"id": "a", "text": "Alpha et Beta", "entities": [{"start": 0, "end": 5, "label": "ORG"}, entity]}]
    figures = score(gold, pred)
    assert figures["spans"]["strict"]["ORG"]["predicted"] == 1 and figures["spans"]["strict"]["ORG"]["precision"] == 1
    assert figures["documents"]["invalid_spans"] == [{"id": "a", "side": "predicted", **entity, "problem": problem}]
    assert problem in format_table(figures) and problem in format_errors(figures)


# --------------------------------------------------------------------------- --on-error (must 2)

def _failing_repair(monkeypatch):
    real = extractor_module.repair

    def repair_or_fail(text, is_word=None):
        if "PANNE" in text:
            raise RuntimeError("panne simulée\nsur deux lignes")
        return real(text, is_word)

    monkeypatch.setattr(extractor_module, "repair", repair_or_fail)


def test_on_error_fail_names_the_document_and_writes_nothing(work, capsys, blank_extractor, monkeypatch):
    _failing_repair(monkeypatch)
    Path("c.txt").write_text("PANNE", encoding="utf-8")
    Path("out.jsonl").write_text("ancien\n", encoding="utf-8")
    assert main(["extract", ".", "-o", "out.jsonl", "--facts", "facts.jsonl"]) == 2
    err = one_line_error(capsys.readouterr().err)
    assert err == "error: document 'c' failed: RuntimeError: panne simulée"
    assert Path("out.jsonl").read_text(encoding="utf-8") == "ancien\n" and not Path("facts.jsonl").exists()


@pytest.mark.parametrize("batch_size", [1, 2, 32])
def test_on_error_skip_writes_the_others_and_a_sidecar(work, capsys, blank_extractor, monkeypatch, batch_size):
    _failing_repair(monkeypatch)
    Path("c.txt").write_text("PANNE", encoding="utf-8")
    Path("rows.jsonl").write_text('{"id": "r1", "text": "x"}\n{oops\n{"id": "r3", "text": "PANNE"}\n'
                                  '{"id": "r4", "text": "y", "published": "hier"}\n{"id": "r5", "text": "z"}\n',
                                  encoding="utf-8")
    assert main(["extract", ".", "rows.jsonl", "-o", "out.jsonl", "--on-error", "skip",
                 "--batch-size", str(batch_size)]) == 0
    assert [r["id"] for r in lines("out.jsonl")] == ["a", "b", "r1", "r5"]
    skipped = {row["id"]: row["error"] for row in lines("out.errors.jsonl")}  # in the order they were found
    assert sorted(skipped) == ["c", "r3", "r4", "rows.jsonl:2"]
    assert skipped["c"] == "RuntimeError: panne simulée"
    assert skipped["rows.jsonl:2"].startswith("rows.jsonl:2: invalid JSON")
    err = capsys.readouterr().err
    assert "skipped c: RuntimeError: panne simulée" in err and "4 document(s) skipped; listed in out.errors.jsonl" in err
    assert "Traceback" not in err


def test_on_error_skip_with_two_processes(work, capsys, blank_extractor, monkeypatch):
    _failing_repair(monkeypatch)  # forked workers inherit the patched repair
    for number in range(6):
        Path(f"n{number}.txt").write_text("PANNE" if number == 3 else TEXT, encoding="utf-8")
    assert main(["extract", ".", "-o", "out.jsonl", "--on-error", "skip", "--n-process", "2",
                 "--batch-size", "2"]) == 0
    assert [r["id"] for r in lines("out.jsonl")] == ["a", "b", "n0", "n1", "n2", "n4", "n5"]
    assert lines("out.errors.jsonl") == [{"id": "n3", "error": "RuntimeError: panne simulée"}]


def test_on_error_skip_with_nothing_skipped_leaves_an_empty_sidecar(work, blank_extractor):
    Path("out.errors.jsonl").write_text('{"id": "old", "error": "x"}\n', encoding="utf-8")
    assert main(["extract", "a.txt", "-o", "out.jsonl", "--on-error", "skip"]) == 0
    assert Path("out.errors.jsonl").read_text(encoding="utf-8") == ""


@pytest.mark.parametrize("output, sidecar", [("out.jsonl", "out.errors.jsonl"), ("runs/x", "runs/x.errors.jsonl"),
                                             (None, None), ("-", None)])
def test_errors_path(output, sidecar):
    assert errors_path(output) == sidecar


# --------------------------------------------------------------------------- progress bar and --help

@pytest.mark.parametrize("tty, no_progress, expected, shown", [
    (True, False, 100, True), (False, False, 100, False), (True, True, 100, False),
    (True, False, -1, False), (True, False, 3, False),
], ids=["terminal", "redirected", "no-progress", "stdin-unknown-count", "few-documents"])
def test_progress_bar_only_on_a_terminal_with_enough_documents(monkeypatch, tty, no_progress, expected, shown):
    monkeypatch.setattr(sys, "stderr", type("Err", (io.StringIO,), {"isatty": lambda self: tty})())
    args = build_parser().parse_args(["extract", "a.txt"] + (["--no-progress"] if no_progress else []))
    assert show_progress(args, expected) is shown


@pytest.mark.parametrize("command, default", [("extract", "(default: 32)"), ("extract", "(default: fail)"),
                                              ("score", "(default: outputs)"), ("report", "(default: outputs/report.html)")])
def test_help_shows_defaults(command, default, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert default in " ".join(capsys.readouterr().out.split())
