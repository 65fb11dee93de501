"""Text sources decoded line by line, so an undecodable byte is reported with its line and a likely encoding.

A file is decoded with the encoding the user names (``--encoding``, UTF-8 by default; a UTF-8 byte-order mark is
skipped). The first byte that does not decode stops the read with a :class:`~graphengine.errors.ValidationFailed`
naming the file, the line, the byte and the encoding that decodes that line (a small heuristic: a UTF-16/32
byte-order mark, else UTF-8, cp1252, then latin-1, which decodes any byte).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from graphengine.errors import ConfigError, ValidationFailed

DEFAULT_ENCODING = "utf-8"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CANDIDATES = ("utf-8", "cp1252", "latin-1")


def codec_name(encoding: str) -> str:
    """The Python codec for ``encoding`` (UTF-8 reads as ``utf-8-sig``, so a byte-order mark is skipped)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ConfigError(f"unknown encoding {encoding!r}; use e.g. utf-8, cp1252, latin-1 or utf-16") from None
    return "utf-8-sig" if name == "utf-8" else name


def _lines_split_before_decoding(codec: str) -> bool:
    """True when the encoding writes line ends and ASCII as themselves (UTF-8, cp1252, latin-1, …), so the raw
    file can be split at ``\\n`` bytes and each line decoded on its own; not for UTF-16/32."""
    try:
        return '\r\n,"a'.encode(codec.replace("-sig", "")) == b'\r\n,"a'
    except UnicodeError:
        return False


def suggest_encoding(path: Path, sample: bytes, tried: str) -> str:
    """The encoding that most likely wrote ``sample`` (the failing line): a BOM decides, else the first of UTF-8,
    cp1252 and latin-1 (other than ``tried``) that decodes it."""
    with path.open("rb") as handle:
        start = handle.read(4)
    for bom, name in _BOMS:
        if start.startswith(bom) and name != tried:
            return name
    for name in _CANDIDATES:
        if codecs.lookup(name).name == codecs.lookup(tried).name:
            continue
        try:
            sample.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return "latin-1"


def decode_error(path: Path, encoding: str, line: int, raw: bytes, exc: UnicodeDecodeError) -> ValidationFailed:
    """The error for an undecodable byte at ``line``: names the byte, shows its context, suggests an encoding."""
    bad = raw[exc.start : exc.end] if raw else exc.object[exc.start : exc.end]
    context = raw[max(0, exc.start - 20) : exc.end + 20] if raw else b""
    shown = context.decode("ascii", "backslashreplace").strip() if context else ""
    likely = suggest_encoding(path, raw or bytes(exc.object), encoding)
    where = f" in {shown!r}" if shown else ""
    return ValidationFailed(
        f"{path.name} line {line} is not valid {encoding}: byte {bad.hex(' ', 1)}{where}; it looks like {likely}: "
        f"load it with --encoding {likely}",
        details={"file": str(path), "line": line, "encoding": encoding, "suggested_encoding": likely},
    )


def decoded_lines(path: Path, encoding: str = DEFAULT_ENCODING) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for every physical line, line ends kept (as ``open(newline="")`` does)."""
    codec = codec_name(encoding)
    if not _lines_split_before_decoding(codec):
        yield from _decoded_whole(path, encoding, codec)
        return
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    number = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as exc:
                raise decode_error(path, encoding, number, raw, exc) from None
            yield number, text
        try:
            tail = decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise decode_error(path, encoding, max(number, 1), b"", exc) from None
    if tail:
        yield number, tail


def _decoded_whole(path: Path, encoding: str, codec: str) -> Iterator[tuple[int, str]]:
    """Wide encodings (UTF-16/32): decoded by the text layer; a bad byte is placed after the last good line."""
    number = 0
    with path.open(encoding=codec, newline="") as handle:
        lines = iter(handle)
        while True:
            try:
                text = next(lines)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise decode_error(path, encoding, number + 1, b"", exc) from None
            number += 1
            yield number, text


__all__ = ["DEFAULT_ENCODING", "codec_name", "decode_error", "decoded_lines", "suggest_encoding"]
