// params: $rows, $source
// returns: moved — customers an event was taken from (their NEXT chains need relinking); events are merged with
// PERFORMED, VIA and ABOUT links that always match the row (an event re-loaded under another customer, channel or
// product loses its old links); NEXT is linked by relink_event_chains
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
WITH n, row, c, ch
CALL (n, c, ch, row) {
  OPTIONAL MATCH (other:Customer)-[stale:PERFORMED]->(n)
  WHERE other <> c
  OPTIONAL MATCH (n)-[staleNext:NEXT]-()
  WHERE other IS NOT NULL
  OPTIONAL MATCH (n)-[staleVia:VIA]->(otherChannel:Channel)
  WHERE otherChannel <> ch
  OPTIONAL MATCH (n)-[staleAbout:ABOUT]->(otherProduct:Product)
  WHERE row.productId IS NULL OR otherProduct.productId <> row.productId
  DELETE stale, staleNext, staleVia, staleAbout
  RETURN collect(DISTINCT other.customerId) AS movedFrom
}
MERGE (c)-[:PERFORMED]->(n)
MERGE (n)-[:VIA]->(ch)
WITH n, row, movedFrom
CALL (n, row) {
  OPTIONAL MATCH (p:Product {productId: row.productId})
  WITH p WHERE p IS NOT NULL
  MERGE (n)-[:ABOUT]->(p)
}
UNWIND (movedFrom + [null]) AS moved
RETURN collect(DISTINCT moved) AS moved
