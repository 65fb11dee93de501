// params: $customerIds
// returns: customers, links — each customer's events chained by NEXT in (at, eventId) order; stale links removed;
// the customers' eventChainPending marks cleared
UNWIND $customerIds AS cid
MATCH (c:Customer {customerId: cid})
OPTIONAL MATCH (c)-[:PERFORMED]->(e:Event)
WITH c, e
ORDER BY e.at, e.eventId
WITH c, collect(e) AS events
REMOVE c.eventChainPending
WITH c, events
CALL (events) {
  UNWIND range(0, size(events) - 1) AS i
  WITH events[i] AS a, CASE WHEN i < size(events) - 1 THEN events[i + 1] END AS b
  OPTIONAL MATCH (a)-[stale:NEXT]->(x)
  WHERE b IS NULL OR x <> b
  DELETE stale
  WITH a, b
  WHERE b IS NOT NULL
  MERGE (a)-[:NEXT]->(b)
  RETURN count(*) AS links
}
RETURN count(c) AS customers, sum(links) AS links
