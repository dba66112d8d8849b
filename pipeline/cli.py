"""Command line: `python -m fr_finance extract|score|report ...`."""
from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from typing import Iterable, Sequence

from .read.io import InputError, atomic_writer, check_inputs, dump_jsonl_line, read_inputs

PROGRESS_MIN_DOCS = 5  # below this a progress bar is noise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fr-finance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="texts → JSONL records (entities, amounts, dates, events)")
    extract.add_argument("inputs", nargs="+", metavar="INPUT",
                         help=".txt file, directory of .txt files, .jsonl file of {id, text, published?} rows, or - for stdin")
    extract.add_argument("-o", "--output", help="JSONL file to write (atomically); stdout when absent")
    extract.add_argument("--facts", metavar="FILE",
                         help="also write the cross-document facts table (JSONL): one row per distinct event")
    extract.add_argument("--n-process", type=int, default=1, help="worker processes for the spaCy pipeline")
    extract.add_argument("--batch-size", type=int, default=32, help="documents per spaCy batch")
    extract.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_engine_options(extract)

    score = commands.add_parser("score", help="precision, recall, F1 of predictions against hand-labelled gold")
    score.add_argument("--gold", required=True, help="directory of gold *.jsonl records")
    score.add_argument("--pred", required=True, help="predicted records (JSONL)")
    score.add_argument("--out", default="outputs", help="directory for score.json and errors.md (default: outputs)")

    report = commands.add_parser("report", help="one self-contained HTML page to review the extractions")
    report.add_argument("--pred", required=True, help="predicted records (JSONL)")
    report.add_argument("--gold", help="directory of gold *.jsonl records: marks misses and false positives")
    report.add_argument("--facts", help="facts table (JSONL) to show; default: facts.jsonl beside --pred")
    report.add_argument("--score", help="score.json to show at the top (default: computed when --gold is given)")
    report.add_argument("-o", "--output", default="outputs/report.html", help="HTML file to write")
    add_facts_command(commands)
    add_library_options(parser, commands)
    return parser


def add_engine_options(extract: argparse.ArgumentParser) -> None:
    """`extract --engine dask` and its options (engines/cluster.py)."""
    group = extract.add_argument_group("engine")
    group.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local: this machine (--n-process); dask: a Dask cluster (README, Running on a cluster)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="dask: address of a running scheduler (tcp://HOST:8786); default: a local cluster")
    group.add_argument("--workers", type=int, help="dask, local cluster: worker processes, one thread each (default: one per CPU)")
    group.add_argument("--resume", action="store_true",
                       help="dask: reuse the partitions an interrupted run with the same -o left in OUT.parts/")
    if "--on-error" not in extract._option_string_actions:  # the local engine's branch may define it first: the same option
        group.add_argument("--on-error", choices=("fail", "skip"), default="fail",
                           help="a document that raises: fail (default; nothing written) or skip it (ids and errors on "
                                "stderr and in OUT.errors.jsonl)")


def add_facts_command(commands) -> None:
    facts = commands.add_parser("facts", help="the facts table of record files (shards of one corpus, runs of several days)")
    facts.add_argument("records", nargs="+", metavar="RECORDS", help="JSONL records written by extract")
    facts.add_argument("-o", "--output", help="JSONL file to write (atomically); stdout when absent")


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
    if args.engine == "dask":
        return run_extract_dask(args, progress=not args.no_progress and (expected < 0 or expected > PROGRESS_MIN_DOCS))
    if args.scheduler or args.workers or args.resume:
        raise InputError("--scheduler, --workers and --resume need --engine dask")
    from .engines.extractor import Extractor  # heavy import, once the arguments are known to be sane

    records = Extractor().records(read_inputs(args.inputs), n_process=args.n_process, batch_size=args.batch_size)
    if not args.no_progress and (expected < 0 or expected > PROGRESS_MIN_DOCS):
        from tqdm import tqdm

        records = tqdm(records, total=expected if expected > 0 else None, desc="extract", unit="doc", file=sys.stderr)
    write_records(records, args.output, args.facts)
    return 0


