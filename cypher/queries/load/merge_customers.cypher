// params: $rows, $source
// returns: written — customers merged; identifiers arrive already hashed (raw values are never sent)
UNWIND $rows AS row
MERGE (n:Customer {customerId: row.customerId})
SET n += row.props,
    n.signupAt = coalesce(datetime(row.signupAt), n.signupAt),
    n.placeholder = null,
    n.sources = coalesce(n.sources, []) + CASE WHEN $source IN coalesce(n.sources, []) THEN [] ELSE [$source] END
WITH n AS c, row
CALL (c, row) {
  UNWIND row.identifiers AS ident
  MERGE (i:Identifier {idKey: ident.idKey})
  ON CREATE SET i.kind = ident.kind
  MERGE (c)-[h:HAS_IDENTIFIER]->(i)
  SET h.source = $source, h.at = coalesce(h.at, datetime(ident.at)), h.confidence = ident.confidence
}
RETURN count(*) AS written
