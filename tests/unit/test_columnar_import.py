"""The import's column-wise path gives exactly what the row path gives (no database).

* Each vectorised check, on random cells: where it accepts a row, the model accepts it too and makes the same
  parameters of it (hypothesis).
* Whole adversarial files (corrections, moved lines, duplicates, claims on another customer's event, bad and
  borderline values, test rows, unknown references, extra columns, other time rules): the same reports, the same
  quarantined lines and reasons, and the same import CSVs through both paths.
* The derived PURCHASED aggregates and NEXT chains equal a plain recomputation from the lines and events.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import graphengine.load.pipeline as pipeline
from graphengine.load import LoadOptions
from graphengine.load.bulk_import import ImportSink
from graphengine.load.columnar.fast_kinds import fast_params
from graphengine.load.columnar.import_csv import check_fact_csv
from graphengine.load.columnar.read import plain_csv_table
from graphengine.load.kinds import get_kind
from graphengine.load.pipeline import Loader
from graphengine.model.rules import ValueRules

CUSTOMERS = "customerId,name\nC1,a\nC2,b\nC3,c\n"
PRODUCTS = "productId,name,price\nP1,x,1\nP2,y,2\nP3,z,3\n"
CHANNELS = "channelId,name,kind\nweb,Web,web\napp,App,app\n"
PURCHASE_ROWS = [
    "orderId,lineId,customerId,productId,quantity,amount,at,channelId,note,isTest",
    "O1,L1,C1,P1,1,10,2026-01-01T10:00:00+00:00,web,,",
    "O1,L2,C1,P2,2,20.5,2026-01-01T10:00:00Z,,,",
    "O2,L1,C1,P1,1,99,2026-01-02T10:00:00+00:00,web,corrected,",  # correction of L1
    "O3,L3,C2,P1,1,5,2026-01-03T10:00:00+02:00,app,,",
    "O3,L3,C2,P3,1,5,2026-01-03T10:00:00+02:00,app,moved,",  # L3 moves to P3
    "O4,,C2,P2,3,7.25,2026-01-04 08:00:00,,,",  # lineId defaults to O4:P2, time without a zone
    "O5,L5, C3 ,P1,1,1,2026-01-05T00:00:00Z,,,",  # spaces around a key: the model strips them
    "O6,L6,C3,P1,01,007.50,2026-01-05T00:00:00Z,,,",  # leading zeros
    "O7,L7,C3,P1,1,1e3,2026-01-05T00:00:00Z,,,",
    "O8,L8,C3,P1,1,inf,2026-01-05T00:00:00Z,,,",
    "O9,L9,C3,P1,1,NaN,2026-01-05T00:00:00Z,,,",
    "O10,L10,C3,P1,1,1e309,2026-01-05T00:00:00Z,,,",
    "O11,L11,C3,P1,0,1,2026-01-05T00:00:00Z,,,",
    "O12,L12,C3,P1,100001,1,2026-01-05T00:00:00Z,,,",
    "O13,L13,C3,P1,2.0,1,2026-01-05T00:00:00Z,,,",
    "O14,L14,C3,P1,1,-1,2026-01-05T00:00:00Z,,,",
    "O15,L15,C3,P1,1,1000000001,2026-01-05T00:00:00Z,,,",
    "O16,L16,C3,P1,1,1,2026-02-30T00:00:00Z,,,",
    "O17,L17,C3,P1,1,1,0001-01-01T00:00:00Z,,,",
    "O18,L18,C3,P1,1,1,9999-12-31T23:59:59Z,,,",
    "O19,L19,C3,P1,1,1,2026-01-01T00:00:00+23:00,,,",
    "O20,L20,C3,P1,1,1,2026-01-01T00:00:00+18:00,,,",
    "O21,L21,C3,P1,1,1,1899-12-31T23:00:00-02:00,,,",
    "O22,L22,C3,P1,1,1,1700000000,,,",
    "O23,L23,C3,P1,1,1,2026-01-01,,,",
    "O24,L24,C3,P1,1,1,2026-01-01T00:00:00.250+01:00,,,",
    "O25,L25,C3,P1,1,1,2026-01-01T00:00:00-00:00,,,",
    "O26,L26,C9,P1,1,1,2026-01-01T00:00:00Z,,,",  # unknown customer
    "O27,L27,C9,P9,1,1,2026-01-01T00:00:00Z,,,",  # unknown customer and product
    "O28,L28,C3,P1,1,1,2026-01-01T00:00:00Z,,,true",  # a test row
    "O29,test-29,C3,P1,1,1,2026-01-01T00:00:00Z,,,",  # a test id
    "O30,L30,C3,P1,1,1,2026-01-01T00:00:00Z,,,no",  # a marker that says no
    ",L31,C3,P1,1,1,2026-01-01T00:00:00Z,,,",  # no orderId
    "O32,L32,C3,P1,1,,2026-01-01T00:00:00Z,,,",  # no amount
    "O33,L33,C3,P1,,3,2026-01-01T00:00:00Z,,,",  # no quantity: 1
    "O1,L1,C1,P1,1,11,2026-01-02T11:00:00+00:00,web,second correction,",
]
EVENT_ROWS = [
    "eventId,customerId,type,at,channelId,sessionId,productId,value,query,resultCount",
    "E1,C1,view,2026-01-01T10:00:00Z,web,S1,P1,,,",
    "E2,C1,search,2026-01-01T10:01:00Z,web,S1,,,shoes,0",
    "E3,C1,cart,2026-01-01T10:02:00Z,app,S1,P2,12.5,,",
    "E1,C2,view,2026-01-01T11:00:00Z,web,S2,P1,,,",  # another customer claims E1: refused
    "E3,C1,cart,2026-01-01T10:03:00Z,web,S1,,,,",  # the owner re-sends E3 without a product
    "E4,C2,view,2026-01-01T09:00:00+01:00,web,S3,,,,",  # a view needs a product
    "E5,C2,jump,2026-01-01T09:00:00Z,web,S3,,,,",  # unknown type
    "E6,C2,click,2026-01-01T09:00:00Z,web,S3,,-Infinity,,",
    "E7,C2,search,2026-01-01T09:00:00Z,web,S3,,,x,-1",
    "E8,C2,click,2026-01-01T09:00:00Z,tv,S3,,,,",  # unknown channel
    "E9,C2,click,2026-01-01T09:00:00Z,web,S3,P9,,,",  # unknown product
    "E10,C2,click,2026-01-01T08:59:59Z,web,S3,,-3.5,,",
    "E11,C2,click,2026-01-01T08:59:59Z,web,S3,,,,",  # same time as E10: eventId orders
    "E12,C3,visit,2026-01-01T09:00:00+05:30,app,,,,,",
    "E13,C3,visit,2026-01-01T04:00:00Z,app,,,,,",  # earlier in UTC than E12's text suggests
    "E12,C3,visit,2026-01-01T09:00:00+05:30,app,S9,,,,",  # re-send adds a session
    "dummy-1,C3,visit,2026-01-01T04:00:00Z,app,,,,,",
]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _files(folder: Path, purchases: list[str], events: list[str]) -> list[tuple[str, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        ("customers", _write(folder, "customers.csv", CUSTOMERS)),
        ("products", _write(folder, "products.csv", PRODUCTS)),
        ("channels", _write(folder, "channels.csv", CHANNELS)),
        ("purchases", _write(folder, "purchases.csv", "\n".join(purchases) + "\n")),
        ("events", _write(folder, "events.csv", "\n".join(events) + "\n")),
    ]


def _norm(cell: str) -> str:
    try:
        return repr(float(cell))
    except ValueError:
        return cell


def _tables(folder: Path) -> dict[str, tuple[list[str], list[tuple[str, ...]]]]:
    out = {}
    for path in sorted(folder.glob("*.csv")):
        if "DataSource" in path.name:
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            order = sorted(range(len(header)), key=lambda i: header[i])
            rows = sorted(tuple(_norm(r[i]) for i in order) for r in reader)
        out[path.name] = ([header[i] for i in order], rows)
    return out


def _import(
    files: list[tuple[str, Path]], out: Path, rules: ValueRules, monkeypatch: pytest.MonkeyPatch, columnar: bool
) -> tuple[list[tuple[int, ...]], list[list[tuple[int, tuple[str, ...]]]], dict[str, Any], ImportSink]:
    with monkeypatch.context() as patch:
        if not columnar:
            patch.setattr(pipeline, "can_take", lambda *a, **k: False)
        sink = ImportSink()
        reports, quarantined = [], []
        for kind, path in files:
            options = LoadOptions(source="src", out_dir=out, rules=rules, batch_size=7)
            report = Loader(sink, kind, options, salt="salt").load(path)
            reports.append(
                (
                    report.rows_read,
                    report.loaded,
                    report.quarantined,
                    report.duplicates,
                    report.rejected_at_write,
                    report.batches,
                )
            )
            lines = []
            if report.quarantine_file:
                for text in Path(report.quarantine_file).read_text(encoding="utf-8").split("\n")[:-1]:
                    entry = json.loads(text)
                    lines.append((entry["line"], tuple(entry["reasons"]), json.dumps(entry["row"], sort_keys=True)))
            quarantined.append(sorted(lines))
        sink.write_csvs(out / "csv")
    return reports, quarantined, _tables(out / "csv"), sink


RULES = [
    ValueRules(),
    ValueRules(timezone="Europe/Stockholm"),
    ValueRules(epoch="s"),
    ValueRules(earliest=dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC), latest=dt.datetime(2026, 1, 3, tzinfo=dt.UTC)),
    ValueRules(earliest=dt.datetime(2026, 1, 1, 10, 0, 0, 500_000, tzinfo=dt.UTC)),  # a bound inside a second
]


@pytest.mark.parametrize("rules", RULES, ids=["default", "stockholm", "epoch", "narrow", "fractional"])
def test_columnar_and_row_paths_agree_on_adversarial_files(
    tmp_path: Path, rules: ValueRules, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path / "data", PURCHASE_ROWS, EVENT_ROWS)
    taken: list[str] = []
    real = pipeline.load_columnar

    def spy(loader: Any, path: Path, *args: Any) -> bool:
        done = real(loader, path, *args)
        if done:
            taken.append(path.name)
        return done

    monkeypatch.setattr(pipeline, "load_columnar", spy)
    fast = _import(files, tmp_path / "fast", rules, monkeypatch, columnar=True)
    slow = _import(files, tmp_path / "slow", rules, monkeypatch, columnar=False)
    assert taken == ["purchases.csv", "events.csv"], "the column-wise path took both fact files"
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    assert fast[2].keys() == slow[2].keys()
    for name in fast[2]:
        assert fast[2][name] == slow[2][name], name
    purchases, events = fast[0][3], fast[0][4]
    assert purchases[0] == len(PURCHASE_ROWS) - 1 and sum(purchases[1:4]) == purchases[0]
    assert events[0] == len(EVENT_ROWS) - 1 and sum(events[1:4]) == events[0]
    if rules == ValueRules():
        assert events[4] == 1, "E1 claimed by another customer is refused"


def test_the_adversarial_file_lands_where_the_rules_say(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path / "data", PURCHASE_ROWS, EVENT_ROWS)
    reports, quarantined, tables, _ = _import(files, tmp_path / "fast", ValueRules(), monkeypatch, columnar=True)
    lines = tables["nodes-OrderLine.csv"]
    by_id = {row[lines[0].index("lineId:ID(OrderLine)")]: row for row in lines[1]}
    amount = lines[0].index("amount:double")
    assert by_id["L1"][amount] == repr(11.0), "the last correction of L1 holds"
    assert by_id["L3"][lines[0].index("productId:string")] == "P3", "L3 moved to P3"
    assert "O4:P2" in by_id and "L33" in by_id and "L30" in by_id and "L21" in by_id
    refused = {line for line, _, _ in quarantined[3]}
    line_of = {row.split(",")[1]: number for number, row in enumerate(PURCHASE_ROWS, start=1)}
    for order in (
        8,
        9,
        10,
        11,
        12,
        14,
        15,
        16,
        17,
        18,
        19,
        22,
        26,
        27,
        28,
        29,
        31,
        32,
    ):  # O13 "2.0" and O23 (a date) load
        assert line_of[f"L{order}" if order != 29 else "test-29"] in refused, f"the row of O{order} is quarantined"
    assert len(refused) == 18
    assert "L13" in by_id and "L23" in by_id
    pairs = tables["rels-PURCHASED.csv"]
    start, end = pairs[0].index(":START_ID(Customer)"), pairs[0].index(":END_ID(Product)")
    pair_ids = {(row[start], row[end]) for row in pairs[1]}
    assert ("C2", "P3") in pair_ids and ("C2", "P1") not in pair_ids, "a moved line leaves its old pair"
    assert reports[3][3] == 3, "L1 twice more and L3 once more are duplicates"


def _recomputed_pairs(lines: pa.Table) -> dict[tuple[str, str], tuple[int, int, float, int, dt.datetime, dt.datetime]]:
    acc: dict[tuple[str, str], list[Any]] = {}
    orders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line in lines.to_pylist():
        at = dt.datetime.fromisoformat(line["at"])
        pair = (line["customerId"], line["productId"])
        row = acc.setdefault(pair, [0, 0, 0.0, at, at])
        row[0] += 1
        row[1] += line["quantity"]
        row[2] += line["amount"]
        row[3], row[4] = min(row[3], at), max(row[4], at)
        orders[pair].add(line["orderId"])
    return {p: (r[0], r[1], round(r[2], 6), len(orders[p]), r[3], r[4]) for p, r in acc.items()}


def test_derived_aggregates_and_chains_equal_a_plain_recomputation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path / "data", PURCHASE_ROWS, EVENT_ROWS)
    _, _, _, sink = _import(files, tmp_path / "fast", ValueRules(), monkeypatch, columnar=True)
    folder = tmp_path / "fast" / "csv"
    for path in folder.glob("*.csv"):
        if path in sink.fact_paths:
            check_fact_csv(path)
    with (folder / "rels-PURCHASED.csv").open(encoding="utf-8") as handle:
        derived = {
            (r[":START_ID(Customer)"], r[":END_ID(Product)"]): (
                int(r["count:long"]),
                int(r["quantity:long"]),
                float(r["amount:double"]),
                int(r["orders:long"]),
                dt.datetime.fromisoformat(r["firstAt:datetime"]),
                dt.datetime.fromisoformat(r["lastAt:datetime"]),
            )
            for r in csv.DictReader(handle)
        }
    assert derived == _recomputed_pairs(sink.facts.final_lines())
    events = sink.facts.final_events().to_pylist()
    chains = []
    for _, group in itertools.groupby(
        sorted(events, key=lambda e: (e["customerId"], dt.datetime.fromisoformat(e["at"]), e["eventId"])),
        key=lambda e: e["customerId"],
    ):
        chains += [(a["eventId"], b["eventId"]) for a, b in itertools.pairwise(list(group))]
    with (folder / "rels-NEXT.csv").open(encoding="utf-8") as handle:
        assert sorted((r[":START_ID(Event)"], r[":END_ID(Event)"]) for r in csv.DictReader(handle)) == sorted(chains)
    assert ("E12", "E13") in chains, "E12 at 09:00+05:30 (03:30 UTC) comes before E13 at 04:00 UTC (time, not text)"
    assert ("E10", "E11") in chains, "at the same time, eventId orders"


def test_files_the_row_reader_must_read_are_handed_back(tmp_path: Path) -> None:
    header = ["a", "b"]
    cases = {
        "multiline.csv": b'a,b\n"x\ny",1\n',
        "blank.csv": b"a,b\n1,2\n\n3,4\n",
        "bom.csv": b"\xef\xbb\xbfa,b\n1,2\n",
        "latin1.csv": b"a,b\n\xe9,2\n",
        "ragged.csv": b"a,b\n1,2,3\n",
        "long.csv": b"a,b\n" + b"x" * 70_000 + b",1\n",
        "cr.csv": b"a,b\r1,2\r\n",  # a lone carriage return is a line end to the row reader
        "crcr.csv": b"a,b\n1,2\r\r\n3,4\n",
        "trailing-cr.csv": b"a,b\n1,2\r",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert plain_csv_table(path, header, "utf-8") is None, name
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b'a,b\n"1,5",\n3,"4"\n')
    table = plain_csv_table(plain, header, "utf-8")
    assert table is not None and table.to_pylist() == [{"a": "1,5", "b": ""}, {"a": "3", "b": "4"}]
    assert plain_csv_table(plain, header, "latin-1") is None
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(b"a,b\r\n1,2\r\n3,4")
    table = plain_csv_table(crlf, header, "utf-8")
    assert table is not None and table.num_rows == 2
    internal = tmp_path / "internal.csv"
    internal.write_bytes(b"a,__error__\n1,boom\n")
    assert plain_csv_table(internal, ["a", "__error__"], "utf-8") is None, "the row path's internal column names"


# ------------------------------------------------------------------------------- cell by cell, against the model
_KEY = st.one_of(
    st.sampled_from(["C1", "test-1", "Dummy_2", " C1", "C1 ", "\u00a0C1", "C\u20281", "x" * 200, "x" * 201, ""]),
    st.text(min_size=0, max_size=6),
)
_NUMBER = st.one_of(
    st.sampled_from(["1", "0", "01", "10.5", "007.50", "1e3", "-1", "-0", "inf", "NaN", "1_0", " 5", "5 ", ".5", "5."]),
    st.sampled_from(["100000", "100001", "1000000000", "1000000000.000000001", "1000000001", "", "2.0", "+3"]),
    st.from_regex(r"-?[0-9]{1,11}(\.[0-9]{1,10})?", fullmatch=True),
)
_TIME = st.one_of(
    st.sampled_from(
        [
            "2026-01-01T00:00:00Z",
            "2026-01-01 00:00:00",
            "2026-02-29T00:00:00Z",
            "2024-02-29T23:59:59-18:00",
            "2099-12-31T20:00:00-05:00",
            "1900-01-01T00:00:00+00:01",
            "1900-01-01T00:00:00-00:01",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:60Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00+18:01",
            "2026-01-01T00:00:00+05:60",
            "2026-01-01T00:00:00.5Z",
            "1700000000",
            "",
        ]
    ),
    st.from_regex(
        r"(19|20|21)[0-9]{2}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9]:[0-6][0-9](Z|[+-][012][0-9]:[0-6][0-9])?",
        fullmatch=True,
    ),
)


def _compare(kind: str, row: dict[str, str], rules: ValueRules) -> None:
    table = pa.table({k: pa.array([v], pa.string()) for k, v in row.items()})
    ok, params = fast_params(kind, table, rules, "src")
    if not ok[0].as_py():
        return
    try:
        record = get_kind(kind).model.model_validate(row, context={"rules": rules})
    except ValidationError as exc:
        raise AssertionError(f"the fast path accepted {row} which the model refuses: {exc}") from None
    expected = get_kind(kind).params(record, "salt")
    got = params.to_pylist()[0]
    for name, value in got.items():
        if name in ("source", "_at"):
            continue
        assert value == expected[name] and type(value) is type(expected[name]), (name, row, value, expected[name])
    assert got["_at"] == record.at.astimezone(dt.UTC)  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=_KEY,
    line=st.one_of(st.just(""), _KEY),
    customer=_KEY,
    quantity=_NUMBER,
    amount=_NUMBER,
    at=_TIME,
    channel=st.one_of(st.just(""), _KEY),
    zone=st.sampled_from(["UTC", "Europe/Stockholm"]),
)
def test_fast_purchase_checks_never_accept_what_the_model_refuses(
    order: str, line: str, customer: str, quantity: str, amount: str, at: str, channel: str, zone: str
) -> None:
    row = {
        "orderId": order,
        "lineId": line,
        "customerId": customer,
        "productId": "P1",
        "quantity": quantity,
        "amount": amount,
        "at": at,
        "channelId": channel,
    }
    _compare("purchases", row, ValueRules(timezone=zone))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    event=_KEY,
    kind=st.sampled_from(["view", "cart", "search", "click", "View", " view", "jump", ""]),
    product=st.one_of(st.just(""), _KEY),
    value=_NUMBER,
    count=_NUMBER,
    at=_TIME,
    session=st.one_of(st.just(""), _KEY),
)
def test_fast_event_checks_never_accept_what_the_model_refuses(
    event: str, kind: str, product: str, value: str, count: str, at: str, session: str
) -> None:
    row = {
        "eventId": event,
        "customerId": "C1",
        "type": kind,
        "at": at,
        "channelId": "web",
        "sessionId": session,
        "productId": product,
        "value": value,
        "query": "q",
        "resultCount": count,
    }
    _compare("events", row, ValueRules())


def test_files_with_only_the_required_columns_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    purchases = [
        "orderId,customerId,productId,amount,at",
        "O1,C1,P1,10,2026-01-01T10:00:00Z",
        "O1,C1,P1,12,2026-01-01T10:00:00Z",  # the same default lineId O1:P1: a correction
        "O2,C2,P2,x,2026-01-01T10:00:00Z",
    ]
    events = [
        "eventId,customerId,type,at,channelId",
        "E1,C1,visit,2026-01-01T10:00:00Z,web",
        "E2,C1,view,2026-01-01,web",  # a view without a product
    ]
    files = _files(tmp_path / "data", purchases, events)
    fast = _import(files, tmp_path / "fast", ValueRules(), monkeypatch, columnar=True)
    slow = _import(files, tmp_path / "slow", ValueRules(), monkeypatch, columnar=False)
    assert fast[0] == slow[0] and fast[1] == slow[1] and fast[2] == slow[2]
    assert fast[0][3] == (3, 1, 1, 1, 0, 1) and fast[0][4] == (2, 1, 1, 0, 0, 1)


def test_offsets_with_seconds_from_a_zone_before_1900_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Amsterdam's local mean time (+00:19:32) is written with seconds; the row path's text keeps its instant."""
    purchases = ["orderId,customerId,productId,amount,at", "O1,C1,P1,10,1900-06-01T12:00:00"]
    events = ["eventId,customerId,type,at,channelId", "E1,C1,visit,1900-06-01T12:00:00,web"]
    files = _files(tmp_path / "data", purchases, events)
    rules = ValueRules(timezone="Europe/Amsterdam")
    fast = _import(files, tmp_path / "fast", rules, monkeypatch, columnar=True)
    slow = _import(files, tmp_path / "slow", rules, monkeypatch, columnar=False)
    assert fast[0] == slow[0] and fast[2] == slow[2] and fast[0][3][1] == 1
    line = fast[3].facts.final_lines().to_pylist()[0]
    assert line["at"] == "1900-06-01T12:00:00+00:19:32"
    assert line["_at"] == dt.datetime(1900, 6, 1, 11, 40, 28, tzinfo=dt.UTC)


def test_an_import_without_facts_writes_no_fact_files(tmp_path: Path) -> None:
    sink = ImportSink()
    path = _write(tmp_path, "customers.csv", CUSTOMERS)
    Loader(sink, "customers", LoadOptions(source="src", out_dir=tmp_path), salt="salt").load(path)
    nodes, rels = sink.write_csvs(tmp_path / "csv")
    assert sorted(arg.split("=")[1] for arg in nodes) == ["Customer", "DataSource"] and rels == []
    assert not sink.fact_paths


def test_amount_sums_round_as_python_does() -> None:
    """The vectorised rounding of PURCHASED amounts equals ``round(x, 6)``, also next to a half."""
    from graphengine.load.columnar.import_csv import _rounded

    rng = np.random.default_rng(7)
    sums = np.round(rng.uniform(0, 300, size=(20_000, 4)), 2).sum(axis=1)
    halves = np.array([0.0000005, 1.0000005, 2.5e-7, 123.4567895, 1e9 + 0.0000005, 0.1 + 0.2, 272.97])
    values = np.concatenate([sums, halves, halves * 3, -halves])
    assert _rounded(values).to_pylist() == [round(float(v), 6) for v in values]
