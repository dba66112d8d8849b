"""Command line: `python -m pipeline extract|score|report ...`."""
from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from typing import Sequence

from .io import InputError, atomic_writer, check_inputs, dump_jsonl_line, read_inputs

PROGRESS_MIN_DOCS = 5  # below this a progress bar is noise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="texts → JSONL records (entities, amounts, dates, events)")
    extract.add_argument("inputs", nargs="+", metavar="INPUT",
                         help=".txt file, directory of .txt files, .jsonl file of {id, text, published?} rows, or - for stdin")
    extract.add_argument("-o", "--output", help="JSONL file to write (atomically); stdout when absent")
    extract.add_argument("--n-process", type=int, default=1, help="worker processes for the spaCy pipeline")
    extract.add_argument("--batch-size", type=int, default=32, help="documents per spaCy batch")
    extract.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; no output written", file=sys.stderr)
        return 130


def run_extract(args: argparse.Namespace) -> int:
    expected = check_inputs(args.inputs)  # a bad path fails before the slow model load
    from .extractor import Extractor  # heavy import, once the arguments are known to be sane

    records = Extractor().records(read_inputs(args.inputs), n_process=args.n_process, batch_size=args.batch_size)
    if not args.no_progress and (expected < 0 or expected > PROGRESS_MIN_DOCS):
        from tqdm import tqdm

        records = tqdm(records, total=expected if expected > 0 else None, desc="extract", unit="doc", file=sys.stderr)
    with (atomic_writer(args.output) if args.output else nullcontext(sys.stdout)) as out:
        for record in records:
            out.write(dump_jsonl_line(record))
    return 0


COMMANDS = {"extract": run_extract}
