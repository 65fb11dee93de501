// params: $limit
// returns: campaignId, name, channel, at, createdAt, audience, itemsPerCustomer, cap, holdout, contacted, heldOut,
//   responded — campaigns newest first; the counts are derived from the relationships (an erased customer's go
//   with them)
MATCH (k:Campaign)
RETURN k.campaignId AS campaignId, k.name AS name, k.channel AS channel, toString(k.at) AS at,
       toString(k.createdAt) AS createdAt, k.audience AS audience, k.itemsPerCustomer AS itemsPerCustomer,
       k.cap AS cap, k.holdout AS holdout,
       COUNT { (:Customer)-[:CONTACTED]->(k) } AS contacted,
       COUNT { (:Customer)-[:HELD_OUT]->(k) } AS heldOut,
       COUNT { (:Customer)-[:RESPONDED]->(k) } AS responded
ORDER BY k.at DESC, campaignId
LIMIT $limit
