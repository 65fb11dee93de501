// params: $campaignId, $channel, $at, $capDays, $capContacts, $rows
// returns: contacted (customer ids recorded), refused (customer ids at the cap when their lock was held)
// $rows: [{customerId}]
// Records CONTACTED {at, channel, campaignId} from each customer to the campaign. Each customer is locked first (in
// id order) and the cap counted again under the lock, so two campaigns built at once cannot both push a customer
// over the cap: the later one refuses that customer. A re-run with the same rows changes nothing (MERGE on the key).
MATCH (k:Campaign {campaignId: $campaignId})
UNWIND $rows AS row
WITH k, row
ORDER BY row.customerId
MATCH (c:Customer {customerId: row.customerId})
SET c.writeLock = true
REMOVE c.writeLock
WITH k, c, COUNT {
  MATCH (c)-[r:CONTACTED]->(o:Campaign)
  WHERE r.channel = $channel AND r.at > $at - duration({days: $capDays}) AND r.at <= $at AND o <> k
} AS recent
CALL (k, c, recent) {
  WITH * WHERE recent < $capContacts
  MERGE (c)-[r:CONTACTED {campaignId: $campaignId}]->(k)
  SET r.at = $at, r.channel = $channel
  RETURN count(r) AS written
}
RETURN collect(CASE WHEN written > 0 THEN c.customerId END) AS contacted,
       collect(CASE WHEN written = 0 THEN c.customerId END) AS refused
