// params: $campaignId, $at, $rows
// returns: heldOut — relationships recorded
// $rows: [{customerId}]
// Records HELD_OUT {campaignId, at} from each hold-out customer to the campaign: chosen for it, deliberately not
// contacted (the baseline of the response rates). Not a contact: the cap does not count it.
MATCH (k:Campaign {campaignId: $campaignId})
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MERGE (c)-[r:HELD_OUT {campaignId: $campaignId}]->(k)
SET r.at = $at
RETURN count(r) AS heldOut
