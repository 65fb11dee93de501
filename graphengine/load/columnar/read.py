"""A plain CSV source as one table of text columns, or None when the row reader must read it.

The table holds exactly what the row reader (:func:`graphengine.load.readers.read_rows`) yields — every cell as
text, empty cells as ``""`` — and row ``i`` starts on line ``i + 2``. Any file where that cannot be guaranteed is
left to the row reader, which reports its problems line by line: a byte-order mark, an encoding other than UTF-8,
invalid UTF-8, a record with the wrong number of fields, a value over the field limit, blank lines or values
spanning lines (the line count and the record count disagree).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphengine.load.readers import MAX_FIELD_CHARS

UTF8 = frozenset({"utf-8", "utf8", "utf_8"})


def _physical_lines(path: Path, block: int = 1 << 24) -> int | None:
    """The number of lines of ``path`` (a last line without a newline counts), read block by block; None for an
    empty file, one that starts with a byte-order mark, or one with a carriage return that does not end a
    ``\\r\\n`` line (the row reader counts it as a line end, pyarrow not always)."""
    lines, last = 0, b""
    with path.open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return None
        handle.seek(0)
        while chunk := handle.read(block):
            if last == b"\r" and not chunk.startswith(b"\n"):
                return None
            lone = chunk.count(b"\r") - chunk.count(b"\r\n") - (1 if chunk.endswith(b"\r") else 0)
            if lone:
                return None
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if not last or last == b"\r":
        return None
    return lines + (0 if last == b"\n" else 1)


def plain_csv_table(path: Path, header: list[str], encoding: str) -> pa.Table | None:
    """The source as text columns named as ``header`` (see the module docstring)."""
    if encoding.lower() not in UTF8 or path.suffix.lower() != ".csv":
        return None
    lines = _physical_lines(path)
    if lines is None:
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, OSError):
        return None
    if table.column_names != header or table.num_rows + 1 != lines:
        return None
    if any(name.startswith("__") for name in header):  # the row path's internal names (``__error__``)
        return None
    for column in table.columns:
        if not pa.types.is_string(column.type):
            return None
        if table.num_rows and (pc.max(pc.utf8_length(column)).as_py() or 0) > MAX_FIELD_CHARS:
            return None
    return table.combine_chunks()


__all__ = ["plain_csv_table"]
