"""The numpy MiniLM encoder must give the vectors sentence-transformers gives, without PyTorch."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from opmodel.embedding import DIMENSION, MiniLMEmbedder, SentenceTransformerEmbedder, default_embedder

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "Who pays for the practice phone system?",
    "GP telephony remains a practice responsibility.",
    "x",
    "Lot 2: Additional GP IT services – suppliers who offer or plan to offer additional GP IT services " * 20,
]


def test_numpy_encoder_matches_sentence_transformers():
    ours = default_embedder().embed(TEXTS)
    reference = SentenceTransformerEmbedder().embed(TEXTS)
    assert ours.shape == reference.shape == (len(TEXTS), DIMENSION)
    assert ours.dtype == np.float32
    assert np.abs(ours - reference).max() <= 1e-5


def test_a_big_batch_matches_one_text_at_a_time():
    # Many texts of mixed lengths: sorted into padded batches, several threads; same vectors.
    texts = [f"{TEXTS[i % 3]} {i}" for i in range(40)] + [TEXTS[3]]
    together = MiniLMEmbedder(batch_size=8).embed(texts)
    one_by_one = np.vstack([default_embedder().embed([t]) for t in texts])
    assert np.abs(together - one_by_one).max() <= 1e-5


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


def test_embedding_never_imports_torch():
    script = (
        "import sys\n"
        "from opmodel.embedding import default_embedder\n"
        "assert default_embedder().embed(['Who pays for the phones?']).shape == (1, 384)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
