// params: $limit
// returns: customerId — customers whose event chains a load wrote but did not relink (it was stopped or killed)
MATCH (c:Customer)
WHERE c.eventChainPending = true
RETURN c.customerId AS customerId
LIMIT $limit
