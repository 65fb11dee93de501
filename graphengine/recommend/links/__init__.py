"""Link recommendations on the graph: "people you may know", products bought together, popular products.

* :mod:`~graphengine.recommend.links.online` — lists computed online with bounded Cypher (similar products,
  people you may know, popular products with :class:`~graphengine.recommend.filters.Filters`);
* :mod:`~graphengine.recommend.links.pair_scoring` — link prediction scores for node pairs of the social graph
  (common neighbours, Adamic–Adar, resource allocation, Jaccard, preferential attachment), as
  :mod:`graphengine.recommend.link_evaluation` measures them.

Recommendations *for a customer* come from the trained model (:mod:`graphengine.recommend.serving`); the result
types (``Item``, ``Reason``) are in :mod:`graphengine.recommend.items`, ``Filters`` in
:mod:`graphengine.recommend.filters`.
"""

from graphengine.recommend.links.online import (
    PEOPLE_METHODS,
    Bounds,
    Memo,
    People,
    PeopleMethod,
    Person,
    SimilarProducts,
    customer_context,
    filter_params,
    people_you_may_know,
    popular,
    similar_products,
)
from graphengine.recommend.links.pair_scoring import (
    PAIR_METHODS,
    PairMethod,
    recommend_pairs,
    score_pairs,
    symmetric_adjacency,
    two_hop_scores,
)

__all__ = [
    "PAIR_METHODS",
    "PEOPLE_METHODS",
    "Bounds",
    "Memo",
    "PairMethod",
    "People",
    "PeopleMethod",
    "Person",
    "SimilarProducts",
    "customer_context",
    "filter_params",
    "people_you_may_know",
    "popular",
    "recommend_pairs",
    "score_pairs",
    "similar_products",
    "symmetric_adjacency",
    "two_hop_scores",
]
