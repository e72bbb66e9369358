"""Where batches run: local worker processes, or an existing Dask ``distributed`` cluster.

A backend takes the sweep's shared context once and a list of batch jobs, and yields
``(job, table)`` as batches finish, in any order; the caller writes each table as a
shard and assembles them in plan order, so the backend and the worker count never
change the results.

Dask workers must be able to ``import sim`` (the same munsim, numpy and Mesa as the
machine that plans the sweep); tables come back to the planning machine, which writes
the shards, so workers need no shared disk.

Example:
    >>> with open_backend(workers=2) as backend:  # doctest: +SKIP
    ...     for job, table in backend.run(context, jobs):
    ...         print(job.index, table.num_rows)
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from typing import Any

import pyarrow as pa

from sim.experiments.batch import SweepContext, run_batch
from sim.experiments.plan import BatchJob
from sim.scenario.errors import ScenarioError

_WORKER: dict[str, Any] = {}  # a local worker's sweep context and stop signal


def available_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _exit_with_parent(sentinel: Any) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)  # the sweep is gone (killed): nobody will read this worker's batch


def _install(context: SweepContext, stop: Any) -> None:
    """A local worker's start: keep the context and the stop signal.

    Ctrl-C is the sweep's to handle (it sets ``stop``, and running batches end at their
    next check); a worker whose sweep is killed outright exits too.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(context=context, stop=stop)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.sentinel,), daemon=True).start()


def _run_installed(job: BatchJob) -> pa.Table | None:
    stop = _WORKER["stop"]
    return run_batch(_WORKER["context"], job, should_stop=stop.is_set)


class LocalBackend:
    """Worker processes on this machine (one runs in this process, no pool)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or available_cores()

    def describe(self) -> dict[str, Any]:
        return {"backend": "local", "workers": self.workers}

    def __enter__(self) -> LocalBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(
        self, context: SweepContext, jobs: Sequence[BatchJob]
    ) -> Generator[tuple[BatchJob, pa.Table]]:
        """Run ``jobs``; yield each with its table as it finishes."""
        workers = min(self.workers, len(jobs))
        if workers <= 1:
            for job in jobs:
                yield job, run_batch(context, job)
            return
        methods = multiprocessing.get_all_start_methods()
        start = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if start.get_start_method() == "forkserver":
            # the server imports munsim and loads its kernels once; each worker then starts
            # as a cheap fork of it
            start.set_forkserver_preload(["sim.experiments.backends", "sim.experiments.preload"])
        stop = start.Event()
        pool = ProcessPoolExecutor(
            workers, mp_context=start, initializer=_install, initargs=(context, stop)
        )
        try:
            # keep about two batches per worker queued: enough to stay busy, and a
            # 20,000-sample plan is never all in flight at once
            queue = iter(jobs)
            running = {}
            for job in queue:
                running[pool.submit(_run_installed, job)] = job
                if len(running) >= 2 * workers:
                    break
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    table = future.result()
                    assert table is not None, "a batch stopped though the sweep was not"
                    following = next(queue, None)
                    if following is not None:
                        running[pool.submit(_run_installed, following)] = following
                    yield job, table
        finally:
            # if interrupted: batches under way stop at their next check and queued ones
            # never start; a resume reruns them
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """An existing Dask ``distributed`` cluster, reached through its scheduler.

    A worker that dies (killed, out of memory, its machine gone) loses only time: the
    scheduler runs its batches elsewhere, and a batch that has killed as many workers as
    ``distributed`` allows (``KilledWorker``) is submitted again, up to ``resubmits``
    times in a sweep. Each batch's table is yielded once, so no row is doubled.
    """

    def __init__(
        self, address: str, file: str = "", timeout_seconds: float = 10.0, resubmits: int = 100
    ) -> None:
        self.address = address
        self.file = file
        self.timeout_seconds = timeout_seconds
        self.resubmits = resubmits  # of batches lost with their workers, over a sweep
        self.client: Any = None

    def __enter__(self) -> DaskBackend:
        from distributed import Client

        try:
            self.client = Client(self.address, timeout=self.timeout_seconds, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ScenarioError(
                self.file,
                "--scheduler",
                f"cannot reach a Dask scheduler at {self.address}: {detail}",
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def describe(self) -> dict[str, Any]:
        workers = len(self.client.scheduler_info().get("workers", {})) if self.client else 0
        return {"backend": "dask", "scheduler": self.address, "workers": workers}

    def run(
        self, context: SweepContext, jobs: Sequence[BatchJob]
    ) -> Generator[tuple[BatchJob, pa.Table]]:
        """Send ``jobs`` to the cluster; yield each with its table as it finishes."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        if not jobs:
            return
        shared = self.client.scatter(context, broadcast=True, hash=False)
        by_key = {f"munsim-batch-{job.key}": job for job in jobs}
        futures = [
            self.client.submit(run_batch, shared, job, key=key, retries=1)
            for key, job in by_key.items()
        ]
        resubmitted = 0
        try:
            finished = as_completed(futures, loop=self.client.loop)
            for future in finished:
                job = by_key[future.key]
                try:
                    table = future.result()
                except (CancelledError, KilledWorker):
                    # its workers died under it, or with its table before it came back:
                    # run it again under a new key (its table depends only on the batch)
                    if resubmitted >= self.resubmits:
                        raise
                    resubmitted += 1
                    shared = self.client.scatter(context, broadcast=True, hash=False)
                    key = f"munsim-batch-{job.key}-again-{resubmitted}"
                    by_key[key] = job
                    again = self.client.submit(run_batch, shared, job, key=key, retries=1)
                    futures.append(again)
                    finished.add(again)
                    continue
                yield job, table
                future.release()
        finally:
            self.client.cancel(futures)


Backend = LocalBackend | DaskBackend
"""Where a sweep's batches run."""


def open_backend(
    workers: int | None = None, scheduler: str | None = None, file: str = ""
) -> Backend:
    """The backend for ``--workers N`` (local) or ``--scheduler ADDRESS`` (Dask).

    ``file`` (the experiment) is named in the one-line errors about these options.
    """
    if scheduler is not None:
        if workers is not None:
            raise ScenarioError(file, "--scheduler", "give --workers or --scheduler, not both")
        return DaskBackend(scheduler, file)
    if workers is not None and workers < 1:
        raise ScenarioError(file, "--workers", f"must be at least 1, got {workers}")
    return LocalBackend(workers)
