"""Summarising ahead in worker processes, for batch ingests.

The summariser (cleaning, language, key points, facts), the embedding of the article's signature
and its near-duplicate shingles are pure and CPU-bound; story placement and the store writes need
the process's store and caches. So a batch ingest hands the texts it will need next to worker
processes and takes their work in order, while the main process places and writes the articles
before them. The main process was the bottleneck; with the embedding and the shingles in the
worker, ingest into the 100,000-article store went from about 19.5 to 25-28 articles/s on 2
cores (`bench.scale_ingest`, with the cheaper story scoring made at the same time): main-process
CPU per article from about 48 ms to 32-37 ms, the worker's from 14 to 24-28 ms. Each worker
holds its own copy of the embedding model (worker peak 332 -> 466 MiB).

Workers are started with "spawn" (no copy of the parent's model, threads or database connections)
and warmed up once. A worker that dies (killed, out of memory) breaks the pool: its summaries are
then made in the main process, and the ingest goes on.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from threadpoolctl import threadpool_limits

from bot.models import SourceText
from bot.near_duplicates import NearText, near_text
from bot.summaries import summarise_source
from summarizer import Summary
from summarizer.embeddings import MultilingualEmbedder
from summarizer.signature import Signature, signature

log = logging.getLogger(__name__)

# numpy's BLAS runs with one thread in newsbot's processes. Its matrices are small (a few
# sentences to embed, one vector against the recent stories), and with a thread per core BLAS's
# spinning threads took the cores the summarising workers and the other process work needed:
# a batch ingest went from 45 to 34 articles/s once the story matrix passed BLAS's threading
# size (bench.scale, 2 cores).
BLAS_THREADS = 1
AHEAD_PER_WORKER = 4  # texts handed out per worker before the first summary is taken back


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a worker made of one text: its summary, the shingles of its sentences, and, when the
    pool embeds, its signature."""

    summary: Summary
    near: NearText | None
    signature: Signature | None = None


class SummaryPool:
    """Worker processes that summarise `SourceText`s; `submit` returns a Future of the
    `Prepared` text (or of the `SummarizerError` that text raises). With `embed`, the workers
    also make each article's signature with their own embedding model."""

    def __init__(self, workers: int, points: int, *, embed: bool = False) -> None:
        self.workers = workers
        self._points = points
        self._embed = embed
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

    def submit(self, source: SourceText) -> Future[Prepared] | None:
        """The work on `source`, being done in a worker; None once the pool is broken."""
        if self._broken:
            return None
        try:
            made = self._started().submit(prepare, source, self._points, embed=self._embed)
        except (BrokenProcessPool, RuntimeError) as error:
            self._break(error)
            return None
        self.submitted += 1
        return made

    def prepared(self, source: SourceText, made: Future[Prepared] | None) -> Prepared:
        """The worker's work on `source`, or a summary made here when the pool broke (its
        signature is then left to the caller's embedder)."""
        if made is not None:
            try:
                return made.result()
            except BrokenProcessPool as error:
                self._break(error)
        return prepare(source, self._points, embed=False)

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
                self.workers, mp_context=context, initializer=_warm_up, initargs=(self._embed,)
            )
        return self._executor

    def _break(self, error: BaseException) -> None:
        if not self._broken:
            log.warning("the summarising workers stopped (%s); summarising in this process", error)
        self._broken = True
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def prepare(source: SourceText, points: int, *, embed: bool) -> Prepared:
    """Summarise `source` and take its sentences' shingles; with `embed`, its signature too."""
    summary = summarise_source(source, points)
    near = near_text(" ".join(sentence.text for sentence in summary.sentences))
    made = signature(summary, _EMBEDDER) if embed else None
    return Prepared(summary, near, made)


# A worker's own model, loaded on its first use (in the workers only): one BLAS thread, and no
# cache (each article's texts are new).
_EMBEDDER = MultilingualEmbedder(threads=1, batch_threads=1, cache_size=0)


def _warm_up(embed: bool) -> None:
    """One BLAS thread (the cores are shared with the main process and the other workers);
    load the language model, stop words, tokenisers and the embedding model before the first
    real article."""
    threadpool_limits(BLAS_THREADS)
    warm = SourceText(
        "warm-up", "The council met on Monday. It approved the budget for the bridge."
    )
    prepare(warm, 3, embed=embed)
