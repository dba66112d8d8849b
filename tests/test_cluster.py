"""The Dask engine: partitions (unit), then on a LocalCluster of 2 workers (integration): the records of one
process byte for byte, a raising document, a killed worker, a resumed run."""
import json
import logging
from pathlib import Path

import pytest

from fr_finance.bench import generate_documents
from fr_finance.engines import cluster
from fr_finance.read.io import InputError, dump_jsonl_line, read_inputs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def inputs(tmp_path):
    """A directory of .txt, a JSONL with blank lines, rows without id (their id is their line), one long row."""
    texts = tmp_path / "textes"
    texts.mkdir()
    for name, text in (("b", "Valdor rachète Lumis."), ("a", "Le groupe Orvane lève 3 millions d'euros."), ("c", "")):
        (texts / f"{name}.txt").write_text(text, encoding="utf-8")
    rows = [{"id": "r1", "text": "Kelmar investit."}, {"text": "Sans identifiant."}, {"id": "r3", "text": "Fin " * 200}]
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text("\n" + dump_jsonl_line(rows[0]) + "\n\n" + "".join(map(dump_jsonl_line, rows[1:])), encoding="utf-8")
    single = tmp_path / "seul.txt"  # a file given on its own (not one of textes/: ids are unique across inputs)
    single.write_text("Le groupe Orvane lève 3 millions d'euros.", encoding="utf-8")
    return [str(texts), str(jsonl), str(single)]


# (largest partition in bytes, worker threads): every partition size from one byte to all in one
SIZES = [(1, 1), (40, 2), (300, 3), (10**6, 2), (10**6, 64)]


@pytest.mark.parametrize("max_bytes, threads", SIZES, ids=[f"{b}B-{t}" for b, t in SIZES])
def test_partitions_read_the_documents_of_one_process(monkeypatch, inputs, max_bytes, threads):
    monkeypatch.setattr(cluster, "MAX_PARTITION_BYTES", max_bytes)
    partitions = cluster.plan(inputs, threads)
    assert [doc for p in partitions for doc in p.read()] == list(read_inputs(inputs))
    assert [cluster._from_json(json.loads(json.dumps(cluster._to_json(p)))) for p in partitions] == partitions
    if max_bytes == 1:  # a partition per line of the JSONL (6, blank ones too) and per non-empty file (3)
        assert len(partitions) == 6 + 3 + 1  # the empty c.txt goes with the next partition


