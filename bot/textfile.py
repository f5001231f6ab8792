"""Read a file as article text, safely: a size cap, encoding detection, binary and empty checks."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import CharsetMatch, from_bytes

from bot.errors import InputError
from bot.models import SourceText, TextFormat

MEGABYTE = 1_000_000
DEFAULT_MAX_BYTES = 25 * MEGABYTE

HTML_SUFFIXES = frozenset({".html", ".htm"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt"})
ARTICLE_SUFFIXES = HTML_SUFFIXES | MARKDOWN_SUFFIXES | TEXT_SUFFIXES

BINARY = "looks like a binary file, not text"

# Longest byte order marks first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_CONTROL_RATIO = 0.01


class NotTextError(ValueError):
    """The bytes are not text in any encoding we can recognise; the message says why."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Limits for reading article files."""

    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes, with the encoding that was used."""

    text: str
    encoding: str


DEFAULT_READ_OPTIONS = ReadOptions()


def text_format(path: Path) -> TextFormat:
    """The article format implied by a file name: html, markdown or (anything else) text."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def read_text_file(path: Path, options: ReadOptions = DEFAULT_READ_OPTIONS) -> SourceText:
    """Read `path` as article text; raise `InputError` naming the file and the reason."""
    data = _read_capped(path, options.max_bytes)
    try:
        decoded = decode_bytes(data)
    except NotTextError as error:
        raise InputError(f"{path} {error}") from None
    if not decoded.text.strip():
        raise InputError(f"{path} is empty, so there is nothing to summarise")
    return SourceText(source=str(path), text=decoded.text, fmt=text_format(path))


def decode_bytes(data: bytes) -> DecodedText:
    """Decode bytes to text: a byte order mark, then strict UTF-8, then the best guess.

    Raises `NotTextError` when the bytes look binary. Line endings come out as "\\n".
    """
    decoded = _decode(data)
    if _looks_binary(decoded.text):
        raise NotTextError(BINARY)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, decoded.encoding)


def _read_capped(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path} is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit; "
                "raise [ingest] max_file_mb in newsbot.toml to read it"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise InputError(f"{path} cannot be read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(f"{path} grew past the {_megabytes(max_bytes)} limit while being read")
    return data


def _megabytes(size: int) -> str:
    if size < MEGABYTE // 10:
        return f"{size:,} bytes"
    return f"{size / MEGABYTE:.1f} MB".replace(".0 MB", " MB")


def _decode(data: bytes) -> DecodedText:
    bom_encoding = _bom_encoding(data)
    if bom_encoding is not None:
        return _strict(
            data, bom_encoding, f"is not valid {bom_encoding} despite its byte order mark"
        )
    if b"\x00" in data:
        return _strict(data, _bomless_wide_encoding(data), BINARY)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return _best_guess(data)


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _strict(data: bytes, encoding: str | None, problem: str) -> DecodedText:
    if encoding is None:
        raise NotTextError(problem)
    try:
        return DecodedText(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        raise NotTextError(problem) from None


def _bomless_wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 without a byte order mark, recognised by where its zero bytes fall."""
    size = len(data)
    if size % 4 == 0 and size and _all_zero(data[2::4]) and _all_zero(data[3::4]):
        return "utf-32-le"
    if size % 4 == 0 and size and _all_zero(data[0::4]) and _all_zero(data[1::4]):
        return "utf-32-be"
    if size % 2 == 0 and size:
        even_zeros, odd_zeros = _zero_ratio(data[0::2]), _zero_ratio(data[1::2])
        if odd_zeros > 0.5 and even_zeros < 0.05:
            return "utf-16-le"
        if even_zeros > 0.5 and odd_zeros < 0.05:
            return "utf-16-be"
    return None


def _all_zero(data: bytes) -> bool:
    return data.count(0) == len(data)


def _zero_ratio(data: bytes) -> float:
    return data.count(0) / len(data) if data else 0.0


def _best_guess(data: bytes) -> DecodedText:
    """charset_normalizer's guess, preferring Windows-1252 when it reads as well as the best.

    On short Western European text charset_normalizer often ties cp1252 with cp1250 (which turns
    "très" into "trčs"); cp1252 is by far the more common encoding of such files.
    """
    # Without zero bytes the text cannot be UTF-16/32 of Latin script: drop those guesses.
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        raise NotTextError(BINARY)
    least_chaos = min(m.chaos for m in matches)
    top = sorted((m for m in matches if m.chaos <= least_chaos), key=lambda m: -m.coherence)
    western = _cp1252(data)
    if western is not None and any(_same_reading(m, western) for m in top):
        return DecodedText(western, "cp1252")
    return DecodedText(str(top[0]), top[0].encoding)


def _cp1252(data: bytes) -> str | None:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _same_reading(match: CharsetMatch, text: str) -> bool:
    return match.encoding == "cp1252" or str(match) == text


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(
        1 for char in text if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc"
    )
    return controls > _MAX_CONTROL_RATIO * len(text)
