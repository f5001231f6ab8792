"""One worker thread for blocking work (database writes, summarising) called from async code.

Running that work on one thread, in order, keeps the event loop free for network I/O and keeps
SQLite writers from contending with each other; the summariser never runs twice at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class SerialWorker:
    """A single background thread; `run` awaits one call on it. Close it (or use `with`)."""

    def __init__(self, name: str = "newsbot-worker") -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run `function(*args, **kwargs)` on the worker thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: function(*args, **kwargs))

    def close(self) -> None:
        """Wait for the running call, then stop the thread."""
        self._executor.shutdown(wait=True)

    def __enter__(self) -> SerialWorker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
