"""Customer value from purchase lines: RFM scores and segments (:mod:`.rfm`), lifetime value with BG/NBD,
Gamma-Gamma and a calibrated served model (:mod:`.bgnbd`, :mod:`.clv`), the CDNOW evaluation (:mod:`.cdnow`),
basket rules (:mod:`.basket`) and referral value (:mod:`.referral`).

Each concept has a pure function over arrays (one value per customer, aligned with the customer ids) and a
``run_*`` function that reads the graph, computes, and writes the results back with the runId of an AnalysisRun.
"""
