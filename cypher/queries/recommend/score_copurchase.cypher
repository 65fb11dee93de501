// params: $customerId, $maxSources, $maxNeighbours, $candidates, $excludeBought, $category, $minPrice, $maxPrice, $inStock
// returns: productId, name, category, price, inStock, score, viaProductId, viaProductName, support — "bought together":
//   score(q) = Σ over the customer's latest $maxSources products p of cosine(p, q) = co(p, q) / √(d_p · d_q), where
//   co counts p's first $maxNeighbours (storage order) other buyers who also bought q, scaled by (d_p - 1) / sampled buyers
MATCH (c:Customer {customerId: $customerId})
OPTIONAL MATCH (c)-[:PURCHASED]->(b:Product)
WITH c, collect(b) AS bought
CALL (c) {
  MATCH (c)-[r:PURCHASED]->(p:Product)
  WITH p ORDER BY r.lastAt DESC LIMIT $maxSources
  RETURN p
}
WITH c, bought, p, COUNT { (p)<-[:PURCHASED]-() } AS dp
CALL (c, p) {
  MATCH (p)<-[:PURCHASED]-(o:Customer)
  WHERE o <> c
  WITH o LIMIT $maxNeighbours
  RETURN collect(o) AS buyers
}
WITH bought, p, dp, buyers, toFloat(dp - 1) / CASE size(buyers) WHEN 0 THEN 1 ELSE size(buyers) END AS scale
UNWIND buyers AS o
MATCH (o)-[:PURCHASED]->(q:Product)
WHERE q <> p AND q.placeholder IS NULL AND NOT ($excludeBought AND q IN bought)
  AND ($minPrice IS NULL OR q.price >= $minPrice) AND ($maxPrice IS NULL OR q.price <= $maxPrice)
  AND ($inStock IS NULL OR coalesce(q.inStock, true) = $inStock)
  AND ($category IS NULL OR EXISTS { (q)-[:IN_CATEGORY]->(:Category {name: $category}) })
WITH p, dp, scale, q, count(*) AS co
WITH q, p, co, co * scale / sqrt(toFloat(dp) * COUNT { (q)<-[:PURCHASED]-() }) AS sim
ORDER BY sim DESC
WITH q, sum(sim) AS score, collect({p: p, co: co})[0] AS top
ORDER BY score DESC, q.productId
LIMIT $candidates
OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
RETURN q.productId AS productId, q.name AS name, cat.name AS category, q.price AS price, q.inStock AS inStock,
       score, top.p.productId AS viaProductId, top.p.name AS viaProductName, top.co AS support
ORDER BY score DESC, productId
