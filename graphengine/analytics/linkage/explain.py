"""The scored evidence behind a probabilistic link, for ``analyze explain``."""

from __future__ import annotations

from typing import Any

from graphengine.store import Store


def match_evidence(store: Store, a: str, b: str) -> dict[str, Any] | None:
    """The scored evidence (match weight, probability, comparisons) with which the active probabilistic run
    linked two customers directly, if it did."""
    rows = store.query("identity.get_match_evidence", {"a": a, "b": b})
    return dict(rows[0]) if rows else None


def with_match_evidence(store: Store, explained: dict[str, Any]) -> dict[str, Any]:
    """An explanation of a pair, extended with the scored evidence when a probabilistic link joins them."""
    evidence = match_evidence(store, explained["a"], explained["b"])
    if evidence is None:
        return explained
    deciding = "; ".join((evidence["comparisons"] or [])[:4])
    scored = (
        f"scored match, weight {evidence['matchWeight']:.2f} (probability {evidence['matchProbability']:.4f}): "
        f"{deciding}"
    )
    prefix = explained["explanation"] if explained["sameProfile"] else "not in one profile now"
    return {
        **explained,
        "matchWeight": evidence["matchWeight"],
        "matchProbability": evidence["matchProbability"],
        "comparisons": evidence["comparisons"],
        "explanation": f"{prefix}; {scored}",
    }


__all__ = ["match_evidence", "with_match_evidence"]
