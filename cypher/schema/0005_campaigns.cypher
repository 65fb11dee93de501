// Campaigns (`graphengine campaign build`): one Campaign node per send, keyed by campaignId; CONTACTED, HELD_OUT
// and RESPONDED relationships from customers carry the campaignId too.
CREATE CONSTRAINT campaign_id IF NOT EXISTS FOR (n:Campaign) REQUIRE n.campaignId IS UNIQUE;
