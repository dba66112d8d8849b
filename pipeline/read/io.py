"""Inputs and outputs: .txt files, directories, JSONL rows or stdin in; atomic JSONL out.

Inputs are read lazily, one document at a time, so memory stays flat on large archives.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator


class InputError(Exception):
    """Bad input; the message is one line naming the file (and line)."""


@dataclass(frozen=True)
class RawDocument:
    id: str
    source: str
    text: str
    published: str | None = None


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); bytes that are not UTF-8 fall back to Windows-1252, whose
    mojibake the repair step then fixes. Never raises.

    >>> decode("café".encode("utf-8")), decode("café".encode("cp1252"))
    ('café', 'café')
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def display_path(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_inputs(inputs: Iterable[str]) -> int:
    """Fail fast, before the model loads, on a missing path or a directory without .txt files.
    Returns how many documents the paths hold, as far as that is known without reading (-1 if not)."""
    count = 0
    for name in inputs:
        files = _expand(name)
        known = files is not None and not (len(files) == 1 and files[0].suffix == ".jsonl")
        count = count + len(files) if known and count >= 0 else -1
    return count


def _expand(name: str) -> list[Path] | None:
    """The files an input names (None for stdin), or a one-line error."""
    if name == "-":
        return None
    path = Path(name)
    if not path.exists():
        raise InputError(f"{name}: no such file or directory")
    if not path.is_dir():
        return [path]
    files = _text_files(path)
    if not files:
        raise InputError(f"{name}: directory contains no .txt file")
    return files


def _text_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".txt" and p.is_file())


def read_inputs(inputs: Iterable[str]) -> Iterator[RawDocument]:
    for name in inputs:
        files = _expand(name)
        if files is None:
            yield from _read_stream(sys.stdin.buffer, "-")
            continue
        for path in files:
            if path.suffix == ".jsonl":
                with path.open("rb") as stream:
                    yield from _read_jsonl(stream, display_path(path))
            else:
                yield _read_text_file(path)


def _read_text_file(path: Path, source: str | None = None) -> RawDocument:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    return RawDocument(id=path.stem, source=source or display_path(path), text=decode(data))


def _read_stream(stream: IO[bytes], source: str) -> Iterator[RawDocument]:
    """stdin holds either JSONL rows (first non-blank character "{"), streamed, or one plain text."""
    head: list[bytes] = []
    for line in stream:
        head.append(line)
        if line.strip():
            break
    if b"".join(head).lstrip().startswith(b"{"):
        yield from _read_jsonl(_chain(head, stream), source)
    else:
        yield RawDocument(id="stdin", source=source, text=decode(b"".join(head) + stream.read()))


def _chain(first: list[bytes], rest: Iterable[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest


def _read_jsonl(lines: Iterable[bytes], source: str, first_line: int = 1) -> Iterator[RawDocument]:
    """`first_line`: the number of the first of `lines` in the file (a slice of it: engines/cluster.py)."""
    seen: set[str] = set()
    for number, line in enumerate(lines, first_line):
        if not line.strip():
            continue
        try:
            row = json.loads(decode(line))
        except json.JSONDecodeError as err:
            raise InputError(f"{source}:{number}: invalid JSON ({err.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{source}:{number}: a row must be a JSON object")
        text = row.get("text")
        if not isinstance(text, str):
            raise InputError(f"{source}:{number}: row has no \"text\" string")
        doc_id = str(row.get("id") or f"{Path(source).stem}-{number}")
        if doc_id in seen:
            raise InputError(f"{source}:{number}: duplicate id {doc_id!r}")
        seen.add(doc_id)
        published = row.get("published")
        if published is not None and not isinstance(published, str):
            raise InputError(f"{source}:{number}: \"published\" must be a YYYY-MM-DD string")
        yield RawDocument(id=doc_id, source=source, text=text, published=published)


@contextmanager
def atomic_writer(path: str | Path, *, binary: bool = False) -> Iterator[IO]:
    """Write to a temporary file beside `path`, moved into place only when the block succeeds:
    a failed run never leaves a partial file, and an earlier output survives it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "wb" if binary else "w", encoding=None if binary else "utf-8", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            yield handle
        os.chmod(handle.name, 0o644)  # what a plain open() would give, not the temp file's 0600
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, content: str) -> None:
    with atomic_writer(path) as out:
        out.write(content)


def dump_jsonl_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"
