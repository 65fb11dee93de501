// params: $productId, $maxNeighbours, $limit
// returns: productId, name, category, items — the product, and the products bought together with it ranked by cosine
//   co(p, q) / √(d_p · d_q), co counted among p's first $maxNeighbours (storage order) buyers and scaled by d_p / sampled buyers
MATCH (p:Product {productId: $productId})
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(pc:Category)
CALL (p) {
  MATCH (p)<-[:PURCHASED]-(o:Customer)
  WITH o LIMIT $maxNeighbours
  RETURN collect(o) AS buyers
}
CALL (p, buyers) {
  WITH toFloat(COUNT { (p)<-[:PURCHASED]-() }) AS dp
  UNWIND buyers AS o
  MATCH (o)-[:PURCHASED]->(q:Product)
  WHERE q <> p AND q.placeholder IS NULL
  WITH dp, q, count(*) AS co
  WITH q, co, co * (dp / size(buyers)) / sqrt(dp * COUNT { (q)<-[:PURCHASED]-() }) AS score
  ORDER BY score DESC, q.productId
  LIMIT $limit
  OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
  RETURN collect({productId: q.productId, name: q.name, category: cat.name, price: q.price, inStock: q.inStock,
                  score: score, support: co}) AS items
}
RETURN p.productId AS productId, p.name AS name, pc.name AS category, items
