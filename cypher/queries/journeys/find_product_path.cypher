// params: $customerId, $productId
// returns: nodes, rels, hops — a shortest path (at most 6 hops) from a customer to a product over OWNS, FOLLOWS, MENTIONED, PURCHASED and REFERRED, either direction (how word of mouth or co-purchase links them)
MATCH (c:Customer {customerId: $customerId}), (x:Product {productId: $productId})
MATCH p = ANY SHORTEST (c)-[:OWNS|FOLLOWS|MENTIONED|PURCHASED|REFERRED]-{1,6}(x)
RETURN [n IN nodes(p) | {label: labels(n)[0], key: coalesce(n.customerId, n.accountId, n.productId), name: coalesce(n.name, n.handle)}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: coalesce(startNode(r).customerId, startNode(r).accountId)}] AS rels,
       length(p) AS hops
