"""Summarising ahead in worker processes, for batch ingests.

The summariser (cleaning, language, key points, facts) is pure and CPU-bound, and it is about half
of an article's ingest; embedding, story placement and the store writes need the process's model,
store and caches. So a batch ingest hands the texts it will need next to worker processes and
takes their summaries in order, while the main process embeds and writes the articles before them.

Workers are started with "spawn" (no copy of the parent's model, threads or database connections)
and warmed up once. A worker that dies (killed, out of memory) breaks the pool: its summaries are
then made in the main process, and the ingest goes on.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from threadpoolctl import threadpool_limits

from bot.models import SourceText
from bot.summaries import summarise_source
from summarizer import Summary

log = logging.getLogger(__name__)

# numpy's BLAS runs with one thread in newsbot's processes. Its matrices are small (a few
# sentences to embed, one vector against the recent stories), and with a thread per core BLAS's
# spinning threads took the cores the summarising workers and the other process work needed:
# a batch ingest went from 45 to 34 articles/s once the story matrix passed BLAS's threading
# size (bench.scale, 2 cores).
BLAS_THREADS = 1
AHEAD_PER_WORKER = 4  # texts handed out per worker before the first summary is taken back


class SummaryPool:
    """Worker processes that summarise `SourceText`s; `submit` returns a Future of the Summary
    (or of the `SummarizerError` that text raises)."""

    def __init__(self, workers: int, points: int) -> None:
        self.workers = workers
        self._points = points
        self._executor: ProcessPoolExecutor | None = None
        self._broken = False
        self.submitted = 0  # texts handed to the workers

    @property
    def broken(self) -> bool:
        """Whether a worker died, so summaries are now made in the calling process."""
        return self._broken

    @property
    def ahead(self) -> int:
        """How many texts to keep submitted ahead of the one being stored."""
        return self.workers * AHEAD_PER_WORKER

    def submit(self, source: SourceText) -> Future[Summary] | None:
        """The summary of `source`, being made in a worker; None once the pool is broken."""
        if self._broken:
            return None
        try:
            made = self._started().submit(summarise_source, source, self._points)
        except (BrokenProcessPool, RuntimeError) as error:
            self._break(error)
            return None
        self.submitted += 1
        return made

    def summary(self, source: SourceText, made: Future[Summary] | None) -> Summary:
        """The worker's summary of `source`, or one made here when the pool broke."""
        if made is not None:
            try:
                return made.result()
            except BrokenProcessPool as error:
                self._break(error)
        return summarise_source(source, self._points)

    def worker_pids(self) -> list[int]:
        """The process ids of the running workers (none before the first `submit`)."""
        if self._executor is None:
            return []
        return sorted(self._executor._processes or {})  # the executor keeps them by pid

    def close(self) -> None:
        """Stop the workers (summaries not taken yet are dropped)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _started(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_warm_up
            )
        return self._executor

    def _break(self, error: BaseException) -> None:
        if not self._broken:
            log.warning("the summarising workers stopped (%s); summarising in this process", error)
        self._broken = True
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _warm_up() -> None:
    """One BLAS thread (the cores are shared with the main process and the other workers);
    load the language model, stop words and tokenisers before the first real article."""
    threadpool_limits(BLAS_THREADS)
    summarise_source(
        SourceText("warm-up", "The council met on Monday. It approved the budget for the bridge."),
        3,
    )
