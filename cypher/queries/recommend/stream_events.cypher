// params: $types
// returns: customers, products, types — distinct (customer, product, event type) for the given event types
MATCH (c:Customer)-[:PERFORMED]->(e:Event)-[:ABOUT]->(p:Product)
WHERE e.type IN $types
WITH DISTINCT c.customerId AS customer, p.productId AS product, e.type AS type
RETURN collect(customer) AS customers, collect(product) AS products, collect(type) AS types
