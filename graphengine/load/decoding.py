"""Text sources decoded line by line, so an undecodable byte is reported with its line and a likely encoding.

A file is decoded with the encoding the user names (``--encoding``, UTF-8 by default; a UTF-8 byte-order mark is
skipped). The first byte that does not decode stops the read with a :class:`~graphengine.errors.ValidationFailed`
naming the file, the line, the byte and the encoding that decodes that line (a small heuristic: a UTF-16/32
byte-order mark, else UTF-8, cp1252, then latin-1, which decodes any byte).
"""

from __future__ import annotations

import codecs
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

from graphengine.errors import ConfigError, ValidationFailed

DEFAULT_ENCODING = "utf-8"
CHUNK_BYTES = 1 << 20
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


def decode_error(path: Path, encoding: str, line: int, raw: bytes, start: int, end: int) -> ValidationFailed:
    """The error for the undecodable bytes ``raw[start:end]`` of ``line`` (``raw`` is that line, or what of it
    is known): names the byte, shows its context, suggests an encoding."""
    bad = raw[start:end]
    shown = raw[max(0, start - 20) : end + 20].decode("ascii", "backslashreplace").strip()
    likely = suggest_encoding(path, raw, encoding)
    where = f" in {shown!r}" if shown else ""
    return ValidationFailed(
        f"{path.name} line {line} is not valid {encoding}: byte {bad.hex(' ', 1)}{where}; it looks like {likely}: "
        f"load it with --encoding {likely}",
        details={"file": str(path), "line": line, "encoding": encoding, "suggested_encoding": likely},
    )


def decoded_lines(path: Path, encoding: str = DEFAULT_ENCODING, chunk_bytes: int = CHUNK_BYTES) -> Iterator[str]:
    """Yield every line of ``path``, decoded, line ends kept (as ``open(newline="")`` does). The file is decoded
    in chunks; at an undecodable byte the complete lines before its line are yielded, then the error is raised.
    The lines come from C-level iterators (one per chunk), so a CSV reader pulls them as fast as from a file."""
    codec = codec_name(encoding)
    if not _lines_split_before_decoding(codec):
        return _decoded_whole(path, encoding, codec)
    return itertools.chain.from_iterable(_decoded_chunks(path, encoding, codec, chunk_bytes))


def _decoded_chunks(path: Path, encoding: str, codec: str, chunk_bytes: int) -> Iterator[io.StringIO]:
    """The complete lines of each chunk, as an in-memory text file to iterate."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    lines = 0  # newlines in the bytes decoded so far
    tail = ""  # decoded text after the last newline: the start of a line the next chunk completes
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(chunk_bytes)
            try:
                text = tail + decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                good, error = _split_at_error(path, encoding, codec, exc, tail, lines)
                yield io.StringIO(good, newline="")
                raise error from None
            lines += chunk.count(b"\n")
            if not chunk:
                if text:
                    yield io.StringIO(text, newline="")
                return
            last = text.rfind("\n") + 1
            if last:
                yield io.StringIO(text[:last], newline="")
            tail = text[last:]


def _split_at_error(
    path: Path, encoding: str, codec: str, exc: UnicodeDecodeError, tail: str, lines: int
) -> tuple[str, ValidationFailed]:
    """The complete lines before the one holding the bad byte, and the error naming it. ``exc.object`` holds the
    bytes the decoder was given (after any byte-order mark), ``tail`` the text of the line they continue."""
    data = bytes(exc.object)
    base = codec.removesuffix("-sig")
    cut = data.rfind(b"\n", 0, exc.start) + 1
    good, prefix = (tail + data[:cut].decode(base), b"") if cut else ("", tail.encode(base))
    stop = data.find(b"\n", exc.end)
    raw = prefix + data[cut : stop if stop >= 0 else len(data)]
    start = len(prefix) + exc.start - cut
    line = lines + data.count(b"\n", 0, cut) + 1
    return good, decode_error(path, encoding, line, raw, start, start + exc.end - exc.start)


def _decoded_whole(path: Path, encoding: str, codec: str) -> Iterator[str]:
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
                bad = bytes(exc.object)
                raise decode_error(path, encoding, number + 1, bad, exc.start, exc.end) from None
            except UnicodeError as exc:  # e.g. utf-16 without a byte order mark: the stream cannot start
                raise ValidationFailed(
                    f"{path.name} cannot be read as {encoding}: {exc}; name the byte order, e.g. --encoding "
                    f"{encoding.lower().replace('-', '').replace('utf', 'utf-')}-le or -be",
                    details={"file": str(path), "line": number + 1, "encoding": encoding},
                ) from None
            number += 1
            yield text


__all__ = ["DEFAULT_ENCODING", "codec_name", "decode_error", "decoded_lines", "suggest_encoding"]
