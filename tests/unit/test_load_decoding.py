"""Line-by-line decoding of text sources: line numbers, byte-order marks, encoding hints (no database)."""

from pathlib import Path

import pytest

from graphengine.errors import ConfigError, ValidationFailed
from graphengine.load.decoding import decoded_lines, suggest_encoding
from graphengine.load.readers import read_rows


def _write(tmp_path: Path, data: bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_lines_keep_their_ends_and_a_utf8_bom_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffa,b\r\n1,ö\n2,€".encode())
    assert list(decoded_lines(path)) == ["a,b\r\n", "1,ö\n", "2,€"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_chunk_boundaries_change_nothing(tmp_path: Path, chunk: int) -> None:
    text = '\ufeffid,name\r\n1,Crème brûlée\r\n2,"two\nlines €"\n3,last'
    path = _write(tmp_path, text.encode("utf-8"))
    assert list(decoded_lines(path, chunk_bytes=chunk)) == [
        "id,name\r\n",
        "1,Crème brûlée\r\n",
        '2,"two\n',
        'lines €"\n',
        "3,last",
    ]
    bad = _write(tmp_path, "a\nbé\nc,Caf\xe9 x\nd\n".encode("latin-1"), "bad.csv")
    got: list[str] = []
    with pytest.raises(ValidationFailed) as info:
        got.extend(decoded_lines(bad, chunk_bytes=chunk))
    # "bé" in latin-1 is b"b\xe9": line 2 is the first bad line, whatever the chunk size
    assert got == ["a\n"]
    assert info.value.details["line"] == 2 and "byte e9 in 'b\\\\xe9'" in info.value.message


def test_the_error_names_the_line_the_byte_and_a_likely_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name\n1,ok\n2,Caf\xe9 \x80\n".encode("latin-1"))
    with pytest.raises(ValidationFailed) as info:
        list(decoded_lines(path))
    assert info.value.message.startswith("f.csv line 3 is not valid utf-8: byte e9 in '2,Caf\\\\xe9 \\\\x80'")
    assert info.value.details["suggested_encoding"] == "cp1252"
    assert info.value.message.endswith("load it with --encoding cp1252")


@pytest.mark.parametrize(
    ("sample", "tried", "expected"),
    [
        ("Caf\xe9 \x80".encode("latin-1"), "utf-8", "cp1252"),  # é and € in Windows-1252
        (b"\x81\xe9", "utf-8", "latin-1"),  # 0x81 is undefined in cp1252
        ("Łódź".encode(), "cp1252", "utf-8"),  # UTF-8 read as cp1252 fails on 0x81 (Ł = c5 81)
    ],
)
def test_suggestions(tmp_path: Path, sample: bytes, tried: str, expected: str) -> None:
    assert suggest_encoding(_write(tmp_path, sample), sample, tried) == expected


def test_a_utf16_file_is_recognised_by_its_bom_and_reads_with_its_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "productId,name\np1,Crème\n".encode("utf-16"))
    with pytest.raises(ValidationFailed) as info:
        list(read_rows(path))
    assert info.value.details["suggested_encoding"] == "utf-16"
    assert list(read_rows(path, encoding="utf-16")) == [(2, {"productId": "p1", "name": "Crème"})]


def test_a_quoted_multiline_field_decodes_across_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, 'id,note\n1,"two\nlines é"\n2,x\n'.encode("cp1252"))
    assert list(read_rows(path, encoding="cp1252")) == [
        (2, {"id": "1", "note": "two\nlines é"}),
        (4, {"id": "2", "note": "x"}),
    ]


def test_an_unknown_encoding_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown encoding 'klingon'"):
        list(decoded_lines(_write(tmp_path, b"a\n"), "klingon"))


def test_oversize_values_are_flagged_in_every_format(tmp_path: Path) -> None:
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    long = "x" * 70_000
    table = pa.table({"productId": ["p1", "p2"], "name": pa.array(["ok", long], pa.large_string()), "n": [1, 2]})
    pq.write_table(table, tmp_path / "p.parquet")
    (tmp_path / "p.jsonl").write_text(
        json.dumps({"productId": "p1"}) + "\n" + json.dumps({"productId": "p2", "name": long}) + "\n"
    )
    for name in ("p.parquet", "p.jsonl"):
        rows = list(read_rows(tmp_path / name))
        assert rows[0] == (
            1,
            {"productId": "p1"} if name.endswith("jsonl") else {"productId": "p1", "name": "ok", "n": 1},
        )
        line, row = rows[1]
        assert line == 2 and row["__error__"] == "name: 70,000 characters, over the maximum field length of 65,536"
        assert row["name"].endswith("… (70,000 characters)") and len(row["name"]) < 300
