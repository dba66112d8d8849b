"""Throughput and memory benchmark: `python -m fr_finance.bench` (what `make bench` runs).

Builds a varied corpus from seeds/*.txt, then measures, each configuration in its own subprocess so
that peak memories do not mix:
- the bare `fr_core_news_md` model (`nlp.pipe`) and the full extraction (what `extract` does: repair,
  model, our components, JSONL writing), with 1 and 2 processes: tokens/s, peak RSS;
- `extract` on a corpus 10x larger against 1x: peak RSS (input and output are streamed);
- `extract` on one short text, wall time including the model load;
- `extract` on one long document (5 million characters, no file split): peak RSS and wall time
  (`--long-only` measures this alone).
- `extract --engine dask` on a LocalCluster of 1 and 2 workers (one thread each) against one process,
  on the 1x corpus and, with 2 workers, the large one: speed-up and peak RSS per worker.
Figures go to stdout and outputs/bench.json. Timings exclude the model load except the last one.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from . import PROJECT_ROOT
from .read.io import atomic_writer, dump_jsonl_line, write_text_atomic

SEEDS = PROJECT_ROOT / "seeds"
WORK_DIR = PROJECT_ROOT / "outputs" / "bench"
RESULT = PROJECT_ROOT / "outputs" / "bench.json"
MIN_TOKENS = 200_000
LONG_CHARS = 5_000_000  # one long document: its peak memory must stay under LONG_PEAK_MB
LONG_PEAK_MB = 2048
QUICK_TOKENS, QUICK_SCALE, QUICK_LONG_CHARS = 20_000, 3, 200_000  # --quick
BATCH_SIZE = 32  # the CLI default
SHORT_TEXT = "Le 3 mars 2025, la start-up parisienne Mistral AI a levé 600 millions d'euros auprès de Nvidia.\n"

# A leading metadata line or dateline: the generator writes its own, with a random date.
HEADER_LINE = re.compile(r"^\s*(?:date \d{4}-\d{2}-\d{2}|\d{1,2} \w+\.? \d{4} *\|.*)$", re.IGNORECASE)
NUMBER = re.compile(r"\d+")
YEAR = re.compile(r"(?:19|20)\d\d")
ROUGH_TOKEN = re.compile(r"\w+|[^\w\s]")  # close to spaCy's count; the bare run gives the real one
ROUGH_MARGIN = 1.08  # spaCy counts ~4 % fewer tokens ("l'" + word, "start-up")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


# --- corpus ----------------------------------------------------------------------------------------

def seed_paragraphs(seeds: Path = SEEDS) -> tuple[list[str], list[str]]:
    """Every non-blank line of the seeds without the date headers, raw: the lines of seeds whose text
    needs a mojibake repair apart (an encoding is a property of a whole document, and repair is part
    of the work measured)."""
    from .read.repair import fix_mojibake

    clean, garbled = [], []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        lines = [line for line in text.splitlines() if line.strip() and not HEADER_LINE.match(line)]
        (garbled if fix_mojibake(text)[1] else clean).append(lines)
    return clean, garbled


def vary_figures(text: str, rng: random.Random) -> str:
    """Every figure replaced by a random one of the same length; years stay plausible years."""
    def replace(match: re.Match) -> str:
        digits = match.group()
        if YEAR.fullmatch(digits):
            return str(rng.randint(1990, 2035))
        if len(digits) == 1:
            return str(rng.randint(1, 9))
        return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))

    return NUMBER.sub(replace, text)


def random_header(rng: random.Random) -> str:
    """A `date` line, a dateline, or nothing: `published` is found in both ways, or not at all."""
    year, month, day = rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28)
    kind = rng.random()
    if kind < 0.4:
        return f" date {year}-{month:02d}-{day:02d} "
    if kind < 0.7:
        return f"{day} {MONTHS[month - 1]} {year} | Rédaction\n\n"
    return ""


def generate_documents(min_tokens: int, seed: int = 0, seeds: Path = SEEDS) -> Iterator[dict]:
    """JSONL rows {id, text} of 4 to 16 seed paragraphs drawn at random across documents (documents
    in mojibake from those of the garbled seeds), with random figures and dates, until about
    `min_tokens` tokens."""
    rng = random.Random(seed)
    clean, garbled = seed_paragraphs(seeds)
    pools = [[line for lines in clean for line in lines], [line for lines in garbled for line in lines]]
    garbled_share = len(garbled) / (len(clean) + len(garbled))  # as in the seeds: one in five
    tokens = number = 0
    while tokens < min_tokens:
        paragraphs = pools[rng.random() < garbled_share and bool(pools[1])]
        chosen = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(4, 16)))
        body = rng.choice(("\n", "\n\n")).join(vary_figures(p, rng) for p in chosen)
        text = random_header(rng) + body + "\n"
        tokens += len(ROUGH_TOKEN.findall(text))
        number += 1
        yield {"id": f"bench-{seed}-{number:06d}", "text": text}


def write_long_document(path: Path, chars: int = LONG_CHARS, seed: int = 0) -> Path:
    """One .txt document of `chars` characters: generated documents one after another, as paragraphs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with atomic_writer(path) as out:
        for row in generate_documents(10 ** 9, seed):
            text = (row["text"] + "\n")[:chars - size]
            out.write(text)
            size += len(text)
            if size >= chars:
                break
    return path


