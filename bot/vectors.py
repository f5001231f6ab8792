"""Article vectors on disk: float16 bytes, half the size of float32, enough for cosine ranking."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from summarizer.embeddings import Embedder, Vectors

STORED_DTYPE = "<f2"  # how vectors are stored, and kept in memory by the indexes over them


def pack_vector(vector: Vectors) -> bytes:
    """The bytes stored for one unit vector."""
    return np.asarray(vector, dtype=STORED_DTYPE).tobytes()


def stored_or_embedded(
    blobs: Sequence[bytes | None], texts: Sequence[str], embedder: Embedder
) -> Vectors:
    """The embeddings of `texts`: unpacked from their stored blob where there is one of the
    right size, made by `embedder` for the others (in one call)."""
    dimensions = embedder.dimensions
    vectors = np.zeros((len(texts), dimensions), dtype=np.float32)
    missing = []
    for row, blob in enumerate(blobs):
        if blob is not None and len(blob) == 2 * dimensions:
            vectors[row] = np.frombuffer(blob, dtype=STORED_DTYPE)
        else:
            missing.append(row)
    if missing:
        vectors[missing] = embedder.encode([texts[row] for row in missing])
    return vectors


def principal_basis(sample: Vectors, dimensions: int) -> Vectors:
    """A (columns, `dimensions`) projection onto the top eigenvectors of the sample rows' second
    moments: the directions that keep the rows' dot products best."""
    rows = np.asarray(sample, dtype=np.float64)
    _, vectors = np.linalg.eigh(rows.T @ rows)
    return np.ascontiguousarray(vectors[:, ::-1][:, :dimensions], np.float32)


def unpack_vectors(blobs: list[bytes], dimensions: int) -> Vectors:
    """A (len(blobs), dimensions) float32 matrix; a blob of the wrong size becomes a zero row."""
    matrix = np.zeros((len(blobs), dimensions), dtype=np.float32)
    for row, blob in enumerate(blobs):
        if len(blob) == 2 * dimensions:
            matrix[row] = np.frombuffer(blob, dtype=STORED_DTYPE)
    return matrix
