"""The value block, segment and rule models, and the report's value sections, on hand-made rows (no database)."""

from __future__ import annotations

import re

from graphengine.api.schemas_value import WITHHELD_REASON, product_rules_out, segments_out, value_out
from graphengine.report._value import value_charts

EMPTY = {
    "rfmGrid": [],
    "clv": {"values": [], "withheld": 0, "runIds": []},
    "segments": [],
    "rules": {"stored": 0, "minOrders": 5, "top": []},
    "contacts": {"days": 30, "since": "2026-11-01T00:00:00+00:00", "rows": []},
}


def test_value_parts_are_null_when_their_run_never_wrote_them() -> None:
    value = value_out({"rfmRecency": 5, "rfmFrequency": 1, "rfmSegment": "new", "rfmRunId": "r1"}, consented=True)
    assert value.withheld is False and value.lifetime is None and value.referral is None and value.churn is None
    assert value.rfm is not None and (value.rfm.recency, value.rfm.monetary, value.rfm.runId) == (5, None, "r1")
    churn = value_out({"churnRisk": 0.0, "churnRunId": "c1"}, consented=True).churn
    assert churn is not None and churn.risk == 0.0 and churn.drivers == []  # a risk of 0 is a value, not "missing"


def test_value_is_withheld_without_consent_whatever_the_row_holds() -> None:
    value = value_out({"churnRisk": 0.9, "clv": 10.0}, consented=False)
    assert value.model_dump() == {
        "withheld": True,
        "reason": WITHHELD_REASON,
        "rfm": None,
        "lifetime": None,
        "referral": None,
        "churn": None,
    }


def test_segments_and_rules_models() -> None:
    rows = [
        {
            "segment": "champions",
            "customers": 3,
            "consenting": 2,
            "meanMonetary": 10.0,
            "meanClv": None,
            "clvScored": 0,
            "meanChurnRisk": None,
            "churnScored": 0,
            "rfmRunIds": ["r2", "r1", None],
            "clvRunIds": [None],
            "churnRunIds": [],
        }
    ]
    body = segments_out(rows)
    assert (body.count, body.customers, body.runIds.rfm, body.runIds.clv, body.note) == (1, 3, ["r1", "r2"], [], None)
    assert "graphengine value rfm" in (segments_out([]).note or "")
    rule = {"productId": "B", "name": "b", "orders": 2, "support": 0.5, "confidence": 1.0, "lift": 2.0, "runId": "x"}
    out = product_rules_out("A", [rule])
    assert (out.runId, out.count, out.items[0].consequent) == ("x", 1, "B")
    assert product_rules_out("A", []).model_dump() == {"productId": "A", "runId": None, "count": 0, "items": []}


def test_every_value_section_says_what_to_run_before_its_data_exists() -> None:
    charts = value_charts(EMPTY)
    assert [re.search(r'id="chart-([a-z-]+)"', c).group(1) for c in charts] == [  # type: ignore[union-attr]
        "rfm-grid",
        "clv",
        "churn-by-segment",
        "basket-rules",
        "contact-pressure",
    ]
    assert all('class="empty"' in c and "<svg" not in c for c in charts)
    for chart, command in zip(
        charts, ("value rfm", "value clv", "value rfm", "value basket", "campaign build"), strict=True
    ):
        assert f"graphengine {command}" in chart
    segment = {"segment": "lost", "customers": 4, "churnScored": 0, "meanChurnRisk": None}
    assert "graphengine value churn" in value_charts({**EMPTY, "segments": [segment]})[2]
    withheld = value_charts({**EMPTY, "clv": {"values": [], "withheld": 3, "runIds": []}})[1]
    assert "3 customers without profiling consent left out" in withheld and "not been computed" not in withheld
