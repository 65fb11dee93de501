// params: $customerId, $maxSources, $maxNeighbours, $maxSimilar, $candidates, $excludeBought, $category, $minPrice, $maxPrice, $inStock
// returns: productId, name, category, price, inStock, score, support — "customers like you": the $maxSimilar customers
//   with the highest cosine |shared products| / √(d_c · d_o) (found among the first $maxNeighbours (storage order) buyers of each of
//   the customer's latest $maxSources products) vote for what they bought, weighted by that similarity
MATCH (c:Customer {customerId: $customerId})
OPTIONAL MATCH (c)-[:PURCHASED]->(b:Product)
WITH c, collect(b) AS bought
CALL (c) {
  MATCH (c)-[r:PURCHASED]->(p:Product)
  WITH p ORDER BY r.lastAt DESC LIMIT $maxSources
  RETURN p
}
CALL (c, p) {
  MATCH (p)<-[:PURCHASED]-(o:Customer)
  WHERE o <> c
  WITH o LIMIT $maxNeighbours
  RETURN o
}
WITH c, bought, o, count(*) AS shared
WITH bought, o, shared / sqrt(toFloat(size(bought)) * COUNT { (o)-[:PURCHASED]->() }) AS sim
ORDER BY sim DESC, o.customerId
LIMIT $maxSimilar
MATCH (o)-[:PURCHASED]->(q:Product)
WHERE q.placeholder IS NULL AND NOT ($excludeBought AND q IN bought)
  AND ($minPrice IS NULL OR q.price >= $minPrice) AND ($maxPrice IS NULL OR q.price <= $maxPrice)
  AND ($inStock IS NULL OR coalesce(q.inStock, true) = $inStock)
  AND ($category IS NULL OR EXISTS { (q)-[:IN_CATEGORY]->(:Category {name: $category}) })
WITH q, sum(sim) AS score, count(o) AS support
ORDER BY score DESC, q.productId
LIMIT $candidates
OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
RETURN q.productId AS productId, q.name AS name, cat.name AS category, q.price AS price, q.inStock AS inStock,
       score, support
ORDER BY score DESC, productId
