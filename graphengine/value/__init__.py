"""Customer value from purchase lines: RFM scores and segments (:mod:`.rfm`), lifetime value with BG/NBD,
Gamma-Gamma and a calibrated served model (:mod:`.bgnbd`, :mod:`.clv`), the CDNOW evaluation (:mod:`.cdnow`),
basket rules (:mod:`.basket`) and referral value (:mod:`.referral`).

Each concept has a pure function over arrays (one value per customer, aligned with the customer ids) and a
``run_*`` function that reads the graph, computes, and writes the results back with the runId of an AnalysisRun.
The names below are re-exported (the pure RFM function is :func:`graphengine.value.rfm.rfm`: the package's
``rfm`` is that module).
"""

from graphengine.value.basket import Rules, basket_rules, rules_for_product, run_basket
from graphengine.value.bgnbd import BGNBD, GammaGamma
from graphengine.value.cdnow import evaluate_cdnow, load_cdnow
from graphengine.value.clv import Forecast, forecast, run_clv, top_customers
from graphengine.value.paretonbd import ParetoNBD
from graphengine.value.referral import ReferralValue, referral_value, run_referral
from graphengine.value.rfm import SEGMENT_GRID, SEGMENTS, Rfm, quantile_scores, run_rfm, segment_of
from graphengine.value.transactions import Lines, RepeatSummary, holdout_counts, read_lines, repeat_summary

__all__ = [
    "BGNBD",
    "SEGMENTS",
    "SEGMENT_GRID",
    "Forecast",
    "GammaGamma",
    "Lines",
    "ParetoNBD",
    "ReferralValue",
    "RepeatSummary",
    "Rfm",
    "Rules",
    "basket_rules",
    "evaluate_cdnow",
    "forecast",
    "holdout_counts",
    "load_cdnow",
    "quantile_scores",
    "read_lines",
    "referral_value",
    "repeat_summary",
    "rules_for_product",
    "run_basket",
    "run_clv",
    "run_referral",
    "run_rfm",
    "segment_of",
    "top_customers",
]
