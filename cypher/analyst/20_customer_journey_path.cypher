// 20 One customer's journey as a path
// Question: What did customer $customerId do, event by event along the NEXT chain, on which channels and about
// which products?
// Shown as a path in Neo4j Browser; `steps` spells it out. Nothing for a customer without profiling consent.
:param customerId => 'C000001';

MATCH (c:Customer {customerId: $customerId})-[:PERFORMED]->(first:Event)
WHERE c.consentProfiling = true AND NOT EXISTS { (:Event)-[:NEXT]->(first) }
MATCH p = (first)-[:NEXT]->*(last:Event)
WHERE NOT EXISTS { (last)-[:NEXT]->(:Event) }
RETURN c.customerId AS customerId, length(p) + 1 AS events,
       [e IN nodes(p) | e.channelId + ':' + e.type + coalesce(' ' + e.productId, '')] AS steps, p;
