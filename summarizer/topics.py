"""Topic matching: does an article speak about a free-text topic ("Europe expansion"), and where?

A topic is scored against an article's title and sentences (key points, fact sentences) two ways:

- semantic: the multilingual embedding of the topic against the article's mean vector and its
  best sentence, so "Europe expansion" reaches a Dutch article about "uitbreiding" in "Europa".
  The similarity is read relative to ordinary news: a z-score against the topic's similarity to
  `BACKGROUND`, a fixed set of everyday headlines, so a topic that is close to everything
  ("news") needs more than one that is close to nothing ("battery recycling").
- lexical: the share of the topic's content words (lemmas, stop words dropped) the article uses,
  counting derived forms ("Europe"/"European") and place names in any language ("Europa",
  "Duitsland") through the gazetteer.

With a history of at least `min_history` stored article vectors (a "warm" store), three things
change: the topic is widened by pseudo-relevance feedback (its vector moves towards the mean of the
stored articles closest to it, so "Sports" takes the vocabulary sports news actually uses), each
article's similarity is smoothed with that of its nearest stored articles, and the z-score is read
against the store's own news instead of `BACKGROUND`.

Both thresholds were calibrated by bench/alerts.py on one half of AG News and SIB-200 and are
reported on the other half: the warm one for the best F1, the cold one (no history, so less
comparable scores) for precision first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

import numpy as np

from summarizer.embeddings import (
    Embedder,
    StoredVectors,
    Vectors,
    mean_vector,
    normalise_rows,
    row_products,
)
from summarizer.errors import SummarizerError
from summarizer.gazetteer import lookup_place
from summarizer.language import detect_language
from summarizer.sentences import words
from summarizer.terms import content_terms

MAX_TOPIC_CHARS = 200
MAX_UNITS = 80
MIN_PREFIX = 6  # "europe" ~ "european"; "press" is not "president"
SAME_ARTICLE = 0.999  # a stored article is not its own neighbour


class TopicError(SummarizerError):
    """The text cannot be used as a topic: empty, too long, or without a content word."""


@dataclass(frozen=True, slots=True)
class TopicOptions:
    """How the score is made and where a match starts.

    `threshold` applies with a store history of at least `min_history` articles (the topic is
    then widened and scores are smoothed over similar stored articles), `cold_threshold` without
    one. Both were calibrated by bench/alerts.py (see there for how).
    """

    threshold: float = 0.65
    cold_threshold: float = 1.85
    lexical_weight: float = 2.0
    best_sentence_weight: float = 0.5
    expansion_neighbours: int = 30
    expansion_weight: float = 2.0
    neighbours: int = 10
    neighbour_weight: float = 0.5
    min_history: int = 200
    min_spread: float = 0.02


@dataclass(frozen=True, slots=True)
class TopicDocument:
    """What a topic is matched against: an article's title and its sentences, in `language`."""

    title: str
    sentences: Sequence[str]
    language: str = "und"

    @property
    def units(self) -> list[str]:
        """The title and sentences, without blanks and repeats, at most `MAX_UNITS`."""
        texts = (" ".join(text.split()) for text in (self.title, *self.sentences))
        return [text for text in dict.fromkeys(texts) if text][:MAX_UNITS]


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """How well an article matches a topic: `score` against the threshold gives `matched`;
    `sentence` is the article's text that matched best (the "why")."""

    score: float
    matched: bool
    sentence: str
    lexical: float
    semantic: float


