// params: $limit
// returns: deleted — how many nodes this batch removed (0 when only schema bookkeeping is left)
MATCH (n)
WHERE NOT n:SchemaVersion
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
