"""Grouping articles into stories as they arrive, across sources and languages.

A new article joins the recent story it is most similar to (average similarity to the story's
articles, see summarizer.signature) when that reaches `threshold`, else it starts a story. The
threshold favours precision: two different events in one story hide news, while one event in two
stories only costs a line. On SemEval-2022 Task 8, 0.5 keeps 84% precision for pairs people rated
as the same or nearly the same story (bench/stories.py).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from bot.story_store import Member, Specifics, StoryStore
from bot.vectors import STORED_DTYPE, principal_basis
from summarizer.embeddings import DIMENSIONS, Vectors, row_products
from summarizer.signature import Rarity, Signature, similarities

# A member's names and figures as the window keeps them: tuples of interned keys (the window
# holds up to a week of articles, 35,000 at 5,000 a day), not frozensets of their own strings;
# the frozensets are made again for the few hundred members an article is compared with.
_Keys = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """When an article joins a story: similarity threshold and how far back stories stay open."""

    threshold: float = 0.5
    window: timedelta = timedelta(days=7)
    candidates: int = 8
    resync: float = 5.0  # seconds between reads of the stories other instances grew
    per_story: int = 24  # a story is compared through its newest articles of the window


class StoryGrouper:
    """Assigns each new article to a story; the store is passed in.

    The recent stories' members, vectors and specifics are kept in memory (`RecentStories`) and
    topped up from the store with the stories that grew since the last assignment (also those
    another instance grew), so an assignment reads what changed, not the whole window.
    """

    def __init__(self, store: StoryStore, options: StoryOptions | None = None) -> None:
        self._store = store
        self._options = options or StoryOptions()
        self._recent = RecentStories(self._options.resync, per_story=self._options.per_story)
        self._frequencies = Frequencies()

    def story_of(self, article_id: str) -> str | None:
        """The story the article belongs to, or None."""
        return self._store.story_of(article_id)

    def assign(self, article_id: str, article: Signature, now: datetime) -> str:
        """The story id the article now belongs to (idempotent for an article already placed)."""
        placed = self._store.story_of(article_id)
        if placed is not None:
            return placed
        since = now - self._options.window
        reread = self._recent.reread_from(since)
        fresh = self._store.recent_members(reread) if reread is not None else []
        self._recent.update(fresh, since)
        best, score = self._best_story(article, article_id)
        chosen = best if score >= self._options.threshold else None
        story_id = self._store.join(chosen, article_id, now, score)
        self._recent.add(story_id, article_id, article, now)
        return story_id

    def _best_story(self, article: Signature, article_id: str) -> tuple[str | None, float]:
        closest = self._recent.closest(article.vector, self._options.candidates, article_id)
        if not closest:
            return None, 0.0
        candidates = self._recent.members(closest)
        signatures = self._signatures(candidates)
        rarity = self._rarity(article, signatures.values())
        members = [signatures[member_id] for _, member_id in candidates]
        scores: dict[str, list[float]] = {}
        for (story_id, _), value in zip(
            candidates, similarities(article, members, rarity), strict=True
        ):
            scores.setdefault(story_id, []).append(value)
        averages = {story: float(np.mean(values)) for story, values in scores.items()}
        story = max(averages, key=lambda key: (averages[key], key))
        return story, averages[story]

    def _signatures(self, candidates: list[tuple[str, str]]) -> dict[str, Signature]:
        ids = [member_id for _, member_id in candidates]
        missing = [member_id for member_id in ids if not self._recent.knows_specifics(member_id)]
        if missing:
            for member_id, found in self._store.specifics(missing).items():
                self._recent.remember_specifics(member_id, found)
        return {member_id: self._recent.signature(member_id) for member_id in ids}

    def _rarity(self, article: Signature, others: Iterable[Signature]) -> Rarity:
        others_keys: set[str] = set()
        for other in others:
            others_keys |= other.names | other.figures
        own = set(article.names | article.figures)
        counts, total = self._frequencies.read(self._store, own, others_keys - own)
        return Rarity(counts, total)


class Frequencies:
    """How many stored articles hold each name and figure, kept between assignments.

    The new article's own keys are read every time. The candidates' keys (about 1,600 for the
    eight closest stories at 100,000 articles, the same ones article after article) are kept
    until the store has grown by `drift` since the oldest of them was read, then all read again
    as they are needed: a key's rarity is the log of a ratio, which 2% more articles barely
    moves. In a store of under 50 articles every key is read every time.
    """

    def __init__(self, drift: float = 0.02, limit: int = 200_000) -> None:
        self._drift = drift
        self._limit = limit
        self._known: dict[str, int] = {}  # key -> articles, read when the store held `_since`
        self._since = 0

    def read(
        self, store: StoryStore, own: set[str], others: set[str]
    ) -> tuple[dict[str, int], int]:
        """The counts of all these keys and the number of stored articles."""
        counts, total = store.document_frequencies(sorted(own))
        if total > self._since * (1 + self._drift) or len(self._known) > self._limit:
            self._known.clear()
            self._since = total
        stale = sorted(others.difference(self._known))
        if stale:
            again, _ = store.document_frequencies(stale)
            self._known.update(again)
        counts.update((key, self._known[key]) for key in others)
        return counts, total


class RecentStories:
    """The articles placed within the window, at most `per_story` of each story (its newest):
    their vectors as rows of one growing matrix (float16, as stored), their stories, and their
    names and figures once read, kept between assignments so that an assignment costs a search
    of at most a window of articles, not a pass over the store.

    A story is compared through its articles of the window only: a story that keeps growing for
    weeks would otherwise keep every article it ever had (in a store of 45,000 articles, 44,000
    were members of stories that grew that week). Rows that leave are masked and the matrix is
    compacted once a quarter of it is masked (the product reads every row). The store is read
    again at most every `resync` seconds, for the articles placed since the last read less
    `REREAD` (other instances' articles, committed a little after their time); this instance's
    own placements are added at once. Between reads another instance's newest articles can be
    missed, which at worst splits one event into two stories.

    A window of `PROJECT_FROM` rows or more is searched in two steps, as `bot.article_index`
    does: first in a `PROJECTED`-dimension projection (the principal directions of the window's
    vectors, fitted again at each compaction), then exactly among the best `CANDIDATES` rows of
    that; with too few stories among those, every row exactly. The exact product read the whole
    window (70 MB as float32 at 34,000 rows) for every article. `bench.scale_ingest` checks the
    two steps against it on the scale store's last week: for 2,000 of its articles the eight
    closest stories were the same, in the same order but for two stories of equal similarity.
    """

    REREAD = timedelta(seconds=30)
    SCAN = 8  # rows looked at per story wanted before falling back to sorting every row
    PROJECTED = 192
    CANDIDATES = 512
    PROJECT_FROM = 1_024  # rows in the window from which the search takes two steps
    FIT_SAMPLE = 8_192

    def __init__(self, resync: float, dimensions: int = DIMENSIONS, *, per_story: int = 24) -> None:
        self._resync = resync
        self._per_story = per_story
        self._synced: datetime | None = None
        self._read_at = 0.0
        self._matrix = np.zeros((0, dimensions), dtype=STORED_DTYPE)
        self._alive = np.zeros(0, dtype=bool)
        self._size = 0  # rows in use, masked ones included
        self._expired = 0  # rows before this one have been checked against the window
        self._story_of_row: list[str] = []
        self._members_by_row: list[str] = []
        self._joined: list[datetime] = []
        self._row: dict[str, int] = {}  # article id -> row
        self._rows: dict[str, list[int]] = {}  # story id -> its rows, oldest first
        self._specifics: dict[str, tuple[_Keys, _Keys]] = {}
        self._basis: Vectors | None = None
        self._fitted_at = 0  # the rows in use when the basis was fitted
        self._projected: Vectors = np.zeros((0, self.PROJECTED), dtype=np.float32)
        self._projected_upto = 0  # rows before this one are in `_projected`

    def reread_from(self, since: datetime) -> datetime | None:
        """From when to read placed articles from the store (None: not now): the window's start
        at first, then the last read's time less REREAD."""
        if self._synced is None:
            self._read_at = time.monotonic()
            return since
        if time.monotonic() - self._read_at < self._resync:
            return None
        self._read_at = time.monotonic()
        return max(since, self._synced - self.REREAD)

    def update(self, fresh: Iterable[Member], since: datetime) -> None:
        """Merge what the store returned and drop the articles that left the window."""
        width = 2 * self._matrix.shape[1]
        for member in fresh:
            blob = member.vector if len(member.vector) == width else bytes(width)
            vector = np.frombuffer(blob, dtype=STORED_DTYPE)
            self._put(member.story_id, member.article_id, vector, member.joined)
        self._expire(since)
        self._synced = max(since, self._synced or since)
        if self._size > 1024 and 4 * (self._size - len(self._row)) > self._size:
            self._compact()

    def add(self, story_id: str, article_id: str, article: Signature, now: datetime) -> None:
        """An article this instance just placed, with its names and figures."""
        self._put(story_id, article_id, article.vector, now)
        if article_id in self._row:
            self._specifics[article_id] = _keys(article.names), _keys(article.figures)
        self._synced = max(now, self._synced or now)

    def closest(self, vector: Vectors, count: int, exclude: str) -> list[str]:
        """The `count` stories with the members most similar to `vector` (best first), not
        counting the article `exclude`."""
        if not self._row:
            return []
        if len(self._row) >= self.PROJECT_FROM:
            stories = self._closest_projected(vector, count, exclude)
            if len(stories) == count:
                return stories
        cosines = self._matrix[: self._size].astype(np.float32) @ vector
        cosines[~self._alive[: self._size]] = -np.inf
        if exclude in self._row:
            cosines[self._row[exclude]] = -np.inf
        wanted = min(self._size, count * self.SCAN)
        top = np.argpartition(-cosines, wanted - 1)[:wanted]
        stories = self._stories_in(top[np.argsort(-cosines[top], kind="stable")], cosines, count)
        if len(stories) < count and wanted < self._size:
            stories = self._stories_in(np.argsort(-cosines, kind="stable"), cosines, count)
        return stories

    def _closest_projected(self, vector: Vectors, count: int, exclude: str) -> list[str]:
        """`closest` among the best rows in projection, ranked by their exact cosines; fewer
        than `count` stories when those rows hold fewer."""
        basis = self._project()
        coarse = self._projected[: self._size] @ (vector @ basis)
        coarse[~self._alive[: self._size]] = -np.inf
        if exclude in self._row:
            coarse[self._row[exclude]] = -np.inf
        rows = np.argpartition(-coarse, self.CANDIDATES - 1)[: self.CANDIDATES]
        rows = rows[coarse[rows] > -np.inf]
        cosines = np.full(self._size, -np.inf, dtype=np.float32)
        cosines[rows] = self._matrix[rows].astype(np.float32) @ vector
        order = rows[np.argsort(-cosines[rows], kind="stable")]
        return self._stories_in(order, cosines, count)

    def _project(self) -> Vectors:
        """The basis, fitted when the window first reached PROJECT_FROM rows or has grown
        fourfold since, with every row in use projected on it."""
        if self._basis is None or self._size >= 4 * self._fitted_at:
            alive = np.flatnonzero(self._alive[: self._size])
            sample = np.random.default_rng(0).choice(
                alive, min(len(alive), self.FIT_SAMPLE), replace=False
            )
            self._basis = principal_basis(self._matrix[np.sort(sample)], self.PROJECTED)
            self._fitted_at, self._projected_upto = self._size, 0
        if len(self._projected) < len(self._matrix):
            projected = np.zeros((len(self._matrix), self.PROJECTED), dtype=np.float32)
            projected[: self._projected_upto] = self._projected[: self._projected_upto]
            self._projected = projected
        start, end = self._projected_upto, self._size
        row_products(self._matrix[start:end], self._basis, out=self._projected[start:end])
        self._projected_upto = self._size
        return self._basis

    def members(self, stories: Iterable[str]) -> list[tuple[str, str]]:
        """(story id, article id) of the members of these stories kept in the window (none for
        a story that has left it)."""
        return [
            (story, self._members_by_row[row])
            for story in stories
            for row in self._rows.get(story, ())
        ]

    def knows_specifics(self, article_id: str) -> bool:
        """Whether a member's names and figures are known."""
        return article_id in self._specifics

    def remember_specifics(self, article_id: str, found: Specifics) -> None:
        """A member's names and figures as read from the store."""
        if article_id in self._row:
            self._specifics[article_id] = _keys(found[0]), _keys(found[1])

    def signature(self, article_id: str) -> Signature:
        """A member's signature (its specifics must be known)."""
        names, figures = self._specifics.get(article_id, ((), ()))
        return Signature(
            self._matrix[self._row[article_id]].astype(np.float32),
            frozenset(names),
            frozenset(figures),
        )

    def _stories_in(self, rows: Iterable[int], cosines: Vectors, count: int) -> list[str]:
        stories: dict[str, None] = {}
        for row in rows:
            if cosines[row] == -np.inf or len(stories) == count:
                break
            stories.setdefault(self._story_of_row[row])
        return list(stories)

    def _put(self, story: str, article_id: str, vector: Vectors, joined: datetime) -> None:
        if article_id in self._row:
            return
        if self._size == len(self._matrix):
            self._grow()
        row = self._size
        self._matrix[row] = vector
        self._alive[row] = True
        self._story_of_row.append(story)
        self._members_by_row.append(article_id)
        self._joined.append(joined)
        self._row[article_id] = row
        rows = self._rows.setdefault(story, [])
        rows.append(row)
        self._size += 1
        if len(rows) > self._per_story:
            self._mask(rows[0])

    def _expire(self, since: datetime) -> None:
        """Mask the rows placed before `since` (rows come in placement order, near enough)."""
        while self._expired < self._size and self._joined[self._expired] < since:
            if self._alive[self._expired]:
                self._mask(self._expired)
            self._expired += 1

    def _mask(self, row: int) -> None:
        self._alive[row] = False
        member = self._members_by_row[row]
        self._row.pop(member, None)
        self._specifics.pop(member, None)
        story = self._story_of_row[row]
        rows = self._rows[story]
        rows.remove(row)
        if not rows:
            del self._rows[story]

    def _grow(self) -> None:
        capacity = max(1024, 2 * len(self._matrix))
        matrix = np.zeros((capacity, self._matrix.shape[1]), dtype=STORED_DTYPE)
        matrix[: self._size] = self._matrix[: self._size]
        alive = np.zeros(capacity, dtype=bool)
        alive[: self._size] = self._alive[: self._size]
        self._matrix, self._alive = matrix, alive

    def _compact(self) -> None:
        keep = [row for row in range(self._size) if self._alive[row]]
        self._matrix = self._matrix[keep].copy()
        self._alive = np.ones(len(keep), dtype=bool)
        self._story_of_row = [self._story_of_row[row] for row in keep]
        self._members_by_row = [self._members_by_row[row] for row in keep]
        self._joined = [self._joined[row] for row in keep]
        self._size = len(keep)
        self._expired = 0
        self._basis, self._projected_upto = None, 0  # fitted again on the rows kept
        self._row = {member: row for row, member in enumerate(self._members_by_row)}
        self._rows = {}
        for row, story in enumerate(self._story_of_row):
            self._rows.setdefault(story, []).append(row)


def _keys(found: frozenset[str]) -> _Keys:
    return tuple(sys.intern(key) for key in found)