@dataclass(frozen=True, slots=True)
class TopicTerm:
    """One content word of a topic: the forms it matches and the place it names, if any."""

    forms: frozenset[str]
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic prepared for scoring: its text, terms and vector, and its baseline (mean and
    spread of its similarity to ordinary news: the store's history, else `BACKGROUND`).

    With a history, `history` holds the stored article vectors (float16 as stored, or float32)
    and `history_similarity` the topic's similarity to each; without one both are None.
    """

    text: str
    terms: tuple[TopicTerm, ...]
    vector: Vectors = field(repr=False)
    baseline: float
    spread: float
    history: StoredVectors | None = field(default=None, repr=False)
    history_similarity: Vectors | None = field(default=None, repr=False)


class TopicMatcher:
    """Scores articles against topics with an `Embedder`; thread-safe if the embedder is."""

    def __init__(self, embedder: Embedder, options: TopicOptions | None = None) -> None:
        self._embedder = embedder
        self.options = options or TopicOptions()

    @property
    def dimensions(self) -> int:
        """The length of the embedder's vectors (and of a history's rows)."""
        return self._embedder.dimensions

    @cached_property
    def _background(self) -> Vectors:
        return self._embedder.encode(BACKGROUND)

    def prepare(self, text: str, history: StoredVectors | None = None) -> Topic:
        """Read `text` as a topic against `history`, the stored article vectors (used when
        there are at least `min_history`). Raises `TopicError` for empty, over-long or
        content-free text."""
        clean = _topic_text(text)
        terms = topic_terms(clean)
        vector = self._embedder.encode([clean])[0]
        if history is None or len(history) < self.options.min_history:
            baseline, spread = self._baseline(self._background @ vector)
            return Topic(clean, terms, vector, baseline, spread)
        vector = self._expand(vector, history)
        similarity = row_products(history, vector)
        return Topic(clean, terms, vector, *self._baseline(similarity), history, similarity)

    def score(self, topic: Topic | str, document: TopicDocument) -> TopicMatch:
        """How well `document` matches `topic`."""
        return self.score_many(topic, [document])[0]

    def score_many(
        self,
        topic: Topic | str,
        documents: Sequence[TopicDocument],
        *,
        history_rows: Sequence[int | None] = (),
    ) -> list[TopicMatch]:
        """`score` for many documents, their sentences embedded in one batch.

        `history_rows` gives, per document, its own row in the topic's history (None if it is
        not there), so that a stored article is never its own neighbour.
        """
        prepared = topic if isinstance(topic, Topic) else self.prepare(topic)
        if not documents:
            return []
        units = [document.units or ["-"] for document in documents]
        vectors = self._embedder.encode([text for group in units for text in group])
        bounds = np.cumsum([0, *(len(group) for group in units)])
        groups = [vectors[a:b] for a, b in pairwise(bounds)]
        rows = [*history_rows, *([None] * (len(documents) - len(history_rows)))]
        semantic = self._semantic(prepared, groups, rows)
        return [
            self._match(prepared, document, group, own, float(meaning))
            for document, group, own, meaning in zip(
                documents, units, groups, semantic, strict=True
            )
        ]

    def _semantic(self, topic: Topic, groups: list[Vectors], rows: Sequence[int | None]) -> Vectors:
        """Each document's meaning score: its mean vector's similarity to the topic (smoothed
        over its closest stored articles) mixed with its best sentence's, as a z-score."""
        means = np.vstack([mean_vector(group) for group in groups])
        article = means @ topic.vector
        if topic.history is not None and topic.history_similarity is not None:
            closeness = row_products(topic.history, means.T).T
            for document, row in enumerate(rows):
                if row is not None:
                    closeness[document, row] = -np.inf
            article = self._smooth(article, closeness, topic.history_similarity)
        best = np.array([float(np.max(group @ topic.vector)) for group in groups])
        weight = self.options.best_sentence_weight
        mixed = (1 - weight) * article + weight * best
        result: Vectors = ((mixed - topic.baseline) / topic.spread).astype(np.float32)
        return result

    def _smooth(self, article: Vectors, closeness: Vectors, similarity: Vectors) -> Vectors:
        """Mix each document's similarity with that of its nearest stored articles (not
        itself): one article alone is a noisy witness of what it is about."""
        closeness[closeness >= SAME_ARTICLE] = -np.inf
        count = min(self.options.neighbours, closeness.shape[1])
        nearest = np.argpartition(-closeness, count - 1, axis=1)[:, :count]
        weight = self.options.neighbour_weight
        smoothed: Vectors = (1 - weight) * article + weight * similarity[nearest].mean(axis=1)
        return smoothed

    def _match(
        self,
        topic: Topic,
        document: TopicDocument,
        units: list[str],
        vectors: Vectors,
        semantic: float,
    ) -> TopicMatch:
        options = self.options
        lexical = coverage(topic.terms, units, document.language)
        score = semantic + options.lexical_weight * lexical
        threshold = options.threshold if topic.history is not None else options.cold_threshold
        sentence = _why(topic, units, vectors @ topic.vector, document.language)
        return TopicMatch(score, score >= threshold, sentence, lexical, semantic)

    def _baseline(self, similarity: Vectors) -> tuple[float, float]:
        return float(similarity.mean()), max(float(similarity.std()), self.options.min_spread)

    def _expand(self, vector: Vectors, history: StoredVectors) -> Vectors:
        """Pseudo-relevance feedback: move the topic towards its closest stored articles."""
        similarities = row_products(history, vector)
        count = min(self.options.expansion_neighbours, len(history))
        closest = np.argpartition(-similarities, count - 1)[:count]
        feedback = mean_vector(history[closest].astype(np.float32))
        widened = normalise_rows((vector + self.options.expansion_weight * feedback)[None])
        result: Vectors = widened[0]
        return result


