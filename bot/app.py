"""The composition root: the one place that builds config, store, ingestor and clock together.

Everything is passed in; nothing is reached through globals, so tests build the same pieces with
their own paths, clocks and fakes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine
from threadpoolctl import threadpool_limits

from bot.article_index import ArticleVectorIndex
from bot.clock import Clock, utc_now
from bot.config import DEFAULT_CONFIG_NAME, Config, StoreConfig, load_config
from bot.digest import StorySources
from bot.engine import open_engine
from bot.ingest import IngestOptions, Ingestor
from bot.lookup import Lookup
from bot.store import Store
from bot.stories import StoryGrouper
from bot.story_store import StoryStore
from bot.summary_pool import BLAS_THREADS, SummaryPool
from bot.textfile import ReadOptions
from summarizer.embeddings import Embedder, MultilingualEmbedder


@dataclass(frozen=True, slots=True)
class Choices:
    """What the command line chose before any command runs."""

    config_path: Path | None = None
    db: str | None = None
    debug: bool = False


@dataclass(frozen=True, slots=True)
class App:
    """The wired-up core for one command: config, store, ingestor, lookups and clock."""

    config: Config
    store: Store
    ingestor: Ingestor
    lookup: Lookup
    clock: Clock
    merging: StorySources
    engine: Engine  # for stores beside the article store (sources) on the same database
    articles: ArticleVectorIndex  # the article vectors in memory: lookups' and alerts'


def find_config_path(explicit: Path | None, cwd: Path) -> Path | None:
    """The config file to read: the explicit one, else ./newsbot.toml if present, else None."""
    if explicit is not None:
        return explicit
    candidate = cwd / DEFAULT_CONFIG_NAME
    return candidate if candidate.is_file() else None


def configure(choices: Choices, environ: Mapping[str, str], cwd: Path) -> Config:
    """Load the config; `--db` wins over NEWSBOT_DB, which wins over [store] url."""
    config = load_config(find_config_path(choices.config_path, cwd), environ)
    if choices.db:
        config = replace(config, store=StoreConfig(url=choices.db))
    return config


def read_options(config: Config) -> ReadOptions:
    """File reading limits from the config."""
    return ReadOptions(max_bytes=config.ingest.max_file_bytes)


def ingest_options(
    config: Config, *, points: int | None = None, debug: bool = False
) -> IngestOptions:
    """Ingest options from the config, with an optional override of the number of key points."""
    return IngestOptions(
        points=points or config.summarizer.points, read=read_options(config), debug=debug
    )


@contextmanager
def open_app(
    config: Config,
    *,
    clock: Clock = utc_now,
    debug: bool = False,
    store_url: str | None = None,
    embedder: Embedder | None = None,
) -> Iterator[App]:
    """Open the store (migrating it) and wire the core; the engine is disposed on exit.

    The embedder loads its model on first use only, so commands that never embed pay nothing.
    """
    threadpool_limits(BLAS_THREADS)
    engine = open_engine(store_url or config.store.url)
    embedder = embedder or MultilingualEmbedder()
    workers = config.ingest.workers
    pool = SummaryPool(workers, ingest_options(config).points, embed=True) if workers else None
    try:
        store = Store(engine)
        stories = StoryStore(engine)
        options = ingest_options(config, debug=debug)
        grouper = StoryGrouper(stories)
        ingestor = Ingestor(store, options, clock, embedder=embedder, stories=grouper, pool=pool)
        articles = ArticleVectorIndex(embedder.dimensions)
        yield App(
            config=config,
            store=store,
            ingestor=ingestor,
            lookup=Lookup(store, embedder, articles=articles),
            clock=clock,
            merging=StorySources(stories, embedder),
            engine=engine,
            articles=articles,
        )
    finally:
        if pool is not None:
            pool.close()
        engine.dispose()
