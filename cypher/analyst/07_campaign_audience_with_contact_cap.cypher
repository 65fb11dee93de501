// 07 Campaign audience: consent and a contact-frequency cap ("stop spamming")
// Question: Whom may we contact on $channelKind now — they consented to that channel, were contacted fewer than
// $maxContacts times in the last $windowDays days and not at all in the last $minGapDays days?
// Contacts are events on channels of that kind (sends, opens, clicks), the campaigns' CONTACTED relationships on
// that channel (`graphengine campaign build`) and Customer.lastContactedAt when the CRM sets it. Targeting one
// community ($community; null = everyone) is profiling, so it also needs consentProfiling.
:param channelKind => 'email';
:param asOf => datetime('2026-04-01T00:00:00Z');
:param windowDays => 30;
:param maxContacts => 2;
:param minGapDays => 7;
:param community => null;
:param limit => 100;

MATCH (c:Customer)
WHERE c.placeholder IS NULL
  AND CASE $channelKind
        WHEN 'email' THEN c.consentEmail WHEN 'sms' THEN c.consentSms WHEN 'app' THEN c.consentPush
        WHEN 'callcenter' THEN c.consentPhone ELSE false END = true
  AND ($community IS NULL OR (c.communityId = $community AND c.consentProfiling = true))
CALL (c) {
  OPTIONAL MATCH (c)-[:PERFORMED]->(e:Event)-[:VIA]->(:Channel {kind: $channelKind})
  WHERE e.at >= $asOf - duration({days: $windowDays}) AND e.at < $asOf
  RETURN count(e) AS events, max(e.at) AS lastEventAt
}
CALL (c) {
  OPTIONAL MATCH (c)-[r:CONTACTED {channel: $channelKind}]->(:Campaign)
  WHERE r.at >= $asOf - duration({days: $windowDays}) AND r.at < $asOf
  RETURN count(r) AS sends, max(r.at) AS lastSend
}
WITH c, events + sends AS recentContacts,
     CASE WHEN lastSend IS NULL OR (lastEventAt IS NOT NULL AND lastEventAt > lastSend) THEN lastEventAt
          ELSE lastSend END AS lastEvent
WITH c, recentContacts,
     CASE WHEN c.lastContactedAt IS NULL THEN lastEvent
          WHEN lastEvent IS NULL OR datetime(c.lastContactedAt) > lastEvent THEN datetime(c.lastContactedAt)
          ELSE lastEvent END AS lastContact
WHERE recentContacts < $maxContacts
  AND (lastContact IS NULL OR lastContact < $asOf - duration({days: $minGapDays}))
RETURN c.customerId AS customerId, c.name AS name, c.communityId AS community, recentContacts,
       toString(lastContact) AS lastContact
ORDER BY recentContacts, lastContact, customerId
LIMIT $limit;