def topic_terms(text: str) -> tuple[TopicTerm, ...]:
    """The content words of a topic with the forms they match; raises `TopicError` if none.

    A word is a stop word if it is one in English or in the topic's guessed language (a short
    topic's language is often uncertain); two words that name a place ("New York") are one term.
    """
    guess = detect_language(text)
    languages = tuple(code for code in dict.fromkeys([guess.code, "en"]) if code != "und")
    tokens = words(text, languages[0])
    terms: dict[str, TopicTerm] = {}
    for index, word in enumerate(tokens):
        pair = " ".join(tokens[index : index + 2])
        if index + 1 < len(tokens) and (place := _place(pair)) is not None:
            terms[pair.casefold()] = TopicTerm(frozenset({pair.casefold()}), place)
            continue
        lemmas = [content_terms(word, language) for language in languages]
        if all(lemmas) and not _in_pair(word, terms):
            forms = frozenset({word.casefold(), *(lemma for found in lemmas for lemma in found)})
            terms.setdefault(word.casefold(), TopicTerm(forms, _place(word)))
    if not terms:
        raise TopicError(
            "give a topic in words that carry meaning, for example “battery recycling”"
        )
    return tuple(terms.values())


def _in_pair(word: str, terms: dict[str, TopicTerm]) -> bool:
    """Whether `word` ends a two-word place already taken as one term."""
    return any(" " in key and key.endswith(" " + word.casefold()) for key in terms)


def coverage(terms: Sequence[TopicTerm], units: Iterable[str], language: str) -> float:
    """The share of `terms` that the texts use (as a word, a derived form or a place)."""
    if not terms:
        return 0.0
    vocabulary = _vocabulary(units, language)
    places = {place for word in vocabulary if (place := _place(word)) is not None}
    found = sum(1 for term in terms if _found(term, vocabulary, places))
    return found / len(terms)


def _found(term: TopicTerm, vocabulary: set[str], places: set[str]) -> bool:
    if term.place is not None and term.place in places:
        return True
    if term.forms & vocabulary:
        return True
    return any(_derived(form, word) for form in term.forms for word in vocabulary)


def _derived(a: str, b: str) -> bool:
    """Whether one word starts with the other and the shorter is long enough to mean it."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= MIN_PREFIX and long.startswith(short)


def _vocabulary(units: Iterable[str], language: str) -> set[str]:
    """Every word of the texts, lower-cased, with its lemma, and every two-word sequence."""
    found: set[str] = set()
    lang = language if language != "und" else "en"
    for unit in units:
        tokens = [w.casefold() for w in words(unit, lang)]
        found.update(tokens)
        found.update(" ".join(pair) for pair in pairwise(tokens))
        found.update(content_terms(unit, lang))
    return found


def _why(topic: Topic, units: list[str], similarities: Vectors, language: str) -> str:
    """The unit that matched best: most similar, with a bonus for the topic's own words."""
    scores = [
        float(similarity) + coverage(topic.terms, [unit], language)
        for unit, similarity in zip(units, similarities, strict=True)
    ]
    return units[int(np.argmax(scores))]


def _place(word: str) -> str | None:
    place = lookup_place(word)
    return place.name if place is not None else None


