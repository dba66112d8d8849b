"""Inputs and outputs: .txt files, directories, JSONL rows or stdin in; atomic JSONL out.

Inputs are read lazily, one document at a time, so memory stays flat on large archives.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from .published import parse_published


class InputError(Exception):
    """Bad input; the message is one line naming the file (and line)."""


class BadDocument(InputError):
    """One document that cannot be read (a row, a file): the others can still be processed.
    `doc_id` names it (its id when known, else file:line)."""

    def __init__(self, doc_id: str, message: str):
        super().__init__(message)
        self.doc_id = doc_id


# skip(doc_id, message): called for a bad document instead of raising (--on-error skip).
OnBad = Callable[[str, str], None] | None


@dataclass(frozen=True)
class RawDocument:
    id: str
    source: str
    text: str
    published: str | None = None
    line: str = ""  # ":N" for a JSONL row, to name it in messages


BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
UTF16_SAMPLE = 4096  # bytes looked at to recognise UTF-16 without a byte order mark
UTF16_ZERO_SHARE = 0.3  # share of zero bytes on one side of the code units that marks UTF-16 text


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 (with a BOM, or UTF-16 recognised by its zero bytes);
    bytes that are none of these fall back to Windows-1252, whose mojibake the repair step then fixes.
    Never raises.

    >>> decode("café".encode("utf-8")), decode("café".encode("cp1252"))
    ('café', 'café')
    >>> decode("3 €".encode("utf-16")), decode("3 €".encode("utf-16-le")), decode("3 €".encode("utf-16-be"))
    ('3 €', '3 €', '3 €')
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    wide = _utf16_without_bom(data)
    if wide:
        return data.decode(wide, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when zero bytes sit on one side of the 2-byte units only (Latin text
    in UTF-16: one byte of most units is zero), else None. By hand: the standard library has no
    detector, and a stray NUL in UTF-8 text must not trigger it (it puts zeros on both sides)."""
    sample = data[:UTF16_SAMPLE]
    units = len(sample) // 2
    if units < 2 or len(data) % 2:
        return None
    even, odd = sample[0:units * 2:2].count(0) / units, sample[1:units * 2:2].count(0) / units
    if odd >= UTF16_ZERO_SHARE and even == 0:
        return "utf-16-le"
    if even >= UTF16_ZERO_SHARE and odd == 0:
        return "utf-16-be"
    return None


def printable(name: str) -> str:
    """A file name as valid Unicode: bytes that are not UTF-8 (kept by Python as lone surrogates,
    which no UTF-8 writer accepts) become U+FFFD.

    >>> printable(os.fsdecode(b"caf\\xe9.txt")) == "caf\\ufffd.txt"
    True
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def display_path(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when inside it."""
    try:
        return printable(str(path.resolve().relative_to(Path.cwd().resolve())))
    except ValueError:
        return printable(str(path))


def check_inputs(inputs: list[str], *, scan: bool = True) -> int:
    """Fail fast, before the model loads, on a missing path, a directory without .txt files and, when
    `scan`, on any bad document of the files (a JSONL row that is not valid, an id given twice: rows are
    parsed, texts are not processed). Returns how many documents the paths hold, as far as that is known
    (-1 if not: stdin, or JSONL files not scanned)."""
    count = 0
    for name in inputs:
        files = expand_input(name)
        known = files is not None and not (len(files) == 1 and files[0].suffix == ".jsonl")
        count = count + len(files) if known and count >= 0 else -1
    if scan:
        scanned = sum(1 for _ in _documents([name for name in inputs if name != "-"], read_text=False))
        count = -1 if "-" in inputs else scanned  # JSONL rows counted too
    return count


def expand_input(name: str) -> list[Path] | None:
    """The files an input names: the file itself, or the .txt files of a directory in name order; None
    for "-" (stdin). A missing path or a directory without .txt files raises InputError (one line)."""
    if name == "-":
        return None
    path = Path(name)
    if not path.exists():
        raise InputError(f"{printable(name)}: no such file or directory")
    if not path.is_dir():
        return [path]
    files = _text_files(path)
    if not files:
        raise InputError(f"{printable(name)}: directory contains no .txt file")
    return files


def _text_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".txt" and p.is_file())


