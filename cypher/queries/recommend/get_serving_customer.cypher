// params: $customerId, $maxFollowees, $rankFloor
// returns: customerId, consentProfiling, communityId, bought (product ids), follows, social — what serving needs
//   besides the interaction row: consent, community (cold start), what the customer bought (explanations) and,
//   with profiling consent only, what the accounts the customer follows bought (owners who consented to profiling;
//   an account owned by a customer without profiling consent is not used at all, so never named)
//   or mentioned positively: per product the sum of PageRank weights (+ $rankFloor), the strongest account and how
MATCH (c:Customer {customerId: $customerId})
CALL (c) {
  MATCH (c)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]->(f:SocialAccount)
  WHERE c.consentProfiling = true AND NOT (c)-[:OWNS]->(f)
    AND NOT EXISTS { (f)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
  WITH DISTINCT f
  ORDER BY f.pagerank DESC, f.accountId
  LIMIT $maxFollowees
  CALL (c, f) {
    MATCH (f)<-[:OWNS]-(owner:Customer)-[:PURCHASED]->(q:Product)
    WHERE owner <> c AND owner.consentProfiling = true
    RETURN DISTINCT q, 'bought' AS how, 1.0 AS strength
    UNION
    MATCH (f)-[m:MENTIONED]->(q:Product)
    WHERE m.sentiment > 0
    RETURN q, 'mentioned' AS how, max(m.sentiment) AS strength
  }
  WITH q, f, how, strength * (coalesce(f.pagerank, 0.0) + $rankFloor) AS w
  WHERE q.placeholder IS NULL
  ORDER BY w DESC, f.accountId
  WITH q, sum(w) AS weight, collect({accountId: f.accountId, handle: f.handle, how: how})[0] AS top
  RETURN collect({productId: q.productId, weight: weight, accountId: top.accountId, handle: top.handle, how: top.how})
    AS social
}
RETURN c.customerId AS customerId, c.consentProfiling AS consentProfiling, c.communityId AS communityId,
       COLLECT { MATCH (c)-[:PURCHASED]->(p:Product) RETURN p.productId } AS bought,
       COUNT { MATCH (c)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]->(f:SocialAccount) WHERE NOT (c)-[:OWNS]->(f) } AS follows,
       social
