// params: $campaignId
// returns: campaignId, name, channel, at, audience, itemsPerCustomer, cap, holdout — one campaign (none: unknown)
MATCH (k:Campaign {campaignId: $campaignId})
RETURN k.campaignId AS campaignId, k.name AS name, k.channel AS channel, toString(k.at) AS at,
       k.audience AS audience, k.itemsPerCustomer AS itemsPerCustomer, k.cap AS cap, k.holdout AS holdout
