// params: none
// returns: customers, products — one entry per PURCHASED pair, as two parallel lists
MATCH (c:Customer)-[:PURCHASED]->(p:Product)
RETURN collect(c.customerId) AS customers, collect(p.productId) AS products
