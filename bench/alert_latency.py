"""Topic alert latency: from the poll that brings a matching article to the alert in the chat.

`newsbot serve` runs in this process as in production (`bot.serve.serve`: the scheduler, feed
polling every `--poll-every` seconds, topic alerts after each round) against the loopback Slack
fake of tests/fakes (real Web API calls over HTTP) and a loopback feed server. The store first
holds a history of BBC News Summary articles (so the matcher reads scores against its own store,
as an installed bot does), and one channel subscription follows the topic written once below.

Then, one at a time, an article of BBC News Summary that is not in the history appears in the
feed: `--matching` sport articles (the topic's) and `--others` business ones (which should not
alert). For each the benchmark records, in one clock (time.time):

    served    the feed request that first carried the article (the feed server's handler)
    ingested  the end of the poll round that ingested it (its "feed polling: polled" log line)
    posted    chat.postMessage of the alert received by the Slack fake

and publishes the next article once the polling job that ingested it has ended (alerts are
posted at the end of that round, so by then an alert that was coming is there). Reported: p50,
p95 and max of served->ingested (fetch, clean, summarise, facts, embed, store, story),
ingested->posted (matching and delivery: the part topic alerts add) and served->posted; the
ratio of the alert part to the ingest part; how many matching articles alerted and how many
others did. The wait for the next poll (up to `--poll-every` plus its jitter) comes before
`served` and is not part of these figures: an article is alerted at most poll interval +
served->posted after it appears.

Target (issue 6): measured, no number named; a few seconds at most is what users expect of an
alert.

    .venv/bin/python -m bench.alert_latency [--eval-dir ../shared/eval] [--history 250]
        [--matching 12] [--others 6] [--poll-every 1]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import DEFAULT_EVAL_DIR, eval_file, print_table, read_jsonl, write_results
from bot.app import App, open_app
from bot.config import load_config
from bot.models import SourceText
from bot.serve import serve
from bot.source_store import ChannelKey, NewSource, SourceStore
from bot.subscriptions import SubscriptionStore
from tests.fakes.slack_fake import SlackFake
from tests.loopback_http import LoopbackServer, RecordedRequest, Route

TOPIC = "sport: football rugby tennis"  # the BBC category name plus three words, chosen once
CHANNEL = "C0ALERTS"
SEED = 11
CONFIG = """
[fetch]
allow_networks = ["127.0.0.0/8"]  # the loopback feed server

[alerts]
per_hour = 60
per_message = 10
"""


@dataclass
class Sample:
    """One article published in the feed, and when it was served, ingested and alerted."""

    key: str
    title: str
    text: str
    matching: bool
    served: float | None = None
    ingested: float | None = None
    posted: float | None = None


class Feed:
    """The feed route: an RSS 2.0 document of the articles published so far, newest first;
    it notes when each article was first served."""

    def __init__(self, base: str, clock: JumpingClock) -> None:
        self._base = base
        self._clock = clock
        self._published: list[Sample] = []
        self._lock = threading.Lock()

    def publish(self, sample: Sample) -> None:
        with self._lock:
            self._published.insert(0, sample)

    def __call__(self, request: RecordedRequest) -> Route:
        now = time.time()
        with self._lock:
            for sample in self._published:
                if sample.served is None:
                    sample.served = now
            items = "".join(self._item(sample) for sample in self._published)
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<title>BBC sample</title><link>https://news.example/</link>"
            f"<description>News</description>{items}</channel></rss>"
        )
        return Route(body=body.encode(), headers={"Content-Type": "application/rss+xml"})

    def _item(self, sample: Sample) -> str:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in sample.text.split("\n") if p.strip())
        return (
            f"<item><title>{escape(sample.title)}</title>"
            f"<link>{self._base}/{sample.key}</link>"
            f'<guid isPermaLink="false">bbc:{sample.key}</guid>'
            f"<pubDate>{format_datetime(self._clock())}</pubDate>"
            f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded></item>"
        )


class JumpingClock:
    """newsbot's clock: the real time plus an offset that `jump` moves on, so the feed's source
    (polled every 30 minutes at most, with up to 10% spread) is due again at each publication
    while the benchmark's own timings use the real clock."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump(self) -> None:
        self.offset += timedelta(minutes=40)


