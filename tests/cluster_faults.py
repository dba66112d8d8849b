"""Test-only Dask worker plugins (imported by the workers of the test cluster, never by fr_finance):
a document that raises, a worker killed in the middle of a partition."""
import os
import signal

from distributed.diagnostics.plugin import WorkerPlugin


class Fault(WorkerPlugin):
    """On each worker, Extractor.prepare meets document `doc_id` with `action`: "raise" (a ValueError),
    or "kill" (SIGKILL to the worker process, once: `marker` records that it happened)."""

    def __init__(self, doc_id: str, action: str, marker: str | None = None):
        self.doc_id, self.action, self.marker = doc_id, action, marker

    def setup(self, worker) -> None:
        from fr_finance.engines.extractor import Extractor

        self.original = original = Extractor.prepare
        doc_id, action, marker = self.doc_id, self.action, self.marker

        def prepare(extractor, raw):
            if raw.id == doc_id:
                if action == "raise":
                    raise ValueError(f"simulated failure on {doc_id}")
                if action == "kill" and not os.path.exists(marker):
                    open(marker, "w").close()
                    os.kill(os.getpid(), signal.SIGKILL)
            return original(extractor, raw)

        Extractor.prepare = prepare

    def teardown(self, worker) -> None:
        from fr_finance.engines.extractor import Extractor

        Extractor.prepare = self.original
