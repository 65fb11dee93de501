// 33 Basket rules
// Question: Which products are bought in the same order more often than chance (confidence and lift of A → B)?
// Needs `graphengine value basket` (BOUGHT_WITH rules between products).
:param minLift => 1.0;
:param limit => 25;

MATCH (a:Product)-[r:BOUGHT_WITH]->(b:Product)
WHERE r.lift >= $minLift
RETURN a.productId AS productId, a.name AS name, b.productId AS thenProductId, b.name AS thenName,
       r.orders AS orders, round(r.support, 4) AS support, round(r.confidence, 3) AS confidence,
       round(r.lift, 2) AS lift
ORDER BY lift DESC, confidence DESC, productId, thenProductId
LIMIT $limit;
