// params: $customerId, $limit
// returns: customer (key properties) and events — the customer's first $limit events in time order, each with its channel and product
MATCH (c:Customer {customerId: $customerId})
CALL (c) {
  MATCH (c)-[:PERFORMED]->(e:Event)
  WITH e ORDER BY e.at, e.eventId LIMIT $limit
  OPTIONAL MATCH (e)-[:VIA]->(ch:Channel)
  OPTIONAL MATCH (e)-[:ABOUT]->(p:Product)
  RETURN collect({
    eventId: e.eventId, type: e.type, at: toString(e.at), sessionId: e.sessionId, value: e.value,
    query: e.query, resultCount: e.resultCount,
    channel: CASE WHEN ch IS NULL THEN null ELSE {channelId: ch.channelId, name: ch.name, kind: ch.kind} END,
    product: CASE WHEN p IS NULL THEN null ELSE {productId: p.productId, name: p.name, brand: p.brand, price: p.price} END
  }) AS events
}
RETURN {customerId: c.customerId, name: c.name, segment: c.segment, country: c.country,
        communityId: c.communityId, events: COUNT { (c)-[:PERFORMED]->(:Event) }} AS customer,
       events
