// 04 Abandonment journeys in the last N days
// Question: Which sessions in the last $days days (before $asOf) put something in the cart and then ended
// without a purchase, and what did the customer do in that session, step by step?
// Only customers who consented to profiling are listed.
// For live data set asOf to datetime(); the demo's events run from January to March 2026.
:param days => 30;
:param asOf => datetime('2026-04-01T00:00:00Z');
:param limit => 25;

MATCH (cart:Event {type: 'cart'})
WHERE cart.at >= $asOf - duration({days: $days}) AND cart.at < $asOf AND cart.sessionId IS NOT NULL
  AND EXISTS { (:Customer {customerId: cart.customerId, consentProfiling: true}) }
  AND NOT EXISTS {
    MATCH (cart) (()-[:NEXT]->(step:Event WHERE step.sessionId = cart.sessionId))+ (later:Event)
    WHERE later.type IN ['purchase', 'conversion']
  }
WITH cart.customerId AS customerId, cart.sessionId AS sessionId, max(cart.at) AS abandonedAt,
     collect(DISTINCT cart.productId) AS cartProducts
ORDER BY abandonedAt DESC, customerId
LIMIT $limit
MATCH (:Customer {customerId: customerId})-[:PERFORMED]->(e:Event {sessionId: sessionId})
WITH customerId, sessionId, abandonedAt, cartProducts, e ORDER BY e.at, e.eventId
WITH customerId, sessionId, abandonedAt, cartProducts, collect(e.channelId + ':' + e.type) AS steps
RETURN customerId, sessionId, toString(abandonedAt) AS abandonedAt, cartProducts, size(steps) AS events,
       reduce(s = head(steps), x IN tail(steps) | s + ' > ' + x) AS journey
ORDER BY abandonedAt DESC, customerId;
