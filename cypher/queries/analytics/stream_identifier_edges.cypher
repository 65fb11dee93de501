// params: kinds, since, until
// returns: src, dst, kind — HAS_IDENTIFIER edges (customer key, identifier key, identifier kind)
//   the identifier kinds to keep; since/until on HAS_IDENTIFIER.at (null = no limit)
MATCH (c:Customer)-[h:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.kind IN $kinds
  AND ($since IS NULL OR h.at >= $since) AND ($until IS NULL OR h.at < $until)
RETURN collect(c.customerId) AS src, collect(i.idKey) AS dst, collect(i.kind) AS kind
