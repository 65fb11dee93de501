// params: $customerId
// returns: customerId, consentProfiling, communityId, bought (product ids), accounts — what the strategies check first
MATCH (c:Customer {customerId: $customerId})
RETURN c.customerId AS customerId, c.consentProfiling AS consentProfiling, c.communityId AS communityId,
       COLLECT { MATCH (c)-[:PURCHASED]->(p:Product) RETURN p.productId } AS bought,
       COUNT { (c)-[:OWNS]->() } AS accounts