def run_extract_dask(args: argparse.Namespace, progress: bool) -> int:
    if args.scheduler and args.workers:
        raise InputError("--scheduler or --workers, not both: a scheduler's cluster has its own workers")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    if (args.resume or args.facts) and not args.output:
        raise InputError("--resume and --facts with --engine dask need -o")
    from .engines import cluster

    options = {"scheduler": args.scheduler, "workers": args.workers, "on_error": args.on_error,
               "batch_size": args.batch_size}
    # stdout gets records as they come; -o gets nothing, its finished partitions are kept for --resume
    kept = f"; nothing written; finished partitions kept in {args.output}.parts (rerun with --resume)" if args.output else ""
    try:
        if args.output:
            cluster.extract_to(args.inputs, args.output, facts=args.facts, resume=args.resume, progress=progress, **options)
        else:
            cluster.write_stream(args.inputs, sys.stdout, **options)
    except cluster.DocumentError as err:
        print(f"error: {err}{kept}", file=sys.stderr)
        return 1
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001  (a worker died too often, a task kept failing: one line, no traceback)
        print(f"error: the Dask run failed ({type(err).__name__}: {' '.join(str(err).split())}){kept}", file=sys.stderr)
        return 1
    return 0


def write_records(records: Iterable[dict], output: str | None, facts: str | None = None) -> None:
    """Each record written as it comes (JSONL, to `output` atomically or to stdout); then the facts table."""
    stated = []  # (id, events) only: the facts table needs no text, so memory stays small
    with (atomic_writer(output) if output else nullcontext(sys.stdout)) as out:
        for record in records:
            out.write(dump_jsonl_line(record))
            if facts:
                stated.append({"id": record["id"], "events": record["events"]})
    if facts:
        from .records.facts import build_facts

        with atomic_writer(facts) as out:
            out.writelines(dump_jsonl_line(fact) for fact in build_facts(stated))


def run_score(args: argparse.Namespace) -> int:
    from .evaluate.score import run_score as score_and_report

    _require_paths(args.gold, args.pred)
    score_and_report(args.gold, args.pred, args.out)
    return 0


def run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .evaluate.report import write_report
    from .evaluate.score import load_gold, read_jsonl, score

    _require_paths(args.pred, *(p for p in (args.gold, args.facts, args.score) if p))
    figures = args.score
    if figures is None and args.gold:
        figures = score(load_gold(args.gold), read_jsonl(args.pred))
        figures = {key: value for key, value in figures.items() if key != "errors"}  # errors are marked in the text
    facts = args.facts or Path(args.pred).with_name("facts.jsonl")
    out = write_report(args.pred, args.output, gold_dir=args.gold, facts_path=facts, score=figures)
    print(f"Wrote {out}", file=sys.stderr)
    return 0


def run_facts(args: argparse.Namespace) -> int:
    from .records.shards import facts_of_files

    _require_paths(*args.records)
    facts = facts_of_files(args.records)
    with (atomic_writer(args.output) if args.output else nullcontext(sys.stdout)) as out:
        out.writelines(dump_jsonl_line(fact) for fact in facts)
    return 0


def _require_paths(*paths: str) -> None:
    from pathlib import Path

    for path in paths:
        if not Path(path).exists():
            raise InputError(f"{path}: no such file or directory")


COMMANDS = {"extract": run_extract, "score": run_score, "report": run_report, "facts": run_facts}


# -- the library side: --version, export, import (issue 14) ----------------------------------------------------
def add_library_options(parser: argparse.ArgumentParser, commands) -> None:
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    export = commands.add_parser("export", help="records → annotation tools (Label Studio, doccano, Prodigy), "
                                                "spaCy DocBin, or tables (CSV, Parquet)")
    export.add_argument("--format", required=True, choices=["label-studio", "doccano", "prodigy", "docbin", "csv", "parquet"])
    export.add_argument("records", metavar="RECORDS.jsonl", help="records as `extract` writes them")
    export.add_argument("-o", "--output", required=True,
                        help="file to write (a directory for csv and parquet: entities, events, facts tables)")
    imports = commands.add_parser("import", help="corrected annotations (Label Studio, doccano, Prodigy) → "
                                                 "gold records that `score` reads")
    imports.add_argument("--format", required=True, choices=["label-studio", "doccano", "prodigy"])
    imports.add_argument("annotations", metavar="FILE", help="the tool's export of the corrected annotations")
    imports.add_argument("-o", "--output", required=True, metavar="GOLD_DIR", help="directory for one <id>.jsonl per document")


def run_export(args: argparse.Namespace) -> int:
    from .records.exports import export, read_records

    _require_paths(args.records)
    out = export(read_records(args.records), args.format, args.output)
    print(f"Wrote {out}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from .records.imports import import_annotations, write_gold

    _require_paths(args.annotations)
    written = write_gold(import_annotations(args.annotations, args.format), args.output)
    print(f"Wrote {len(written)} gold record(s) to {args.output}", file=sys.stderr)
    return 0


COMMANDS.update({"export": run_export, "import": run_import})
