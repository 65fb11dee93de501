// params: none
// returns: customers, products, ratings — one entry per RATED edge (its latest rating), as parallel lists
MATCH (c:Customer)-[r:RATED]->(p:Product)
WHERE r.rating IS NOT NULL
RETURN collect(c.customerId) AS customers, collect(p.productId) AS products, collect(toFloat(r.rating)) AS ratings
