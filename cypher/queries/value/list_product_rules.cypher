// params: $productId, $limit, $minLift
// returns: productId, name, orders, support, confidence, lift, runId — the rules $productId → product with a lift of
//   at least $minLift, best lift first; one row with productId null when the product exists without such rules, none
//   when it does not exist
MATCH (a:Product {productId: $productId})
OPTIONAL MATCH (a)-[r:BOUGHT_WITH]->(b:Product)
WHERE r.lift >= $minLift
WITH r, b
ORDER BY r.lift DESC, r.confidence DESC, b.productId
LIMIT $limit
RETURN b.productId AS productId, b.name AS name, r.orders AS orders, r.support AS support,
       r.confidence AS confidence, r.lift AS lift, r.runId AS runId
