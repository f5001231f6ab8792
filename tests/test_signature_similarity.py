"""Story similarity, scored in a batch, is the definition: the weighted mix of the cosine and the
rarity-weighted Jaccard overlaps of names and figures."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.signature import Rarity, Signature, similarities, similarity

KEYS = [f"person:p{i}" for i in range(6)] + [f"money:EUR {i}" for i in range(6)]
key_sets = st.frozensets(st.sampled_from(KEYS), max_size=6)


@st.composite
def signatures(draw: st.DrawFn) -> Signature:
    seed = draw(st.integers(0, 2**32 - 1))
    vector = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    names = draw(key_sets.map(lambda keys: frozenset(k for k in keys if k.startswith("person"))))
    figures = draw(key_sets.map(lambda keys: frozenset(k for k in keys if k.startswith("money"))))
    return Signature(vector / np.linalg.norm(vector), names, figures)


@settings(max_examples=200, deadline=None)
@given(
    article=signatures(),
    others=st.lists(signatures(), max_size=8),
    counts=st.dictionaries(st.sampled_from(KEYS), st.integers(0, 50)),
    documents=st.integers(0, 60),
)
def test_scoring_many_members_follows_the_definition(
    article: Signature, others: list[Signature], counts: dict[str, int], documents: int
) -> None:
    rarity = Rarity(counts, documents)
    defined = [defined_similarity(article, other, rarity) for other in others]
    scored = similarities(article, others, rarity)
    assert np.allclose(scored, defined, rtol=0, atol=1e-6)  # float32 cosines
    one_by_one = [similarity(article, other, rarity) for other in others]
    assert np.allclose(one_by_one, defined, rtol=0, atol=1e-6)


def defined_similarity(a: Signature, b: Signature, rarity: Rarity) -> float:
    """0.7 cosine + 0.2 names overlap + 0.1 figures overlap, each overlap the rarity weight of
    the shared keys over that of the union (0 for no keys)."""

    def overlap(x: frozenset[str], y: frozenset[str]) -> float:
        union = sum(rarity(key) for key in x | y)
        return sum(rarity(key) for key in x & y) / union if union > 0 else 0.0

    cosine = float(np.clip(float(a.vector @ b.vector), -1.0, 1.0))
    return 0.7 * cosine + 0.2 * overlap(a.names, b.names) + 0.1 * overlap(a.figures, b.figures)


def test_shared_rare_names_score_higher_than_shared_common_ones() -> None:
    """The weighing survives the batch path: sharing a rare name beats sharing a common one."""
    vector = np.zeros(512, dtype=np.float32)
    vector[0] = 1.0
    article = Signature(vector, frozenset({"person:rare", "place:common"}), frozenset())
    rare = Signature(vector, frozenset({"person:rare", "person:x"}), frozenset())
    common = Signature(vector, frozenset({"place:common", "person:x"}), frozenset())
    rarity = Rarity({"person:rare": 1, "place:common": 900, "person:x": 5}, 1_000)
    with_rare, with_common = similarities(article, [rare, common], rarity)
    assert with_rare > with_common
