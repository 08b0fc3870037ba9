"""Content-Encoding decoding with bounded steps: a 1 KiB gzip bomb never becomes 1 GiB at once."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from connectors.errors import FetchError
from connectors.settings import ACCEPTED_ENCODINGS, DECODE_STEP_BYTES


class BoundedDecoder:
    """Decode one gzip/deflate layer in steps of at most DECODE_STEP_BYTES of output."""

    def __init__(self, url: str, header: str) -> None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise FetchError("unsupported_encoding", url, f"stacked encodings {header!r} refused")
        if codings and codings[0] not in ACCEPTED_ENCODINGS:
            raise FetchError("unsupported_encoding", url, f"encoding {codings[0]!r} refused")
        self._url = url
        self._coding = codings[0] if codings else "identity"
        self._inflater: Any = None

    @property
    def identity(self) -> bool:
        """True when the body is not encoded (its Content-Length is then its decoded size)."""
        return self._coding == "identity"

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded pieces of one raw chunk, each at most DECODE_STEP_BYTES long.

        Raises:
            FetchError: ``decode_error`` for data that is not valid gzip/deflate.
        """
        if self.identity:
            yield data
            return
        try:
            pending = False
            while data or pending:
                if self._inflater is None:
                    self._inflater = zlib.decompressobj(self._wbits(data))
                out = self._inflater.decompress(data, DECODE_STEP_BYTES)
                if out:
                    yield out
                # A full step may leave output inside zlib even when all input was consumed.
                pending = len(out) == DECODE_STEP_BYTES
                if self._inflater.eof:
                    data = self._inflater.unused_data.lstrip(b"\0")  # next gzip member
                    self._inflater = None
                    pending = False
                else:
                    data = self._inflater.unconsumed_tail
        except zlib.error as error:
            raise FetchError(
                "decode_error", self._url, f"bad {self._coding} data: {error}"
            ) from None

    def _wbits(self, data: bytes) -> int:
        if self._coding in ("gzip", "x-gzip"):
            return 16 + zlib.MAX_WBITS
        # "deflate" is zlib-wrapped by the RFC but raw in practice often enough to accept both.
        is_zlib = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS
