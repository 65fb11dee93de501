// params: $rows
// returns: written (rows recorded), rejected ([{i, reason}]: unknown customer or campaign, held out, not contacted)
// $rows: [{i, customerId, campaignId, opened, clicked, bought, at}]
// A response is a fact keyed by (customer, campaign): RESPONDED {campaignId} is merged, so a file loaded twice
// counts once and a re-sent row corrects the earlier values. Only contacted customers respond: a hold-out customer
// or one the campaign did not contact is rejected with the reason.
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
OPTIONAL MATCH (k:Campaign {campaignId: row.campaignId})
WITH row, c, k,
     CASE
       WHEN k IS NULL THEN 'campaignId: no campaign ' + row.campaignId
       WHEN c IS NULL THEN 'customerId: no customer ' + row.customerId
       WHEN EXISTS { (c)-[:HELD_OUT]->(k) } THEN 'customerId: held out of campaign ' + row.campaignId + ', not contacted'
       WHEN NOT EXISTS { (c)-[:CONTACTED]->(k) } THEN 'customerId: not contacted in campaign ' + row.campaignId
     END AS reason
CALL (row, c, k, reason) {
  WITH * WHERE reason IS NULL
  MERGE (c)-[r:RESPONDED {campaignId: row.campaignId}]->(k)
  SET r.opened = row.opened, r.clicked = row.clicked, r.bought = row.bought,
      r.at = CASE WHEN row.at IS NULL THEN k.at ELSE datetime(row.at) END
  RETURN count(r) AS written
}
RETURN sum(written) AS written, collect(CASE WHEN reason IS NOT NULL THEN {i: row.i, reason: reason} END) AS rejected