def input_files(inputs: Iterable[str]) -> list[Path]:
    """Every file the inputs name (stdin aside)."""
    return [path for name in inputs for path in (expand_input(name) or [])]


def read_inputs(inputs: Iterable[str], skip: OnBad = None) -> Iterator[RawDocument]:
    """The documents of the inputs, in order. A bad document (unreadable file, invalid row, id already
    seen) raises BadDocument, or is passed to `skip(doc_id, message)` and left out."""
    return _documents(inputs, skip=skip)


def _documents(inputs: Iterable[str], *, read_text: bool = True, skip: OnBad = None) -> Iterator[RawDocument]:
    seen: set[str] = set()  # ids are unique across all inputs: records are matched by id downstream
    for name in inputs:
        files = expand_input(name)
        if files is None:
            streams = [(None, "-")]
        else:
            streams = [(path, display_path(path)) for path in files]
        for path, source in streams:
            if path is None:
                documents = _stream_items(sys.stdin.buffer, source)
            elif path.suffix == ".jsonl":
                documents = _jsonl_file_items(path, source)
            else:
                documents = [_text_file_item(path, source, read_text)]
            for raw in documents:
                if isinstance(raw, RawDocument) and raw.id in seen:
                    raw = BadDocument(raw.id, f"{raw.source}{raw.line}: duplicate id {raw.id!r} "
                                              "(ids must be unique across inputs)")
                if isinstance(raw, BadDocument):
                    if skip is None:
                        raise raw
                    skip(raw.doc_id, str(raw))
                    continue
                seen.add(raw.id)
                yield raw


def _text_file_item(path: Path, source: str, read_text: bool = True) -> RawDocument | BadDocument:
    """The document of a .txt file, or the BadDocument saying why it cannot be read."""
    doc_id = printable(path.stem)
    if not read_text:
        return RawDocument(id=doc_id, source=source, text="")
    try:
        data = path.read_bytes()
    except OSError as err:
        return BadDocument(doc_id, f"{source}: cannot read ({err.strerror})")
    return RawDocument(id=doc_id, source=source, text=decode(data))


def _jsonl_file_items(path: Path, source: str) -> Iterator[RawDocument | BadDocument]:
    try:
        stream = path.open("rb")
    except OSError as err:
        raise InputError(f"{source}: cannot read ({err.strerror})") from None
    with stream:
        yield from _jsonl_items(stream, source)


def _stream_items(stream: IO[bytes], source: str) -> Iterator[RawDocument | BadDocument]:
    """stdin holds either JSONL rows (first non-blank character "{"), streamed, or one plain text."""
    head: list[bytes] = []
    for line in stream:
        head.append(line)
        if line.strip():
            break
    if b"".join(head).lstrip().startswith(b"{"):
        yield from _jsonl_items(_chain(head, stream), source)
    else:
        yield RawDocument(id="stdin", source=source, text=decode(b"".join(head) + stream.read()))


