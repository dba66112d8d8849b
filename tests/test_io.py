"""Inputs and bad input: one-line errors naming the file (and line), non-zero exit, nothing lost."""
import io
import json

import pytest

from fr_finance.cli import main
from fr_finance.read.io import InputError, RawDocument, atomic_writer, read_inputs


def test_text_directory_and_jsonl_inputs(tmp_path):
    (tmp_path / "a.txt").write_text("Premier texte.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignoré", encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "r1", "text": "Deux.", "published": "2024-05-02"}) + "\n\n", encoding="utf-8")
    docs = list(read_inputs([str(tmp_path), str(rows)]))
    assert [(d.id, d.text, d.published) for d in docs] == [("a", "Premier texte.", None), ("r1", "Deux.", "2024-05-02")]


def test_bytes_that_are_not_utf8_fall_back_without_crashing(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Le café coûte 3 €".encode("cp1252"))
    assert next(read_inputs([str(path)])).text == "Le café coûte 3 €"


def test_stdin_plain_text_and_jsonl(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Un texte brut.\n".encode())))
    assert [d.text for d in read_inputs(["-"])] == ["Un texte brut.\n"]
    rows = b'\n{"id": "x", "text": "Ligne."}\n{"id": "y", "text": "Autre."}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(rows)))
    assert [d.id for d in read_inputs(["-"])] == ["x", "y"]


@pytest.mark.parametrize("content, message", [
    ('{"id": "a", "text": "ok"}\n{"id": "b", "text": \n', "rows.jsonl:2: invalid JSON"),
    ('{"id": "a", "body": "pas de texte"}\n', 'rows.jsonl:1: row has no "text" string'),
    ('["liste"]\n', "rows.jsonl:1: a row must be a JSON object"),
    ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "rows.jsonl:2: duplicate id 'a'"),
])
def test_bad_jsonl_rows_name_file_and_line(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rows.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(read_inputs(["rows.jsonl"]))


@pytest.mark.parametrize("setup, arg, message", [
    (lambda tmp: None, "absent.txt", "absent.txt: no such file or directory"),
    (lambda tmp: (tmp / "vide").mkdir(), "vide", "vide: directory contains no .txt file"),
])
def test_cli_bad_paths_exit_non_zero_with_one_line(tmp_path, monkeypatch, capsys, setup, arg, message):
    monkeypatch.chdir(tmp_path)
    setup(tmp_path)
    assert main(["extract", arg, "-o", "out.jsonl"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {message}"
    assert not (tmp_path / "out.jsonl").exists()


def test_atomic_writer_keeps_earlier_output_when_the_run_fails(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("ancien\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as out:
            out.write("partiel\n")
            raise RuntimeError("échec")
    assert target.read_text(encoding="utf-8") == "ancien\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_raw_document_is_plain_data():
    assert RawDocument("a", "-", "t").published is None
