// params: $campaign
// returns: campaignId
// $campaign holds the Campaign's properties: campaignId, name, channel, createdAt, at, audience, itemsPerCustomer,
// cap, capContacts, capDays, holdout, seed, modelVersion, runId.
// A new Campaign node; an existing campaignId fails on the campaign_id constraint (ids are never reused).
CREATE (k:Campaign)
SET k = $campaign
RETURN k.campaignId AS campaignId
