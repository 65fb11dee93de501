// params: none
// returns: src, dst, weight — PURCHASED edges (customer key, product key, purchase count)
MATCH (c:Customer)-[p:PURCHASED]->(x:Product)
RETURN collect(c.customerId) AS src, collect(x.productId) AS dst, collect(p.count) AS weight