def _chain(first: list[bytes], rest: Iterable[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest


def _jsonl_items(lines: Iterable[bytes], source: str, first_line: int = 1) -> Iterator[RawDocument | BadDocument]:
    """Each row's document, or the BadDocument saying what is wrong with it (yielded, not raised: the
    rows after it can still be read). `first_line`: the number of the first of `lines` in the file."""
    for number, line in enumerate(lines, first_line):
        if line.strip():
            try:
                yield _read_row(line, source, number)
            except BadDocument as bad:
                yield bad


# Public readers for the engines that split the reading themselves (engines/cluster.py): the same reading
# as read_inputs, a bad document raised (BadDocument, an InputError) rather than passed to `skip`.

def _raising(items: Iterable[RawDocument | BadDocument]) -> Iterator[RawDocument]:
    for item in items:
        if isinstance(item, BadDocument):
            raise item
        yield item


def read_jsonl(lines: Iterable[bytes], source: str, first_line: int = 1) -> Iterator[RawDocument]:
    """The documents of JSONL rows (blank lines skipped), named `source`:line in errors. `first_line`: the
    number of the first of `lines` in the file (a slice of it: engines/cluster.py)."""
    return _raising(_jsonl_items(lines, source, first_line))


def read_stream(stream: IO[bytes], source: str) -> Iterator[RawDocument]:
    """The documents of a byte stream (stdin): JSONL rows if its first non-blank character is "{", else
    one plain text with id "stdin"."""
    return _raising(_stream_items(stream, source))


def read_text_file(path: Path, source: str | None = None) -> RawDocument:
    """The document of one .txt file (id: the file name without .txt); `source` names it in errors
    (default: its path as displayed)."""
    return next(_raising([_text_file_item(path, source or display_path(path))]))


def _read_row(line: bytes, source: str, number: int) -> RawDocument:
    where = f"{source}:{number}"
    try:
        row = json.loads(decode(line))
    except json.JSONDecodeError as err:
        raise BadDocument(where, f"{where}: invalid JSON ({err.msg})") from None
    except RecursionError:
        raise BadDocument(where, f"{where}: invalid JSON (nested too deeply)") from None
    if not isinstance(row, dict):
        raise BadDocument(where, f"{where}: a row must be a JSON object")
    doc_id = row.get("id")
    if doc_id is None:
        doc_id = f"{Path(source).stem}-{number}"
    elif isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    elif isinstance(doc_id, str) and doc_id.strip():
        doc_id = SURROGATE.sub("\ufffd", doc_id)  # a lone surrogate ("\\ud800" in JSON) cannot be written
    else:
        raise BadDocument(where, f"{where}: \"id\" must be a non-empty string or an integer, not {_short(doc_id)}")
    text = row.get("text")
    if not isinstance(text, str):
        raise BadDocument(doc_id, f"{where}: row has no \"text\" string (id {doc_id!r})")
    published = row.get("published")
    if published is not None and parse_published(published) is None:
        raise BadDocument(doc_id, f"{where}: row {doc_id!r}: \"published\" must be a real YYYY-MM-DD date "
                                  f"(years 1000 to 9999), not {_short(published)}")
    return RawDocument(id=doc_id, source=source, text=text, published=published, line=f":{number}")


SURROGATE = re.compile("[\ud800-\udfff]")


def _short(value: object, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def errors_path(output: str | None) -> str | None:
    """The sidecar file listing skipped documents: OUTPUT.errors.jsonl beside the output, its `.jsonl`
    dropped ("out.jsonl" → "out.errors.jsonl"); None for stdout (the list then goes to stderr only)."""
    if output is None or output == "-":
        return None
    return (output[:-len(".jsonl")] if output.endswith(".jsonl") else output) + ".errors.jsonl"


def check_output(output: str | None, *, inputs: Iterable[str] = (), others: Iterable[str | None] = (),
                 option: str = "-o") -> Path | None:
    """The file an output option names, checked before any work: None for stdout (absent or "-"); else
    a one-line InputError when it is a directory, a device, FIFO or socket, an input of the run, the same
    file as another output (`others`), or in a directory that cannot be written."""
    if output is None or output == "-":
        return None
    shown = printable(output)
    target = Path(os.path.realpath(output))  # a symlink: its target is what gets replaced
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise InputError(f"{option} {shown}: cannot write ({err.strerror})") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError(f"{option} {shown}: is a directory")
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError(f"{option} {shown}: not a regular file (a device, FIFO or socket is not replaced)")
    if mode is not None and not os.access(target, os.W_OK):
        raise InputError(f"{option} {shown}: cannot write (permission denied)")
    for path in input_files([name for name in inputs if name != "-"]):
        if Path(os.path.realpath(path)) == target:
            raise InputError(f"{option} {shown}: is also an input; refusing to overwrite it")
    for other in others:
        if other not in (None, "-") and Path(os.path.realpath(other)) == target:
            raise InputError(f"{option} {shown}: the same file is given for two outputs")
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{option} {shown}: cannot write in {printable(str(folder))}")
    return target


@contextmanager
def atomic_writer(path: str | Path, *, binary: bool = False) -> Iterator[IO]:
    """Write to a temporary file beside `path`, moved into place only when the block succeeds:
    a failed run never leaves a partial file, and an earlier output survives it. A symlink is followed
    (its target is replaced, the link stays); a directory, device or FIFO is refused, never replaced."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        raise InputError(f"{printable(str(path))}: not a regular file; refusing to replace it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(
            "wb" if binary else "w", encoding=None if binary else "utf-8", dir=target.parent,
            prefix=f".{target.name}.", suffix=".tmp", delete=False
        )
    except OSError as err:
        raise InputError(f"{printable(str(path))}: cannot write ({err.strerror})") from None
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
