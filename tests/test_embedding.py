"""The fast MiniLM encoder must give the vectors sentence-transformers gives."""

import numpy as np
import pytest

from opmodel.embedding import DIMENSION, MiniLMEmbedder, SentenceTransformerEmbedder, default_embedder

TEXTS = [
    "Who pays for the practice phone system?",
    "GP telephony remains a practice responsibility.",
    "x",
    "Lot 2: Additional GP IT services – suppliers who offer or plan to offer additional GP IT services " * 20,
]


def test_fast_encoder_matches_sentence_transformers():
    fast = default_embedder().embed(TEXTS)
    reference = SentenceTransformerEmbedder().embed(TEXTS)
    assert fast.shape == reference.shape == (len(TEXTS), DIMENSION)
    assert np.abs(fast - reference).max() < 1e-5


def test_vectors_are_unit_length_and_order_is_kept():
    vectors = default_embedder().embed(TEXTS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    single = default_embedder().embed([TEXTS[1]])[0]
    assert np.allclose(vectors[1], single, atol=1e-5)


def test_empty_input_gives_empty_matrix():
    assert default_embedder().embed([]).shape == (0, DIMENSION)


def test_bad_batch_size_names_the_value():
    with pytest.raises(ValueError, match="got 0"):
        MiniLMEmbedder(batch_size=0)
