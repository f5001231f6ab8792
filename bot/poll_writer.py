"""Group commit for poll results: many sources' outcomes written in one transaction.

Each `write` waits for its own record to be committed. While one batch is being written on the
worker thread, the records that arrive meanwhile wait and go together in the next transaction, so
a busy polling run pays one commit per batch rather than one per source.
"""

from __future__ import annotations

import asyncio

from bot.serial_worker import SerialWorker
from bot.source_store import PollRecord, Source, SourceStore

_Pending = tuple[PollRecord, "asyncio.Future[Source | None]"]


class PollWriter:
    """Writes `PollRecord`s through `SourceStore.record_polls`, batching what arrives together."""

    def __init__(self, sources: SourceStore, worker: SerialWorker, *, max_batch: int = 500) -> None:
        self._sources = sources
        self._worker = worker
        self._max_batch = max_batch
        self._pending: list[_Pending] = []
        self._flushing: asyncio.Task[None] | None = None

    async def write(self, record: PollRecord) -> Source | None:
        """Commit `record` (with others queued now) and return the updated source.

        Raises what the store raised (`StoreError`) for the batch the record was in.
        """
        future: asyncio.Future[Source | None] = asyncio.get_running_loop().create_future()
        self._pending.append((record, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                written = await self._worker.run(
                    self._sources.record_polls, [record for record, _ in batch]
                )
            except Exception as error:  # handed to every waiting caller, never lost
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), source in zip(batch, written, strict=True):
                if not future.done():
                    future.set_result(source)
