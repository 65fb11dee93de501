"""More inputs that must end in a clear error or a quarantined row, never a traceback: zone-aware Parquet times
beyond Python's calendar, UTF-16 without a byte order mark, duplicate header columns, command-line usage errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv


def _one_line_error(done: object, code: int) -> str:
    stderr: str = done.stderr  # type: ignore[attr-defined]
    assert done.returncode == code, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    return stderr


def test_zone_aware_parquet_times_beyond_the_calendar_are_quarantined(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    salt = settings.hash_salt.get_secret_value()
    options = LoadOptions(source="t", out_dir=tmp_path / "out")
    load_file(store, "customers", write_csv(tmp_path / "c.csv", [{"customerId": "c"}]), options, salt=salt)
    load_file(store, "products", write_csv(tmp_path / "p.csv", [{"productId": "p"}]), options, salt=salt)
    times = [dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]
    table = pa.table(
        {
            "orderId": ["o1", "o2"],
            "customerId": ["c", "c"],
            "productId": ["p", "p"],
            "amount": [1.0, 2.0],
            "at": pa.array(times, type=pa.timestamp("us", tz="America/New_York")),
        }
    )
    pq.write_table(table, tmp_path / "tz.parquet")
    report = load_file(store, "purchases", tmp_path / "tz.parquet", options, salt=salt)
    assert (report.loaded, report.quarantined) == (1, 1)
    [bad] = read_quarantine(Path(report.quarantine_file or ""))
    assert bad["line"] == 1 and bad["reasons"][0].startswith("at:")


def test_utf16_without_a_byte_order_mark_is_one_line(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes("customerId\nK1\n".encode("utf-16-le"))
    done = run_graphengine(settings, "load", "customers", str(path), "--source", "s", "--encoding", "utf-16")
    assert "utf-16-le" in _one_line_error(done, 6)
    ok = run_graphengine(settings, "load", "customers", str(path), "--source", "s", "--encoding", "utf-16-le")
    assert ok.returncode == 0, ok.stderr


def test_duplicate_header_columns_are_refused(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("customerId,name,name\nK9,a,b\n", encoding="utf-8")
    done = run_graphengine(settings, "load", "customers", str(path), "--source", "s")
    assert "'name' appear more than once" in _one_line_error(done, 6)


def test_usage_errors_exit_2_without_a_traceback(settings: Settings, tmp_path: Path) -> None:
    for args in (("load", "customers", "--source", "s"), ("db", "reset", "--batch-size", "0"), ("no-such-command",)):
        _one_line_error(run_graphengine(settings, *args), 2)
    orders = run_graphengine(
        settings, "load", "orders", str(tmp_path / "o.csv"), "--encoding", "cp1252", "--source", "s"
    )
    assert "source file not found" in _one_line_error(orders, 2), "load orders takes --encoding"
