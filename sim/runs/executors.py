"""Where replications run: in this process, in a process pool, or on Dask.

Each executor takes chunks of ``(variant, replication, seed)`` tasks and yields the outcomes of
each chunk as it completes (in completion order: the sweep sorts the table at the end, so the
order never shows). Not a scheduler of our own: ``concurrent.futures`` and ``distributed`` do
the work; this module only picks one and hands it the spec once per worker.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import suppress
from typing import Any

from sim.runs.replicate import Outcome, SweepSpec, run_chunk

__all__ = ["Task", "chunked", "execute"]

Task = tuple[int, int, int]  # variant, replication, seed


def chunked(tasks: list[Task], workers: int) -> list[list[Task]]:
    """Chunks small enough to balance the workers and show progress, large enough that one
    round trip per chunk costs little next to its replications."""
    size = max(1, min(16, len(tasks) // max(1, workers * 8)))
    return [tasks[k : k + size] for k in range(0, len(tasks), size)]


def execute(
    spec: SweepSpec, tasks: list[Task], *, workers: int = 1, dask: str | None = None
) -> Iterator[list[Outcome]]:
    """Outcomes chunk by chunk. ``dask``: ``"local"`` for a LocalCluster with ``workers``
    workers, or a scheduler address (``tcp://host:8786``)."""
    if dask is not None:
        yield from _dask(spec, tasks, workers, dask)
    elif workers <= 1:
        for chunk in chunked(tasks, 1):
            yield run_chunk(spec, chunk)
    else:
        yield from _processes(spec, tasks, workers)


# -- processes ------------------------------------------------------------------------------------
_SPEC: SweepSpec | None = None


def _init_worker(spec: SweepSpec) -> None:
    """Keep the spec for this worker; Ctrl-C is the parent's to handle."""
    global _SPEC
    _SPEC = spec
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_chunk(chunk: list[Task]) -> list[Outcome]:
    assert _SPEC is not None
    return run_chunk(_SPEC, chunk)


def _processes(spec: SweepSpec, tasks: list[Task], workers: int) -> Iterator[list[Outcome]]:
    workers = max(1, min(workers, len(tasks)))  # no idle processes (-n 2 --workers 100 forked 100)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(spec,))
    try:
        pending = {pool.submit(_worker_chunk, chunk) for chunk in chunked(tasks, workers)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=id):
                yield fut.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- Dask -----------------------------------------------------------------------------------------
def _dask(
    spec: SweepSpec, tasks: list[Task], workers: int, address: str
) -> Iterator[list[Outcome]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # the `dask` extra
        raise RuntimeError(
            "--dask needs the dask extra: pip install 'knooppunt-ttx[dask]'"
        ) from exc
    cluster: Any = None
    if address == "local":
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        client = Client(address, timeout="15s")
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        remote = client.scatter(spec, broadcast=True, hash=False)
        # pure=False and the seeds in every chunk: Dask may not merge two replications
        futures = [
            client.submit(run_chunk, remote, chunk, pure=False) for chunk in chunked(tasks, n)
        ]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            for fut in futures:
                fut.cancel()
    finally:
        with suppress(Exception):
            client.close()
        if cluster is not None:
            with suppress(Exception):
                cluster.close()
