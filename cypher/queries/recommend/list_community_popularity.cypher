// params: $communityId
// returns: productId, buyers — how many customers of community $communityId bought each product (the cold-start list
//   of a customer with no interactions yet but a known community)
MATCH (m:Customer {communityId: $communityId})-[:PURCHASED]->(q:Product)
WHERE q.placeholder IS NULL
RETURN q.productId AS productId, count(DISTINCT m) AS buyers
ORDER BY buyers DESC, productId
