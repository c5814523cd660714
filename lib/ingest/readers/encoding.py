"""Text encodings: detect a file's encoding (BOM, UTF-16 zero bytes, UTF-8 validity), re-encode
other encodings as UTF-8, and spot binary data posing as text.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

from lib.ingest.header_names import norm_header
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
        return single_byte_encoding(sample)
    return "utf-8"


#: The Windows code pages a spreadsheet saves CSV in: Western, Central European (Polish,
#: Czech), Cyrillic. The first is the default (a byte it leaves undefined makes it latin-1
#: when the file is decoded).
SINGLE_BYTE = ("cp1252", "cp1250", "cp1251")
_NAMES = {"cp1252": "Western", "cp1250": "Central European", "cp1251": "Cyrillic"}


def described(encoding: str) -> str:
    """An encoding as the import report names it.

    >>> described("cp1250")
    'cp1250, Windows Central European'
    """
    name = _NAMES.get(encoding)
    return f"{encoding}, Windows {name}" if name else encoding


def single_byte_encoding(sample: bytes, header: bytes | None = None) -> str:
    """The Windows code page that reads ``sample`` most plausibly: the most header names the
    importer knows (``header``: the file's first line, when ``sample`` is not its start),
    then clearly fewer garbled words (:func:`_garbled`: at least two fewer and at most half
    of cp1252's); cp1252 otherwise. Only the lines of ``sample`` that are not UTF-8 count (a
    UTF-8 file with one line saved otherwise).

    >>> single_byte_encoding("Agent;Stav\\nPaweł Żak;Otwarte\\n".encode("cp1250"))
    'cp1250'
    >>> single_byte_encoding("Agent;Status\\nJosé Müller;Fermé «x»\\n".encode("cp1252"))
    'cp1252'
    >>> single_byte_encoding("Агент;Статус\\nИван;Открыт\\n".encode("cp1251"))
    'cp1251'
    """
    first = (header if header is not None else sample).split(b"\n", 1)[0]
    lines = b"\n".join(line for line in sample.split(b"\n") if not _is_utf8(line))
    scores = {
        encoding: (
            _known_names(first.decode(encoding, errors="replace")),
            _garbled(lines.decode(encoding, errors="replace")),
        )
        for encoding in SINGLE_BYTE
    }
    garbled = scores["cp1252"][1]
    best = "cp1252"
    for encoding, (n, g) in scores.items():
        clearly = g + 2 <= garbled and 2 * g <= garbled
        if n > scores[best][0] or (n == scores[best][0] and clearly and g < scores[best][1]):
            best = encoding
    return best


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_CELL = re.compile(r"[;,\t|]")


@cache
def _header_names() -> frozenset[str]:
    from lib.ingest.languages import header_words  # on first use: a rare path

    return frozenset(name for names in header_words().values() for name in names)


def _known_names(line: str) -> int:
    """Header cells with a letter beyond ASCII that the importer knows by name."""
    names = _header_names()
    cells = (norm_header(c) for c in _CELL.split(line))
    return sum(1 for c in cells if c and not c.isascii() and c in names)


#: Non-letters that stand next to letters in any text (quotes, dashes, signs).
_PUNCT = frozenset("«»„“”‘’–—…•€°§©®™¿¡")


def _garbled(text: str) -> int:
    """Words a wrong code page makes: a symbol against a letter ("Pawe³", "¯ak"), Latin and
    Cyrillic letters in one word, three accented Latin letters in a row ("Ïðèâåò")."""
    bad = 0
    for word in text.split():
        if word.isascii():
            continue
        for i, ch in enumerate(word):
            if ch.isascii() or ch.isalpha() or ch in _PUNCT:
                continue
            if ch in "²³" and word[i - 1 : i] == "m":  # "m³", "cm²": a unit, not garbling
                continue
            if (i and word[i - 1].isalpha()) or (i + 1 < len(word) and word[i + 1].isalpha()):
                bad += 1
                break
        cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in word)
        bad += cyrillic and any(ch.isascii() and ch.isalpha() for ch in word)
        if not cyrillic and re.search(r"[^\x00-\x7f]{3}", word):
            bad += 1
    return bad


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
