"""The recommender: trained from the graph, saved as versioned artefacts, served and evaluated by one path.

* :mod:`~graphengine.recommend.interactions` — the weighted customer × product matrix read from Neo4j, and one
  customer's live row (fold-in);
* :mod:`~graphengine.recommend.models` — popularity, ItemKNN, RP3β, EASE^R, ALS and BPR;
* :mod:`~graphengine.recommend.ranking` — ``top_k`` with the exclusion policy (serving and evaluation call it);
  :mod:`~graphengine.recommend.topk` — top-K of dense score blocks, per-row pruning of sparse matrices;
* :mod:`~graphengine.recommend.items` — the result types (:class:`~graphengine.recommend.items.Item`,
  :class:`~graphengine.recommend.items.Reason`) of every recommendation list;
* :mod:`~graphengine.recommend.links` — people you may know, products bought together, popular products
  (bounded Cypher) and link-prediction pair scores;
* :mod:`~graphengine.recommend.selection`, :mod:`~graphengine.recommend.training` — validation, tuning, the
  ``recommender train`` pipeline; :mod:`~graphengine.recommend.artefacts` — versions, promote, rollback;
* :mod:`~graphengine.recommend.evaluation` (+ :mod:`~graphengine.recommend.link_evaluation`),
  :mod:`~graphengine.recommend.splits`, :mod:`~graphengine.recommend.metrics`,
  :mod:`~graphengine.recommend.datasets`, :mod:`~graphengine.recommend.log` — offline evaluation on public data.
"""
