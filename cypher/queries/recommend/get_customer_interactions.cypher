// params: $customerId, $types, $minSentiment
// returns: found, purchased (product ids), rated ([productId, rating] pairs), events ([productId, type] pairs),
// mentioned (product ids) — one customer's current interactions, the same signals the stream_* files read for
// every customer, for scoring at request time
OPTIONAL MATCH (c:Customer {customerId: $customerId})
RETURN c IS NOT NULL AS found,
       COLLECT { MATCH (c)-[:PURCHASED]->(p:Product) RETURN p.productId } AS purchased,
       COLLECT {
         MATCH (c)-[r:RATED]->(p:Product) WHERE r.rating IS NOT NULL RETURN [p.productId, toFloat(r.rating)]
       } AS rated,
       COLLECT {
         MATCH (c)-[:PERFORMED]->(e:Event)-[:ABOUT]->(p:Product) WHERE e.type IN $types
         RETURN DISTINCT [p.productId, e.type]
       } AS events,
       COLLECT {
         MATCH (c)-[:OWNS]->(:SocialAccount)-[m:MENTIONED]->(p:Product) WHERE m.sentiment > $minSentiment
         RETURN DISTINCT p.productId
       } AS mentioned
