// params: none
// returns: ids, events — keys of customers with events (sorted as Cypher sorts strings) and their event counts
MATCH (c:Customer)
WITH c, COUNT { (c)-[:PERFORMED]->(:Event) } AS events
WHERE events > 0
WITH c.customerId AS id, events
ORDER BY id
RETURN collect(id) AS ids, collect(events) AS events
