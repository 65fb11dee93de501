// params: $since, $limit
// returns: customerId, sessionId, abandonedAt, cartProducts, steps — sessions with a cart event (at or after since; null = all) and no purchase or conversion later in the session, newest first, each with its events in order
MATCH (cart:Event {type: 'cart'})
WHERE ($since IS NULL OR cart.at >= $since) AND cart.sessionId IS NOT NULL
  AND NOT EXISTS {
    MATCH (cart) (()-[:NEXT]->(step:Event WHERE step.sessionId = cart.sessionId))+ (later:Event)
    WHERE later.type IN ['purchase', 'conversion']
  }
WITH cart.customerId AS customerId, cart.sessionId AS sessionId, max(cart.at) AS abandonedAt,
     collect(DISTINCT cart.productId) AS cartProducts
ORDER BY abandonedAt DESC, customerId
LIMIT $limit
CALL (customerId, sessionId) {
  MATCH (:Customer {customerId: customerId})-[:PERFORMED]->(e:Event {sessionId: sessionId})
  WITH e ORDER BY e.at, e.eventId
  RETURN collect({eventId: e.eventId, type: e.type, at: toString(e.at), channelId: e.channelId,
                  productId: e.productId, resultCount: e.resultCount}) AS steps
}
RETURN customerId, sessionId, toString(abandonedAt) AS abandonedAt, cartProducts, steps
