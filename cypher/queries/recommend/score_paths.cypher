// params: $customerId, $method, $alpha, $beta, $maxSources, $maxNeighbours, $candidates, $excludeBought, $category, $minPrice, $maxPrice, $inStock
// returns: productId, name, category, price, inStock, score, viaProductId, viaProductName, support — link prediction over
//   customer–product–customer–product paths c→p←o→q: score(q) = d_q^-β · Σ w(d_p) · w(d_o), with w(d) = 1/d^α
//   ($method 'ra', resource allocation; α = 1 is plain RA, α < 1 with β > 0 is RP3β) or 1/log d ('aa', Adamic–Adar);
//   each p keeps its first $maxNeighbours (storage order) other buyers, scaled by (d_p - 1) / sampled buyers
MATCH (c:Customer {customerId: $customerId})
OPTIONAL MATCH (c)-[:PURCHASED]->(b:Product)
WITH c, collect(b) AS bought
CALL (c) {
  MATCH (c)-[r:PURCHASED]->(p:Product)
  WITH p ORDER BY r.lastAt DESC LIMIT $maxSources
  RETURN p
}
WITH c, bought, p, toFloat(COUNT { (p)<-[:PURCHASED]-() }) AS dp
CALL (c, p) {
  MATCH (p)<-[:PURCHASED]-(o:Customer)
  WHERE o <> c
  WITH o LIMIT $maxNeighbours
  RETURN collect(o) AS buyers
}
WITH bought, p, buyers, (dp - 1) / CASE size(buyers) WHEN 0 THEN 1 ELSE size(buyers) END
     * CASE $method WHEN 'aa' THEN 1.0 / log(CASE WHEN dp < 2 THEN 2.0 ELSE dp END) ELSE dp ^ (-$alpha) END AS wp
UNWIND buyers AS o
WITH bought, p, wp, o, toFloat(COUNT { (o)-[:PURCHASED]->() }) AS do
WITH bought, p, o, wp * CASE $method WHEN 'aa' THEN 1.0 / log(CASE WHEN do < 2 THEN 2.0 ELSE do END)
                                     ELSE do ^ (-$alpha) END AS w
MATCH (o)-[:PURCHASED]->(q:Product)
WHERE q <> p AND q.placeholder IS NULL AND NOT ($excludeBought AND q IN bought)
  AND ($minPrice IS NULL OR q.price >= $minPrice) AND ($maxPrice IS NULL OR q.price <= $maxPrice)
  AND ($inStock IS NULL OR coalesce(q.inStock, true) = $inStock)
  AND ($category IS NULL OR EXISTS { (q)-[:IN_CATEGORY]->(:Category {name: $category}) })
WITH q, p, sum(w) AS part, count(*) AS paths
ORDER BY part DESC
WITH q, sum(part) AS mass, collect({p: p, paths: paths})[0] AS top
WITH q, top, mass * toFloat(COUNT { (q)<-[:PURCHASED]-() }) ^ (-$beta) AS score
ORDER BY score DESC, q.productId
LIMIT $candidates
OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
RETURN q.productId AS productId, q.name AS name, cat.name AS category, q.price AS price, q.inStock AS inStock,
       score, top.p.productId AS viaProductId, top.p.name AS viaProductName, top.paths AS support
ORDER BY score DESC, productId
