// params: $campaign — {campaignId, channel, createdAt, at, name, audience, itemsPerCustomer, cap, capContacts,
//   capDays, holdout, seed, runId}
// returns: campaignId
// A new Campaign node; an existing campaignId fails on the campaign_id constraint (ids are never reused).
CREATE (k:Campaign)
SET k = $campaign
RETURN k.campaignId AS campaignId
