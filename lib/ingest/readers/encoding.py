"""Text encodings: detect a file's encoding (BOM, UTF-16 zero bytes, UTF-8 validity), re-encode
other encodings as UTF-8, and spot binary data posing as text.
"""

from __future__ import annotations

import codecs

from lib.ingest.readers._common import _CHUNK

#: Bytes of a delimited file looked at to choose encoding, delimiter and header.
SAMPLE_BYTES = 64 * 1024


def _detect_encoding(data: bytes) -> str:
    """Guess the encoding from a BOM, a UTF-16 zero-byte pattern, or UTF-8 validity."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    half = len(head) // 2
    if half >= 2:
        even_zero, odd_zero = head[0::2].count(0), head[1::2].count(0)
        if odd_zero > 0.3 * half and even_zero < 0.05 * half:
            return "utf-16-le"
        if even_zero > 0.3 * half and odd_zero < 0.05 * half:
            return "utf-16-be"
    sample = data[:SAMPLE_BYTES]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(data) <= SAMPLE_BYTES)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _transcode(data: bytes, encoding: str) -> tuple[bytes, str]:
    """Re-encode non-UTF-8 text as UTF-8; returns the bytes and the encoding really used."""
    if encoding == "cp1252":
        try:
            return data.decode("cp1252").encode("utf-8"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1").encode("utf-8"), "latin-1"
    text = data.decode(encoding, errors="replace")
    return text.lstrip("\ufeff").encode("utf-8"), encoding


def _looks_binary(sample: bytes) -> bool:
    """True when a text sample holds control bytes that no export contains."""
    if not sample:
        return False
    controls = sum(sample.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)) if b != 27)
    return controls > max(2, 0.01 * len(sample))


def _utf8_error_position(data: bytes) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence, checked in chunks (no big str)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for off in range(0, len(data), _CHUNK * 8):
        chunk = data[off : off + _CHUNK * 8]
        try:
            decoder.decode(chunk, final=off + len(chunk) >= len(data))
        except UnicodeDecodeError as exc:
            return off + exc.start
    return None