def long_document(seed: int, chars: int = LONG_CHARS) -> dict:
    """`extract` on one long document, in its own process: peak RSS and wall time (model load excluded)."""
    document = write_long_document(WORK_DIR / "long-document.txt", chars, seed)
    run_ = measure("full", document, 1)
    return {"characters": chars, "peak_rss_mb": run_["peak_rss_mb"], "seconds": round(run_["seconds"], 1),
            "load_average_before": run_["load_average_before"]}


def write_corpus(path: Path, min_tokens: int, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path) as out:
        for row in generate_documents(round(min_tokens * ROUGH_MARGIN), seed):
            out.write(dump_jsonl_line(row))
    return path


# --- one configuration, run in a child process ----------------------------------------------------

def run_child(kind: str, corpus: Path, n_process: int, batch_size: int, output: Path) -> dict:
    """Load, warm up on one short text, then time the whole corpus (load excluded)."""
    if kind == "dask":
        return run_dask_child(corpus, n_process, batch_size, output)
    if kind == "bare":
        import spacy

        nlp = spacy.load("fr_core_news_md")
        nlp(SHORT_TEXT)
        texts = (json.loads(line)["text"] for line in corpus.open(encoding="utf-8"))
        start, cpu = time.perf_counter(), cpu_time()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process))
    else:  # what `extract` does: read, repair, full pipeline, JSONL writing
        from .cli import write_records
        from .engines.extractor import Extractor
        from .read.io import RawDocument, read_inputs

        extractor = Extractor()
        list(extractor.records([RawDocument("warm-up", "-", SHORT_TEXT)]))
        start, cpu = time.perf_counter(), cpu_time()
        write_records(extractor.records(read_inputs([str(corpus)]), n_process=n_process, batch_size=batch_size),
                      str(output))
        tokens = None
    return {"seconds": time.perf_counter() - start, "cpu_seconds": cpu_time() - cpu, "tokens": tokens}


def run_dask_child(corpus: Path, workers: int, batch_size: int, output: Path) -> dict:
    """`extract --engine dask` on a LocalCluster of `workers` processes, timed once the workers have
    loaded the pipeline and extracted one short text; CPU time of this process and of the workers."""
    import psutil

    from .engines import cluster

    with cluster.connect(workers=workers) as client:  # the LocalCluster `extract --engine dask --workers N` starts
        warm_up = output.with_name(output.stem + "-warm-up.jsonl")
        write_text_atomic(warm_up.with_suffix(".txt"), SHORT_TEXT)
        for _ in range(workers):  # one partition, so once per worker
            cluster.extract_to([str(warm_up.with_suffix(".txt"))], warm_up, client=client, batch_size=batch_size)
        processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
        start, cpu = time.perf_counter(), _cpu_seconds(processes)
        figures = cluster.extract_to([str(corpus)], output, client=client, batch_size=batch_size)
        seconds, cpu_seconds = time.perf_counter() - start, _cpu_seconds(processes) - cpu
    warm_up.unlink(missing_ok=True)
    warm_up.with_suffix(".txt").unlink(missing_ok=True)
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "tokens": None, "partitions": figures["partitions"],
            "worker_peak_rss_mb": sorted(figures["peak_rss_mb"].values())}


def _cpu_seconds(processes: list) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except Exception:  # noqa: BLE001  (psutil.NoSuchProcess: a worker that ended)
            continue
        total += times.user + times.system
    return total


