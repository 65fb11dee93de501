"""``graphengine evaluate identity``: probabilistic identity resolution on FEBRL, beside recordlinkage's ECM."""

from __future__ import annotations

from typing import Annotated

import typer

from graphengine.commands._common import JsonOpt, out, print_json, print_rows


def identity(
    dataset: Annotated[
        str, typer.Option(help="febrl1, febrl2, febrl3 (deduplicate) or febrl4 (link two files), from PyPI.")
    ] = "febrl4",
    threshold: Annotated[float, typer.Option(help="Match weight (log2 odds) at or above which a pair links.")] = 4.0,
    peer: Annotated[bool, typer.Option(help="Also run recordlinkage's ECM classifier (dev dependency).")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Precision, recall and F1 of the Fellegi–Sunter linkage against FEBRL's true links, beside ECM."""
    from graphengine.analytics.linkage.evaluate import evaluate_febrl

    result = evaluate_febrl(dataset, threshold=threshold, peer=peer)
    if as_json:
        print_json(result)
        return
    title = f"{dataset}: {result['records']} records, {result['trueLinks']} true links, threshold {threshold}"
    print_rows(result["results"], title)
    if result["note"]:
        out.print(result["note"])
