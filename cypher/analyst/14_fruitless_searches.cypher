// 14 Fruitless searches
// Question: What do customers search for without finding anything, how often, and do they carry on in the same
// session or leave right after the empty result?
:param limit => 20;

MATCH (s:Event {type: 'search'})
WHERE s.resultCount = 0
OPTIONAL MATCH (s)-[:NEXT]->(n:Event)
WITH s, n, n IS NOT NULL AND n.sessionId = s.sessionId AS stayed
RETURN coalesce(s.query, '(no query text)') AS query, count(*) AS emptySearches,
       count(DISTINCT s.customerId) AS customers,
       sum(CASE WHEN stayed THEN 1 ELSE 0 END) AS continuedSession,
       sum(CASE WHEN stayed THEN 0 ELSE 1 END) AS leftAfter,
       sum(CASE WHEN stayed AND n.type IN ['cart', 'purchase'] THEN 1 ELSE 0 END) AS thenBoughtOrCarted
ORDER BY emptySearches DESC, query
LIMIT $limit;