class RoundEnds(logging.Handler):
    """Collects when rounds ended their ingest ("feed polling: polled", bot.serve_polling) and
    when polling jobs ended, alerts included (APScheduler's "executed successfully")."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.ingests: list[float] = []
        self.jobs: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("feed polling: polled"):
            self.ingests.append(record.created)
        elif message.startswith('Job "feed polling') and "executed successfully" in message:
            self.jobs.append(record.created)

    def ingested(self, sample: Sample) -> float | None:
        """The end of the ingest of the round that fetched `sample`."""
        return _first_after(self.ingests, sample.served)

    def done(self, sample: Sample) -> bool:
        """Whether the polling job that ingested `sample` has ended (its alerts are out)."""
        return _first_after(self.jobs, self.ingested(sample)) is not None


def _first_after(moments: list[float], start: float | None) -> float | None:
    later = [moment for moment in moments if start is not None and moment >= start]
    return min(later) if later else None


def pick(eval_dir: Path, history: int, matching: int, others: int) -> tuple[list[Any], list[Any]]:
    """The history rows and the samples (sport, then business), disjoint, with a fixed seed."""
    rows = list(read_jsonl(eval_file(eval_dir, "bbc_news_summary/bbc_news_summary.jsonl")))
    random.Random(SEED).shuffle(rows)
    sport = [row for row in rows if row["category"] == "sport"][:matching]
    business = [row for row in rows if row["category"] == "business"][:others]
    chosen = {row["id"] for row in sport + business}
    return [row for row in rows if row["id"] not in chosen][:history], sport + business


def fill_history(core: App, rows: Sequence[Any]) -> float:
    """Ingest the history articles; return the seconds it took."""
    started = time.perf_counter()
    for row in rows:
        core.ingestor.ingest_source(SourceText(row["id"], f"{row['title']}\n\n{row['article']}"))
    return time.perf_counter() - started


async def measure(
    core: App,
    samples: list[Sample],
    clock: JumpingClock,
    *,
    poll_every: float,
    wait: float,
    ends: RoundEnds,
) -> None:
    """Run serve against the fakes and publish the samples one at a time."""
    async with SlackFake() as slack:
        with LoopbackServer() as server:
            feed = Feed(server.url("/article"), clock)
            server.routes["/feed.xml"] = feed
            target = ChannelKey("slack", CHANNEL)
            SourceStore(core.engine).add(
                NewSource(server.url("/feed.xml"), "feed", "bench", follower=target), core.clock()
            )
            SubscriptionStore(core.engine).add(target, None, TOPIC, core.clock())
            environ = {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_APP_TOKEN": slack.app_token}
            stop = asyncio.Event()
            task = asyncio.create_task(
                serve(core, environ, poll_every=poll_every, stop=stop, slack_base_url=slack.api_url)
            )
            offset = time.time() - time.monotonic()  # the fake stamps calls with time.monotonic
            await _until(lambda: server.hits("/feed.xml") >= 1, task, 30)  # the first poll
            for sample in samples:
                before = len(slack.posted)
                feed.publish(sample)
                clock.jump()
                # Alerts run at the end of the round that ingested the article: once its
                # polling job has ended, an alert that was coming has been posted.
                await _until(partial(ends.done, sample), task, wait)
                sample.ingested = ends.ingested(sample)
                if len(slack.posted) > before:
                    sample.posted = slack.api_calls("chat.postMessage")[before].at + offset
                print(f"  {sample.key:<16} {'alerted' if sample.posted else 'no alert'}")
            stop.set()
            await task


async def _until(ready: Any, task: asyncio.Task[None], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if task.done():
            task.result()
            raise RuntimeError("serve stopped early")
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.01)


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max in milliseconds (nan when there are none)."""
    if not values:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "max_ms": float("nan")}
    array = np.asarray(values) * 1000
    return {
        "p50_ms": round(float(np.percentile(array, 50)), 1),
        "p95_ms": round(float(np.percentile(array, 95)), 1),
        "max_ms": round(float(array.max()), 1),
    }


