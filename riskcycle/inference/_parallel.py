"""Chunked streams and threads, now in the shared :mod:`riskcycle._parallel` (re-exported)."""

from .._parallel import chunk_streams, run_chunks

__all__ = ["chunk_streams", "run_chunks"]