def test_bad_row_is_named_by_its_line_in_the_file(monkeypatch, tmp_path):
    monkeypatch.setattr(cluster, "MAX_PARTITION_BYTES", 10)
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n\n{"id": "b", "text": "y"}\n{oops\n', encoding="utf-8")
    partitions = cluster.plan([str(path)], 1)
    with pytest.raises(InputError) as local:
        list(read_inputs([str(path)]))
    with pytest.raises(InputError) as sliced:
        [doc for p in partitions for doc in p.read()]
    assert str(sliced.value) == str(local.value) and str(local.value).endswith(":4: invalid JSON (Expecting property name enclosed in double quotes)")


@pytest.mark.parametrize("output, errors", [("out.jsonl", "out.errors.jsonl"), ("d/run", "d/run.errors.jsonl")],
                         ids=["jsonl", "other"])
def test_errors_sidecar_name(output, errors):
    assert cluster.errors_path(output) == Path(errors)


# --- on a LocalCluster ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as local, Client(local) as connected:
        yield connected


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Seeds-made rows (the bench generator), a short invented one in the middle that tests make fail."""
    rows = [{"id": r["id"], "text": r["text"]} for r in generate_documents(2500, seed=11)]
    rows.insert(len(rows) // 2, {"id": "panne", "text": "La société Brelic a levé 5 millions d'euros auprès du fonds Ardan."})
    return write_rows(tmp_path_factory.mktemp("corpus") / "rows.jsonl", rows)


@pytest.fixture(scope="module")
def expected(extractor, corpus):
    """The one-process JSONL of the seeds and of the corpus."""
    return {name: [dump_jsonl_line(r) for r in extractor.records(read_inputs([str(path)]))]
            for name, path in (("seeds", SEEDS), ("corpus", corpus))}


@pytest.fixture
def fault(client, tmp_path):
    """Install a test-only fault on every worker (tests/cluster_faults.py) for the length of a test."""
    from cluster_faults import Fault

    names = []

    def install(doc_id, action):
        name = f"fault-{action}-{doc_id}"
        client.register_plugin(Fault(doc_id, action, str(tmp_path / "killed")), name=name)
        names.append(name)
        return tmp_path / "killed"

    yield install
    for name in names:
        client.unregister_worker_plugin(name)


@pytest.mark.integration
def test_cli_dask_gives_the_bytes_of_one_process(client, corpus, expected, tmp_path):
    from fr_finance.cli import main

    address = client.scheduler.address
    for name, path in (("seeds", SEEDS), ("corpus", corpus)):
        out = tmp_path / f"{name}.jsonl"
        assert main(["extract", str(path), "--engine", "dask", "--scheduler", address, "-o", str(out)]) == 0
        assert out.read_text(encoding="utf-8") == "".join(expected[name])
        assert not Path(f"{out}.parts").exists()
    assert len(expected["seeds"]) == 5 and len(expected["corpus"]) == 8


@pytest.mark.integration
def test_python_api_streams_the_records_of_one_process(client, corpus, expected):
    raws = list(read_inputs([str(corpus)]))
    assert [dump_jsonl_line(r) for r in cluster.records(raws, client=client)] == expected["corpus"]


@pytest.mark.integration
def test_local_cluster_of_two_workers(expected, tmp_path):
    """`extract seeds --engine dask --workers 2`: the command's own LocalCluster, and --facts."""
    from fr_finance.cli import main

    out, facts, local_facts = tmp_path / "out.jsonl", tmp_path / "facts.jsonl", tmp_path / "local-facts.jsonl"
    assert main(["extract", str(SEEDS), "--engine", "dask", "--workers", "2", "-o", str(out), "--facts", str(facts)]) == 0
    assert out.read_text(encoding="utf-8") == "".join(expected["seeds"])
    assert main(["facts", str(out), "-o", str(local_facts)]) == 0
    assert facts.read_bytes() == local_facts.read_bytes() and facts.read_bytes().count(b"\n") >= 1


def _worker_settings():
    import os

    import dask

    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled")


@pytest.mark.integration
def test_local_cluster_workers_run_without_profiler_and_trim_threshold():
    """connect()'s LocalCluster applies models/dask.yaml: no stack sampling, glibc's own malloc thresholds."""
    with cluster.connect(workers=1) as local:
        assert list(local.run(_worker_settings).values()) == [(None, False)]


@pytest.mark.integration
def test_raising_document_fails_the_run_or_is_skipped(client, corpus, expected, fault, tmp_path, capsys):
    from fr_finance.cli import main

    fault("panne", "raise")
    out = tmp_path / "out.jsonl"
    command = ["extract", str(corpus), "--engine", "dask", "--scheduler", client.scheduler.address, "-o", str(out),
               "--no-progress"]
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: document 'panne' (")
    assert "ValueError: simulated failure on panne; nothing written" in err
    assert not out.exists()

    assert main(command + ["--on-error", "skip", "--resume"]) == 0
    assert out.read_text(encoding="utf-8") == "".join(line for line in expected["corpus"] if '"id": "panne"' not in line)
    assert cluster.errors_path(out).read_text(encoding="utf-8") == dump_jsonl_line(
        {"id": "panne", "error": "ValueError: simulated failure on panne"})
    assert "skipped panne: ValueError: simulated failure on panne\n" in capsys.readouterr().err


@pytest.mark.integration
def test_killed_worker_is_replaced_and_its_partition_recomputed(client, corpus, expected, fault, tmp_path):
    killed = fault("panne", "kill")
    out = tmp_path / "out.jsonl"
    figures = cluster.extract_to([str(corpus)], out, client=client)
    assert killed.exists()  # a worker did die in the middle of the partition holding "panne"
    assert out.read_text(encoding="utf-8") == "".join(expected["corpus"])
    assert figures["documents"] == len(expected["corpus"])
    client.wait_for_workers(2, timeout=180)  # the nanny started a new worker process in its place


@pytest.mark.integration
def test_resume_skips_the_partitions_written(client, corpus, expected, monkeypatch, tmp_path):
    out = tmp_path / "out.jsonl"
    write = cluster.Parts.write
    calls = []

    def crash_after_two(parts, result):
        if len(calls) == 2:
            raise RuntimeError("the client machine stopped")
        calls.append(result.number)
        write(parts, result)

    monkeypatch.setattr(cluster.Parts, "write", crash_after_two)
    with pytest.raises(RuntimeError):
        cluster.extract_to([str(corpus)], out, client=client)
    assert not out.exists() and len(list(Path(f"{out}.parts").glob("0*.json"))) == 2
    monkeypatch.setattr(cluster.Parts, "write", write)

    figures = cluster.extract_to([str(corpus)], out, client=client, resume=True)
    assert figures["reused"] == 2 and figures["partitions"] > 2
    assert out.read_text(encoding="utf-8") == "".join(expected["corpus"])


@pytest.mark.integration
def test_resume_refuses_parts_of_other_inputs(client, corpus, monkeypatch, tmp_path):
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(cluster.Parts, "write", lambda parts, result: (_ for _ in ()).throw(RuntimeError("stop")))
    with pytest.raises(RuntimeError):
        cluster.extract_to([str(corpus)], out, client=client)
    with pytest.raises(InputError, match=r"out.jsonl.parts: left by a run on other inputs"):
        cluster.extract_to([str(SEEDS)], out, client=client, resume=True)
