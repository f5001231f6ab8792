"""Reading article files safely: encodings, binary and empty files, the size cap, formats."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.textfile import BINARY, NotTextError, ReadOptions, decode_bytes, read_text_file

SENTENCE = "Le café est très bon. Der Bürgermeister sagt: „Straße“ — naïve résumé."


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(SENTENCE.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(SENTENCE.encode("utf-8-sig"), "utf-8-sig", id="utf-8 with BOM"),
        pytest.param(SENTENCE.encode("utf-16"), "utf-16", id="utf-16 with BOM"),
        pytest.param(codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"), "utf-16", id="utf-16 BE"),
        pytest.param(SENTENCE.encode("utf-32"), "utf-32", id="utf-32 with BOM"),
        pytest.param(SENTENCE.encode("utf-16-le"), "utf-16-le", id="utf-16 LE without BOM"),
        pytest.param(SENTENCE.encode("utf-32-be"), "utf-32-be", id="utf-32 BE without BOM"),
        pytest.param(SENTENCE.encode("cp1252"), "cp1252", id="cp1252"),
    ],
)
def test_decodes_common_encodings(data: bytes, encoding: str) -> None:
    """It reads Unicode with or without a byte order mark, and Windows-1252, exactly."""
    decoded = decode_bytes(data)
    assert decoded.text == SENTENCE
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    "text", ["café", "Le café est très bon.", "Ein schönes Café in München, sagt er."]
)
def test_latin_1_text_comes_out_right(text: str) -> None:
    """Short Latin-1 text is not mistaken for Central European or UTF-16 ("café" stays café)."""
    assert decode_bytes(text.encode("latin-1")).text == text


def test_central_european_text_keeps_its_encoding() -> None:
    """Windows-1250 text with letters cp1252 lacks is still read as cp1250."""
    text = "Příliš žluťoučký kůň úpěl ďábelské ódy. Čeština je krásný jazyk."
    assert decode_bytes(text.encode("cp1250")).text == text


def test_chinese_text_in_gb18030_is_decoded() -> None:
    """A non-UTF-8 CJK file is decoded by the best guess."""
    text = (
        "小米正在加快其全球电动汽车的雄心。"
        "这家中国科技巨头据报道正准备将其电动汽车业务扩展到本土市场以外。"
    )
    assert decode_bytes(text.encode("gb18030")).text == text


def test_line_endings_become_newlines() -> None:
    """CRLF and CR line endings come out as LF."""
    assert decode_bytes(b"one.\r\ntwo.\rthree.").text == "one.\ntwo.\nthree."


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 50, id="png"),
        pytest.param(bytes(range(256)) * 20, id="all bytes"),
        pytest.param(b"text\x00with\x00odd\x00nuls\x00", id="stray NUL bytes"),
        pytest.param(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 100, id="control bytes"),
    ],
)
def test_binary_data_is_refused(data: bytes) -> None:
    """NUL bytes that are not UTF-16/32, or bytes no encoding explains, are binary."""
    with pytest.raises(NotTextError, match=BINARY):
        decode_bytes(data)


def test_read_text_file_names_the_file_when_binary(tmp_path: Path) -> None:
    """The error names the file and says it looks binary."""
    path = write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    with pytest.raises(InputError, match=r"photo\.txt looks like a binary file, not text"):
        read_text_file(path)


@pytest.mark.parametrize("data", [b"", b"   \n\t \n", codecs.BOM_UTF8, "  \n".encode("utf-16")])
def test_empty_files_are_refused(tmp_path: Path, data: bytes) -> None:
    """Empty and whitespace-only files (in any encoding) give "is empty"."""
    path = write(tmp_path, "blank.txt", data)
    with pytest.raises(InputError, match=r"blank\.txt is empty"):
        read_text_file(path)


def test_files_over_the_cap_are_refused_before_reading(tmp_path: Path) -> None:
    """A file larger than the cap is refused with its size and the limit."""
    path = write(tmp_path, "big.txt", b"word. " * 100)
    with pytest.raises(InputError, match=r"big\.txt is 600 bytes, over the 100 bytes limit"):
        read_text_file(path, ReadOptions(max_bytes=100))


def test_default_cap_is_25_megabytes(tmp_path: Path) -> None:
    """A 26 MB file is over the default limit (checked without reading it)."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(26 * 1024 * 1024)
    with pytest.raises(InputError, match=r"huge\.txt is 27\.3 MB, over the 25 MB limit"):
        read_text_file(path)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    """A file that cannot be opened gives a clear reason."""
    with pytest.raises(InputError, match=r"gone\.txt cannot be read"):
        read_text_file(tmp_path / "gone.txt")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.html", "html"),
        ("a.HTM", "html"),
        ("a.md", "markdown"),
        ("a.markdown", "markdown"),
        ("a.txt", "text"),
        ("notes", "text"),
    ],
)
def test_format_follows_the_extension(tmp_path: Path, name: str, fmt: str) -> None:
    """.html/.htm are HTML, .md/.markdown are markdown, anything else is text."""
    source = read_text_file(write(tmp_path, name, b"Some text. More text."))
    assert source.fmt == fmt
    assert source.source == str(tmp_path / name)
    assert source.text == "Some text. More text."
