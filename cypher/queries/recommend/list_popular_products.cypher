// params: $candidates, $category, $minPrice, $maxPrice, $inStock
// returns: productId, name, category, price, inStock, score (= number of buyers), support — the most bought products
//   overall (per category with $category); the same list for everyone, so callers cache it and drop what one bought
MATCH (q:Product)
WHERE q.placeholder IS NULL
  AND ($minPrice IS NULL OR q.price >= $minPrice) AND ($maxPrice IS NULL OR q.price <= $maxPrice)
  AND ($inStock IS NULL OR coalesce(q.inStock, true) = $inStock)
  AND ($category IS NULL OR EXISTS { (q)-[:IN_CATEGORY]->(:Category {name: $category}) })
WITH q, COUNT { (q)<-[:PURCHASED]-() } AS buyers
WHERE buyers > 0
ORDER BY buyers DESC, q.productId
LIMIT $candidates
OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
RETURN q.productId AS productId, q.name AS name, cat.name AS category, q.price AS price, q.inStock AS inStock,
       toFloat(buyers) AS score, buyers AS support
ORDER BY score DESC, productId