def cpu_time() -> float:
    """CPU seconds of this process and of its workers once they have ended (pools join them): with
    the wall time, how many cores a run really had on a machine others use too."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def measure(kind: str, corpus: Path, n_process: int, batch_size: int = BATCH_SIZE) -> dict:
    """run_child in its own process; its peak RSS (largest process of its tree) from wait4."""
    load_average = os.getloadavg()[0]
    output = WORK_DIR / f"out-{kind}-{n_process}.jsonl"
    command = [sys.executable, "-m", "fr_finance.bench", "--child", kind, "--corpus", str(corpus),
               "--n-process", str(n_process), "--batch-size", str(batch_size), "--child-output", str(output)]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode})")
    output.unlink(missing_ok=True)
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024)  # Linux: KiB
    result["load_average_before"] = round(load_average, 2)
    return result


def wall_time(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


# --- the benchmark ---------------------------------------------------------------------------------

def run(tokens: int, scale: int, seed: int, repeat_short: int, long_chars: int = LONG_CHARS) -> dict:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(WORK_DIR / "corpus-1x.jsonl", tokens, seed)
    large = write_corpus(WORK_DIR / f"corpus-{scale}x.jsonl", tokens * scale, seed + 1)
    result: dict = {"machine": machine(), "batch_size": BATCH_SIZE}

    runs = {}
    for kind, n_process in (("bare", 1), ("full", 1), ("bare", 2), ("full", 2)):
        runs[f"{kind}_{n_process}"] = measure(kind, corpus, n_process)
        print(f"  {kind} n_process={n_process}: {runs[f'{kind}_{n_process}']}", file=sys.stderr)
    counted = runs["bare_1"]["tokens"]  # the model's own count, used for every configuration
    for figures in runs.values():
        figures["tokens_per_s"] = round(counted / figures["seconds"])
        figures["cores_used"] = round(figures["cpu_seconds"] / figures["seconds"], 2)
        figures["seconds"], figures["cpu_seconds"] = round(figures["seconds"], 2), round(figures["cpu_seconds"], 2)
        figures.pop("tokens")
    result["corpus"] = corpus_figures(corpus, counted)
    result["throughput"] = runs
    result["ratios"] = {
        "full_vs_bare": _ratio(runs["full_1"]["tokens_per_s"], runs["bare_1"]["tokens_per_s"]),
        "full_vs_bare_cpu_time": _ratio(runs["bare_1"]["cpu_seconds"], runs["full_1"]["cpu_seconds"]),
        "full_2_vs_full_1": _ratio(runs["full_2"]["tokens_per_s"], runs["full_1"]["tokens_per_s"]),
        "bare_2_vs_bare_1": _ratio(runs["bare_2"]["tokens_per_s"], runs["bare_1"]["tokens_per_s"]),
    }

    large_run = measure("full", large, 1)
    print(f"  full {scale}x: {large_run}", file=sys.stderr)
    result["memory"] = {
        "1x": {"documents": result["corpus"]["documents"], "peak_rss_mb": runs["full_1"]["peak_rss_mb"]},
        f"{scale}x": {"documents": _count_lines(large), "peak_rss_mb": large_run["peak_rss_mb"],
                      "seconds": round(large_run["seconds"], 1)},
        "growth": _ratio(large_run["peak_rss_mb"], runs["full_1"]["peak_rss_mb"]) - 1,
    }
    result["short_text"] = short_text(repeat_short)
    result["long_document"] = long_document(seed, long_chars)
    print(f"  long document: {result['long_document']}", file=sys.stderr)
    result["dask"] = dask_figures(corpus, large, scale, counted, runs["full_1"])
    result["targets"] = {
        f"corpus >= {tokens:,} tokens": result["corpus"]["tokens"] >= tokens,
        "full_vs_bare >= 0.9": result["ratios"]["full_vs_bare"] >= 0.9,
        "full_2_vs_full_1 >= 1.6": result["ratios"]["full_2_vs_full_1"] >= 1.6,
        f"memory {scale}x within 10 % of 1x": result["memory"]["growth"] <= 0.10,
        "short extract < 3 s": result["short_text"]["median_seconds"] < 3,
        f"long document ({long_chars:,} characters) peak < {LONG_PEAK_MB} MB":
            result["long_document"]["peak_rss_mb"] < LONG_PEAK_MB,
        "dask 2 workers / 1 process >= 1.6": result["dask"]["speed_up_2"] >= 1.6,
        f"dask peak RSS per worker {scale}x within 10 % of 1x": result["dask"]["worker_memory_growth"] <= 0.10,
    }
    result["machine"]["load_average_end"] = os.getloadavg()
    return result


def dask_figures(corpus: Path, large: Path, scale: int, tokens: int, one_process: dict) -> dict:
    """`extract --engine dask` with 1 and 2 local workers on the 1x corpus, 2 on the large one."""
    runs = {}
    for name, path, workers in (("workers_1", corpus, 1), ("workers_2", corpus, 2), (f"workers_2_{scale}x", large, 2)):
        runs[name] = measure("dask", path, workers)
        figures = runs[name]
        print(f"  dask {name}: {figures}", file=sys.stderr)
        figures.pop("tokens")
        figures["tokens_per_s"] = round(tokens * (scale if path == large else 1) / figures["seconds"])
        figures["cores_used"] = round(figures["cpu_seconds"] / figures["seconds"], 2)
        figures["seconds"], figures["cpu_seconds"] = round(figures["seconds"], 2), round(figures["cpu_seconds"], 2)
    small, big = max(runs["workers_2"]["worker_peak_rss_mb"]), max(runs[f"workers_2_{scale}x"]["worker_peak_rss_mb"])
    return {**runs,
            "speed_up_1": _ratio(runs["workers_1"]["tokens_per_s"], one_process["tokens_per_s"]),
            "speed_up_2": _ratio(runs["workers_2"]["tokens_per_s"], one_process["tokens_per_s"]),
            "worker_memory_growth": _ratio(big, small) - 1}


def short_text(repeat: int) -> dict:
    """`extract` on one short text, wall time including interpreter start and model load: with the
    pipeline cache warm (usual case), cold (first run after a change to models/), and the bare model's
    load + one doc for comparison."""
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "court.txt"
        text.write_text(SHORT_TEXT, encoding="utf-8")
        extract = [sys.executable, "-m", "fr_finance", "extract", str(text), "-o", str(Path(tmp) / "out.jsonl")]
        wall_time(extract)  # make sure the cache holds this pipeline
        warm = [wall_time(extract) for _ in range(repeat)]
        cold = wall_time(extract, env={**os.environ, "FR_FINANCE_CACHE": str(Path(tmp) / "cache")})
        bare = [sys.executable, "-c", f"import spacy; spacy.load('fr_core_news_md')({SHORT_TEXT!r})"]
        bare_times = [wall_time(bare) for _ in range(repeat)]
    return {"seconds": [round(t, 2) for t in warm], "median_seconds": round(statistics.median(warm), 2),
            "cold_cache_seconds": round(cold, 2),
            "bare_model_load_and_one_doc_seconds": round(statistics.median(bare_times), 2)}


def machine() -> dict:
    import spacy

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "spacy": spacy.__version__,
            "model": "fr_core_news_md " + spacy.util.get_package_version("fr_core_news_md"),
            "load_average_start": os.getloadavg()}


def corpus_figures(corpus: Path, tokens: int) -> dict:
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    return {"path": str(corpus.relative_to(PROJECT_ROOT)), "documents": len(rows),
            "characters": sum(len(r["text"]) for r in rows), "tokens": tokens}


def _count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(1 for _ in stream)


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3)


def report(result: dict, scale: int) -> str:
    runs, ratios, memory, short = result["throughput"], result["ratios"], result["memory"], result["short_text"]
    corpus = result["corpus"]
    lines = [
        f"corpus: {corpus['documents']} documents, {corpus['tokens']:,} tokens (seeds shuffled, figures varied); "
        f"batch size {result['batch_size']}; {result['machine']['cpus']} CPUs, load average "
        f"{result['machine']['load_average_start'][0]:.2f} → {result['machine']['load_average_end'][0]:.2f}",
        "",
        f"{'configuration':34} {'tokens/s':>9} {'wall s':>8} {'CPU s':>8} {'cores':>6} {'peak RSS':>9}",
    ]
    names = {"bare_1": "bare fr_core_news_md nlp.pipe", "full_1": "full extraction (extract)",
             "bare_2": "bare, n_process=2", "full_2": "full, --n-process 2"}
    for key, label in names.items():
        r = runs[key]
        lines.append(f"{label:34} {r['tokens_per_s']:>9,} {r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} "
                     f"{r['cores_used']:>6.2f} {r['peak_rss_mb']:>6} MB")
    lines.append("(timed after the model load and one warm-up text; cores: CPU s / wall s, below 1 or 2 when other "
                 "jobs share the CPUs; peak RSS: largest process of the run)")
    lines += [
        "",
        f"full / bare tokens/s:           {ratios['full_vs_bare']:.3f}  (by CPU time: {ratios['full_vs_bare_cpu_time']:.3f})",
        f"full 2 processes / 1 process:   {ratios['full_2_vs_full_1']:.3f}  (bare: {ratios['bare_2_vs_bare_1']:.3f})",
        f"peak RSS, extract on 1x / {scale}x:  {memory['1x']['peak_rss_mb']} MB / {memory[f'{scale}x']['peak_rss_mb']} MB "
        f"({memory[f'{scale}x']['documents']} documents): {memory['growth']:+.1%}",
        f"extract on one short text:      {short['median_seconds']:.2f} s wall (runs: {short['seconds']}); "
        f"cold cache {short['cold_cache_seconds']:.2f} s; bare model load + 1 doc "
        f"{short['bare_model_load_and_one_doc_seconds']:.2f} s",
        long_line(result["long_document"]),
        "",
        f"{'Dask LocalCluster (extract --engine dask)':44} {'tokens/s':>9} {'wall s':>8} {'CPU s':>8} {'cores':>6} "
        f"{'speed-up':>9} {'peak RSS per worker':>20}",
        *dask_lines(result["dask"], scale),
        "(speed-up: against the full extraction in one process above; timed once the workers have loaded the "
        "pipeline; on a machine whose cores other jobs use, the speed-up says little: see cores)",
        f"peak RSS per worker, 2 workers on 1x / {scale}x: {result['dask']['worker_memory_growth']:+.1%}",
        "",
        "targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in result["targets"].items()),
    ]
    return "\n".join(lines)


def long_line(figures: dict) -> str:
    return (f"extract on one long document:   {figures['characters']:,} characters, peak RSS "
            f"{figures['peak_rss_mb']} MB, {figures['seconds']:.0f} s wall")
def dask_lines(dask: dict, scale: int) -> list[str]:
    lines = []
    for key, label, speed_up in (("workers_1", "1 worker", dask["speed_up_1"]), ("workers_2", "2 workers", dask["speed_up_2"]),
                                 (f"workers_2_{scale}x", f"2 workers, {scale}x corpus", None)):
        r = dask[key]
        memory = " / ".join(f"{m:.0f}" for m in r["worker_peak_rss_mb"]) + " MB"
        lines.append(f"{label:44} {r['tokens_per_s']:>9,} {r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} "
                     f"{r['cores_used']:>6.2f} {(f'{speed_up:.2f}x' if speed_up else ''):>9} {memory:>20}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fr_finance.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=MIN_TOKENS, help=f"size of the corpus (default {MIN_TOKENS:,})")
    parser.add_argument("--scale", type=int, default=10, help="size of the large corpus, in 1x corpora (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the corpus")
    parser.add_argument("--repeat-short", type=int, default=3, help="runs of the short-text timing")
    parser.add_argument("--quick", action="store_true",
                        help=f"check that the benchmark runs (a few minutes): --tokens {QUICK_TOKENS:,} --scale {QUICK_SCALE} "
                             "--repeat-short 1; the figures mean little")
    parser.add_argument("-o", "--output", default=str(RESULT), help="JSON file for the figures")
    parser.add_argument("--long-only", action="store_true", help="only the long-document memory figure (printed)")
    parser.add_argument("--child", choices=("bare", "full", "dask"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--n-process", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=argparse.SUPPRESS)
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, Path(args.corpus), args.n_process, args.batch_size,
                                   Path(args.child_output))))
        return 0
    if args.long_only:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        print(long_line(long_document(args.seed)))
        return 0
    long_chars = LONG_CHARS
    if args.quick:
        args.tokens, args.scale, args.repeat_short = QUICK_TOKENS, QUICK_SCALE, 1
        long_chars = QUICK_LONG_CHARS
    result = run(args.tokens, args.scale, args.seed, args.repeat_short, long_chars)
    write_text_atomic(args.output, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(report(result, args.scale))
    print(f"\nwritten: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
