// params: $customerIds, $types, $minSentiment, $maxFollowees, $rankFloor, $allSignals
// returns: customerId, consentProfiling, communityId, bought, follows, social, rated, events, mentioned
//   per known customer of $customerIds (unknown ids return no row) — what serving needs, in one round trip:
//   consent, community (cold start), what the customer bought (explanations); with profiling consent only, the
//   current interactions besides purchases ([productId, rating] pairs, [productId, event type] pairs for
//   event types $types, products mentioned with sentiment above $minSentiment — the same signals the stream_*
//   queries read for every customer) and what the accounts the customer follows bought (owners who consented to
//   profiling; an account owned by a customer without profiling consent is not used at all, so never named) or
//   mentioned positively: per product the sum of PageRank weights (+ $rankFloor), the strongest account and how.
//   Without profiling consent the social list is empty, and so are the interaction lists unless $allSignals is
//   true (training's view of a customer, for checks against the projected matrix).
UNWIND $customerIds AS customerId
MATCH (c:Customer {customerId: customerId})
WITH c, c.consentProfiling = true AS profiled, c.consentProfiling = true OR $allSignals AS signals
CALL (c, profiled) {
  MATCH (c)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]->(f:SocialAccount)
  WHERE profiled AND NOT (c)-[:OWNS]->(f)
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
       social,
       CASE WHEN signals THEN COLLECT {
         MATCH (c)-[r:RATED]->(p:Product) WHERE r.rating IS NOT NULL RETURN [p.productId, toFloat(r.rating)]
       } ELSE [] END AS rated,
       CASE WHEN signals THEN COLLECT {
         MATCH (c)-[:PERFORMED]->(e:Event)-[:ABOUT]->(p:Product) WHERE e.type IN $types
         RETURN DISTINCT [p.productId, e.type]
       } ELSE [] END AS events,
       CASE WHEN signals THEN COLLECT {
         MATCH (c)-[:OWNS]->(:SocialAccount)-[m:MENTIONED]->(p:Product) WHERE m.sentiment > $minSentiment
         RETURN DISTINCT p.productId
       } ELSE [] END AS mentioned
