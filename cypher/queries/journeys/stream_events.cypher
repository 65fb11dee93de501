// params: $lower, $upper, $since, $until
// returns: aligned columns eventId, customerId, atMs, type, channelId, productId, value, resultCount, sessionId for the events of customers lower..upper (inclusive) at since <= at < until (null = open); missing values as '' / NaN / -1
MATCH (c:Customer)-[:PERFORMED]->(e:Event)
WHERE c.customerId >= $lower AND c.customerId <= $upper
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
RETURN collect(e.eventId) AS eventId,
       collect(c.customerId) AS customerId,
       collect(e.at.epochMillis) AS atMs,
       collect(coalesce(e.type, '')) AS type,
       collect(coalesce(e.channelId, '')) AS channelId,
       collect(coalesce(e.productId, '')) AS productId,
       collect(coalesce(toFloat(e.value), 0.0 / 0.0)) AS value,
       collect(coalesce(e.resultCount, -1)) AS resultCount,
       collect(coalesce(e.sessionId, '')) AS sessionId
