"""Article vectors on disk: float16 bytes, half the size of float32, enough for cosine ranking."""

from __future__ import annotations

import numpy as np

from summarizer.embeddings import Vectors


def pack_vector(vector: Vectors) -> bytes:
    """The bytes stored for one unit vector."""
    return np.asarray(vector, dtype="<f2").tobytes()


def unpack_vectors(blobs: list[bytes], dimensions: int) -> Vectors:
    """A (len(blobs), dimensions) float32 matrix; a blob of the wrong size becomes a zero row."""
    matrix = np.zeros((len(blobs), dimensions), dtype=np.float32)
    for row, blob in enumerate(blobs):
        if len(blob) == 2 * dimensions:
            matrix[row] = np.frombuffer(blob, dtype="<f2")
    return matrix
