// params: $rows, $source
// returns: written — events merged with PERFORMED, VIA and ABOUT links (NEXT is linked by relink_event_chains)
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MATCH (ch:Channel {channelId: row.channelId})
MERGE (n:Event {eventId: row.eventId})
SET n += row.props,
    n.at = datetime(row.at),
    n.customerId = row.customerId,
    n.channelId = row.channelId,
    n.productId = row.productId,
    n.sources = coalesce(n.sources, []) + CASE WHEN $source IN coalesce(n.sources, []) THEN [] ELSE [$source] END
MERGE (c)-[:PERFORMED]->(n)
MERGE (n)-[:VIA]->(ch)
WITH n, row
CALL (n, row) {
  OPTIONAL MATCH (p:Product {productId: row.productId})
  WITH p WHERE p IS NOT NULL
  MERGE (n)-[:ABOUT]->(p)
}
RETURN count(*) AS written
