// params: $customerId, $maxFollowees, $rankFloor, $candidates, $excludeBought, $category, $minPrice, $maxPrice, $inStock
// returns: productId, name, category, price, inStock, score, viaAccountId, viaHandle, how, support — products that
//   accounts the customer's accounts follow bought (only owners who consented to profiling) or mentioned with a
//   positive sentiment, each followee weighted by its PageRank (+ $rankFloor, so unscored accounts still count)
MATCH (c:Customer {customerId: $customerId})
OPTIONAL MATCH (c)-[:PURCHASED]->(b:Product)
WITH c, collect(b) AS bought
CALL (c) {
  MATCH (c)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]->(f:SocialAccount)
  WHERE NOT (c)-[:OWNS]->(f)
  WITH DISTINCT f
  ORDER BY f.pagerank DESC, f.accountId
  LIMIT $maxFollowees
  RETURN f
}
CALL (c, f) {
  MATCH (f)<-[:OWNS]-(owner:Customer)-[:PURCHASED]->(q:Product)
  WHERE owner <> c AND owner.consentProfiling = true
  RETURN DISTINCT q, 'bought' AS how, 1.0 AS strength
  UNION
  MATCH (f)-[m:MENTIONED]->(q:Product)
  WHERE m.sentiment > 0
  RETURN q, 'mentioned' AS how, max(m.sentiment) AS strength
}
WITH bought, f, q, how, strength
WHERE q.placeholder IS NULL AND NOT ($excludeBought AND q IN bought)
  AND ($minPrice IS NULL OR q.price >= $minPrice) AND ($maxPrice IS NULL OR q.price <= $maxPrice)
  AND ($inStock IS NULL OR coalesce(q.inStock, true) = $inStock)
  AND ($category IS NULL OR EXISTS { (q)-[:IN_CATEGORY]->(:Category {name: $category}) })
WITH q, f, how, strength * (coalesce(f.pagerank, 0.0) + $rankFloor) AS w
ORDER BY w DESC, f.accountId
WITH q, sum(w) AS score, count(DISTINCT f) AS support, collect({f: f, how: how})[0] AS top
ORDER BY score DESC, q.productId
LIMIT $candidates
OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
RETURN q.productId AS productId, q.name AS name, cat.name AS category, q.price AS price, q.inStock AS inStock,
       score, top.f.accountId AS viaAccountId, top.f.handle AS viaHandle, top.how AS how, support
ORDER BY score DESC, productId
