// params: $rows, $source
// returns: written — social accounts merged; OWNS links the owner when that customer exists
UNWIND $rows AS row
MERGE (n:SocialAccount {accountId: row.accountId})
SET n += row.props,
    n.placeholder = null,
    n.sources = coalesce(n.sources, []) + CASE WHEN $source IN coalesce(n.sources, []) THEN [] ELSE [$source] END
WITH n, row
CALL (n, row) {
  OPTIONAL MATCH (c:Customer {customerId: row.customerId})
  WITH c WHERE c IS NOT NULL
  MERGE (c)-[r:OWNS]->(n)
  SET r.source = $source
}
RETURN count(*) AS written
