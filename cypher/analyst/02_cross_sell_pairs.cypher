// 02 Cross-sell pairs
// Question: Which products are bought by the same customers more often than chance (support and lift)?
// Lift = P(both) / (P(x) * P(y)) over customers with at least one purchase; > 1 means they go together.
:param minCustomers => 3;
:param limit => 25;

MATCH (buyer:Customer)
WHERE EXISTS { (buyer)-[:PURCHASED]->(:Product) }
WITH count(buyer) AS buyers
MATCH (x:Product)<-[:PURCHASED]-(c:Customer)-[:PURCHASED]->(y:Product)
WHERE x.productId < y.productId
WITH buyers, x, y, count(DISTINCT c) AS both
WHERE both >= $minCustomers
WITH buyers, x, y, both,
     COUNT { (x)<-[:PURCHASED]-(:Customer) } AS buyersX,
     COUNT { (y)<-[:PURCHASED]-(:Customer) } AS buyersY
RETURN x.productId AS productX, x.name AS nameX, y.productId AS productY, y.name AS nameY,
       both AS customersBoth, buyersX, buyersY,
       round(toFloat(both) / buyers, 4) AS support,
       round(toFloat(both) * buyers / (buyersX * buyersY), 2) AS lift
ORDER BY lift DESC, customersBoth DESC, productX, productY
LIMIT $limit;
