// params: $rows, $source
// returns: rejected — rows not written ({i, reason}: unknown customer, channel or product, or an eventId that
// belongs to another customer); written — events merged.
// An event belongs to the customer that first sent it: (:Event {eventId}) is unique, its customerId is set only
// on creation, and a row naming another customer is refused — an event never gets two PERFORMED links. A re-send
// by the owner corrects the event (an event moved to another channel or product loses its old VIA/ABOUT link).
// Customers with written events are marked eventChainPending until load.relink_event_chains chains them.
WITH $rows AS rows
// lock the customers first, in id order, so every read below sees what concurrent writers and erasures committed
CALL (rows) {
  UNWIND rows AS row
  WITH DISTINCT row.customerId AS id
  ORDER BY id
  MATCH (locked:Customer {customerId: id})
  SET locked.writeLock = true
  REMOVE locked.writeLock
  RETURN count(*) AS locked
}
UNWIND rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
OPTIONAL MATCH (ch:Channel {channelId: row.channelId})
OPTIONAL MATCH (product:Product {productId: row.productId})
WITH row, c, ch, row.productId IS NOT NULL AND product IS NULL AS unknownProduct
OPTIONAL CALL (row, c, ch, unknownProduct) {
  WITH row, c, ch, unknownProduct
  WHERE c IS NOT NULL AND ch IS NOT NULL AND NOT unknownProduct
  MERGE (n:Event {eventId: row.eventId})
  ON CREATE SET n.customerId = row.customerId
  WITH n, row, c, ch
  WHERE n.customerId = row.customerId
  SET n += row.props,
      n.at = datetime(row.at),
      n.channelId = row.channelId,
      n.productId = row.productId,
      n.sources = coalesce(n.sources, []) + CASE WHEN $source IN coalesce(n.sources, []) THEN [] ELSE [$source] END
  MERGE (c)-[:PERFORMED]->(n)
  WITH n, row, ch
  CALL (n, row, ch) {
    OPTIONAL MATCH (n)-[staleVia:VIA]->(other:Channel)
    WHERE other <> ch
    OPTIONAL MATCH (n)-[staleAbout:ABOUT]->(otherProduct:Product)
    WHERE row.productId IS NULL OR otherProduct.productId <> row.productId
    DELETE staleVia, staleAbout
  }
  MERGE (n)-[:VIA]->(ch)
  WITH n, row
  CALL (n, row) {
    OPTIONAL MATCH (p:Product {productId: row.productId})
    WITH p
    WHERE p IS NOT NULL
    MERGE (n)-[:ABOUT]->(p)
  }
  RETURN true AS written
}
WITH row, c, ch, unknownProduct, written
WITH collect(
       CASE
         WHEN c IS NULL THEN {i: row._i, reason: 'customerId: unknown Customer \'' + row.customerId + '\''}
         WHEN ch IS NULL THEN {i: row._i, reason: 'channelId: unknown Channel \'' + row.channelId + '\''}
         WHEN unknownProduct THEN {i: row._i, reason: 'productId: unknown Product \'' + row.productId + '\''}
         WHEN written IS NULL
           THEN {i: row._i, reason: 'eventId: ' + row.eventId + ' belongs to another customer'}
       END
     ) AS rejected,
     collect(DISTINCT CASE WHEN written THEN c END) AS owners,
     count(written) AS written
CALL (owners) {
  UNWIND owners AS owner
  SET owner.eventChainPending = true
}
RETURN rejected, written