def _topic_text(text: str) -> str:
    clean = " ".join(text.split())
    if not clean:
        raise TopicError("give a topic, for example “battery recycling”")
    if len(clean) > MAX_TOPIC_CHARS:
        raise TopicError(f"a topic is at most {MAX_TOPIC_CHARS} characters; shorten it")
    return clean


# Everyday news, one headline per line, written for this module: what a topic's similarity to
# "ordinary news" is measured against. Broad on purpose (politics, economy, companies,
# technology, science, health, sports, culture, weather, crime, education, energy, transport,
# travel, conflict, society), so no topic sits close to all of it.
BACKGROUND: tuple[str, ...] = tuple(
    line.strip()
    for line in """
    Parliament passes budget after late-night vote
    Prime minister faces confidence vote over housing plan
    Opposition leader calls for early elections
    City council approves new bus lanes downtown
    Central bank holds interest rates steady
    Inflation eases for third month in a row
    Unemployment rises as factories cut jobs
    Stock markets fall on fears of slower growth
    Retailer reports record holiday sales
    Airline raises fares as fuel costs climb
    Carmaker recalls thousands of vehicles over brake fault
    Tech company unveils new smartphone with longer battery life
    Software update fixes security flaw in popular browser
    Hackers steal customer data from online shop
    Startup raises funding to build delivery robots
    Scientists discover new species of frog in rainforest
    Space agency launches probe to study distant moon
    Researchers find link between sleep and memory
    Hospital waiting lists grow despite extra funding
    New vaccine shows promise in early trials
    Doctors warn of rising flu cases this winter
    Health officials urge people to exercise more
    Striker scores twice as home team wins derby
    Tennis champion knocked out in first round
    Cyclist takes lead after mountain stage
    National team qualifies for the World Cup
    Coach sacked after string of defeats
    Film festival opens with premiere of historical drama
    Singer announces world tour next spring
    Museum reopens after two-year renovation
    Popular television series returns for final season
    Actor wins award for role in independent film
    Storm brings heavy rain and flooding to coastal towns
    Heatwave breaks temperature records across the region
    Earthquake damages buildings but causes no deaths
    Drought threatens harvest as rivers run low
    Police arrest suspect after bank robbery
    Court sentences former mayor for corruption
    Trial opens in high-profile murder case
    Fire destroys warehouse near the harbour
    Teachers strike over pay and working conditions
    University raises tuition fees for foreign students
    Schools to teach coding from age seven
    Government announces plan to cut carbon emissions
    Wind farm to power thousands of homes
    Oil prices jump after supply cuts
    Electricity bills set to rise again next year
    Farmers protest against new rules on fertiliser
    Supermarket chain cuts prices on basic foods
    Train services disrupted by signal failure
    New airport terminal opens to passengers
    Road closed after lorry crash on motorway
    Tourists return to beaches as summer season starts
    Hotel bookings rise ahead of holiday weekend
    Ceasefire talks resume as fighting continues
    Refugees cross border to escape conflict
    Foreign ministers meet to discuss trade deal
    President visits neighbouring country for summit
    United Nations calls for aid to reach civilians
    Protesters gather outside embassy
    Royal family celebrates birth of new prince
    Charity raises money for homeless shelter
    Volunteers clean up plastic from the beach
    Population of the capital grows past two million
    Housing prices climb as supply falls short
    Bank fined for failing to stop money laundering
    Merger creates the country's largest telecom group
    Company shares surge after strong quarterly results
    Factory closes and hundreds lose their jobs
    Chess prodigy becomes youngest grandmaster
    Marathon runner sets new course record
    Art auction sets record price for painting
    Novelist wins literary prize for debut book
    Zoo welcomes baby elephant
    Archaeologists uncover ancient Roman villa
    Mountain climbers rescued after avalanche
    Ferry service suspended because of high winds
    Minister resigns after expenses scandal
    Referendum on independence set for autumn
    New law bans smoking in public parks
    Pension age to rise gradually over ten years
    Social media platform removes fake accounts
    Video game sales hit record during lockdown
    Electric scooters banned from pavements
    Study finds children spend more time on screens
    Scientists warn coral reefs are dying
    Satellite images show shrinking glaciers
    Bird flu outbreak forces culling of poultry
    Water company fined for sewage spills
    """.strip().splitlines()
)
