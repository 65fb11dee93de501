// params: none
// returns: src, dst — REFERRED edges between customers
MATCH (a:Customer)-[:REFERRED]->(b:Customer)
RETURN collect(a.customerId) AS src, collect(b.customerId) AS dst
