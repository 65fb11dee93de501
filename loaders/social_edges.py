#!/usr/bin/env python
"""Load a social graph: accounts and follows files, or a generic edge list, or a public one from PyPI.

Usage::

    .venv/bin/python loaders/social_edges.py --accounts accounts.csv --follows follows.csv --source social
    .venv/bin/python loaders/social_edges.py --edge-list edges.txt --platform forum --source forum
    .venv/bin/python loaders/social_edges.py --lastfm --source lastfm   # Last.fm friendships (graphdatascience wheel)

An edge list is two columns per line (``follower followee``, whitespace or comma separated, ``#`` comments);
its accounts are created from the ids it names, with ids prefixed by the platform.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from _script import run

from graphengine.load import LoadOptions


def write_edge_files(pairs: Iterable[tuple[str, str]], platform: str, folder: Path) -> tuple[Path, Path]:
    """Accounts and follows CSVs for an edge list (ids become ``platform:id``)."""
    folder.mkdir(parents=True, exist_ok=True)
    accounts, follows = folder / "accounts.csv", folder / "follows.csv"
    seen: dict[str, None] = {}
    with follows.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["follower", "followee"])
        for a, b in pairs:
            a, b = f"{platform}:{a}", f"{platform}:{b}"
            seen.update({a: None, b: None})
            writer.writerow([a, b])
    with accounts.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["accountId", "platform", "handle"])
        writer.writerows([account, platform, account.split(":", 1)[1]] for account in seen)
    return accounts, follows


def read_edge_list(path: Path) -> Iterable[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line:
                parts = re.split(r"[\s,;]+", line)
                if len(parts) >= 2:
                    yield parts[0], parts[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=Path)
    parser.add_argument("--follows", type=Path)
    parser.add_argument("--edge-list", type=Path)
    parser.add_argument("--lastfm", action="store_true", help="the Last.fm friendship network (public, via PyPI)")
    parser.add_argument("--platform", default="social")
    parser.add_argument("--source", required=True)
    parser.add_argument("--party", default="third", choices=["first", "second", "third"])
    parser.add_argument("--mode", default="online", choices=["online", "import"])
    parser.add_argument("--out-dir", type=Path, default=Path(".graphengine/loads"))
    args = parser.parse_args(argv)
    work = args.out_dir / "social-edges"
    if args.lastfm:
        from graphengine.recommend.datasets import load_lastfm_friends

        graph = load_lastfm_friends()
        pairs = list(zip(graph.sources.tolist(), graph.targets.tolist(), strict=True))
        # a friendship goes both ways: two follows
        mutual = [(str(a), str(b)) for a, b in pairs] + [(str(b), str(a)) for a, b in pairs]
        accounts, follows = write_edge_files(mutual, "lastfm", work)
    elif args.edge_list:
        accounts, follows = write_edge_files(read_edge_list(args.edge_list), args.platform, work)
    elif args.accounts and args.follows:
        accounts, follows = args.accounts, args.follows
    else:
        parser.error("give --accounts and --follows, or --edge-list, or --lastfm")
    options = LoadOptions(source=args.source, party=args.party, out_dir=args.out_dir)
    return run([("accounts", accounts, options), ("follows", follows, options)], args.mode)


if __name__ == "__main__":
    sys.exit(main())
