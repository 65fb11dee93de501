// params: $communityId, $candidates, $category, $minPrice, $maxPrice, $inStock
// returns: productId, name, category, price, inStock, score (= buyers in the community), support — the most bought
//   products among the customers of community $communityId; the same list for the whole community
MATCH (m:Customer {communityId: $communityId})-[:PURCHASED]->(q:Product)
WHERE q.placeholder IS NULL
  AND ($minPrice IS NULL OR q.price >= $minPrice) AND ($maxPrice IS NULL OR q.price <= $maxPrice)
  AND ($inStock IS NULL OR coalesce(q.inStock, true) = $inStock)
  AND ($category IS NULL OR EXISTS { (q)-[:IN_CATEGORY]->(:Category {name: $category}) })
WITH q, count(DISTINCT m) AS buyers
ORDER BY buyers DESC, q.productId
LIMIT $candidates
OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
RETURN q.productId AS productId, q.name AS name, cat.name AS category, q.price AS price, q.inStock AS inStock,
       toFloat(buyers) AS score, buyers AS support
ORDER BY score DESC, productId