def run(
    eval_dir: Path, *, history: int, matching: int, others: int, poll_every: float, wait: float
) -> dict[str, Any]:
    history_rows, sample_rows = pick(eval_dir, history, matching, others)
    samples = [
        Sample(row["id"], row["title"], row["article"], row["category"] == "sport")
        for row in sample_rows
    ]
    ends = RoundEnds()
    for name in ("bot.serve_polling", "apscheduler.executors.default"):
        logging.getLogger(name).addHandler(ends)
        logging.getLogger(name).setLevel(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
        path = Path(folder) / "newsbot.toml"
        path.write_text(CONFIG, encoding="utf-8")
        config = load_config(path, {"HOME": folder})
        clock = JumpingClock()
        store_url = f"sqlite:///{folder}/news.db"
        with open_app(config, store_url=store_url, clock=clock) as core:
            history_seconds = fill_history(core, history_rows)
            print(f"history: {len(history_rows)} articles in {history_seconds:.1f} s")
            asyncio.run(measure(core, samples, clock, poll_every=poll_every, wait=wait, ends=ends))
    alerted = [s for s in samples if s.matching and s.posted and s.served and s.ingested]
    ingest = [s.ingested - s.served for s in alerted if s.ingested and s.served]
    alert = [s.posted - s.ingested for s in alerted if s.posted and s.ingested]
    total = [s.posted - s.served for s in alerted if s.posted and s.served]
    figures = {
        "served_to_ingested": percentiles(ingest),
        "ingested_to_posted": percentiles(alert),
        "served_to_posted": percentiles(total),
    }
    ratio = float(np.median(alert) / np.median(ingest)) if ingest and alert else float("nan")
    matched = sum(1 for s in samples if s.matching and s.posted)
    false_alerts = sum(1 for s in samples if not s.matching and s.posted)
    rows = [[name, *values.values()] for name, values in figures.items()]
    print()
    print_table(["stretch", "p50 ms", "p95 ms", "max ms"], rows)
    print(
        f"\nalert part / ingest part (medians): {ratio:.2f}; matching articles alerted "
        f"{matched}/{matching}; other articles alerted {false_alerts}/{others}; "
        f"polls every {poll_every:g} s, which comes on top"
    )
    return {
        "topic": TOPIC,
        "history": len(history_rows),
        "poll_every_s": poll_every,
        "latency": figures,
        "alert_over_ingest_median_ratio": round(ratio, 3),
        "matching_alerted": matched,
        "matching": matching,
        "others_alerted": false_alerts,
        "others": others,
        "samples": [
            {
                "id": s.key,
                "matching": s.matching,
                "alerted": s.posted is not None,
                "served_to_posted_ms": (
                    round((s.posted - s.served) * 1000, 1) if s.posted and s.served else None
                ),
            }
            for s in samples
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--history", type=int, default=250)
    parser.add_argument("--matching", type=int, default=12)
    parser.add_argument("--others", type=int, default=6)
    parser.add_argument("--poll-every", type=float, default=1.0)
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for a round")
    args = parser.parse_args()
    payload = run(
        args.eval_dir,
        history=args.history,
        matching=args.matching,
        others=args.others,
        poll_every=args.poll_every,
        wait=args.wait,
    )
    print(f"wrote {write_results('alert_latency', payload)}")


if __name__ == "__main__":
    main()
