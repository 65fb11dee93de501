// params: none
// returns: src, dst, kind — HAS_IDENTIFIER edges (customer key, identifier key, identifier kind)
MATCH (c:Customer)-[:HAS_IDENTIFIER]->(i:Identifier)
RETURN collect(c.customerId) AS src, collect(i.idKey) AS dst, collect(i.kind) AS kind
