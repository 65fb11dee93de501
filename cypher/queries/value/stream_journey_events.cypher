// params: none
// returns: customers, sessions, types, atMs, fruitless, channels — the cart, purchase and search events of every
//   customer, as parallel lists (fruitless: a search that found nothing, resultCount = 0; channel '' when none)
MATCH (c:Customer)-[:PERFORMED]->(e:Event)
WHERE e.type IN ['cart', 'purchase', 'search'] AND e.at IS NOT NULL
RETURN collect(c.customerId) AS customers, collect(coalesce(e.sessionId, e.eventId)) AS sessions,
       collect(e.type) AS types, collect(e.at.epochMillis) AS atMs,
       collect(coalesce(e.type = 'search' AND e.resultCount = 0, false)) AS fruitless,
       collect(coalesce(e.channelId, '')) AS channels
