// 34 Contact pressure per channel
// Question: How many times were the customers who consented to each channel contacted on it in the $days days up
// to $asOf, and how many of them are at or over a cap of $maxContacts contacts?
// Contacts are the CONTACTED relationships that `graphengine campaign build` records (hold-out customers get
// HELD_OUT instead and are not counted). Consenting customers nobody contacted are the row with contacts = 0, so
// the rows add up to the channel's whole consenting audience. A contact to a customer who has since withdrawn
// consent is listed too, under consented = false.
:param asOf => datetime('2026-04-01T00:00:00Z');
:param days => 7;
:param maxContacts => 2;

UNWIND ['email', 'sms', 'app', 'callcenter'] AS channel
MATCH (c:Customer)
WHERE c.placeholder IS NULL
WITH channel, c,
     CASE channel
       WHEN 'email' THEN c.consentEmail WHEN 'sms' THEN c.consentSms WHEN 'app' THEN c.consentPush
       WHEN 'callcenter' THEN c.consentPhone END = true AS consented,
     COUNT {
       MATCH (c)-[r:CONTACTED]->(:Campaign)
       WHERE r.channel = channel AND r.at > $asOf - duration({days: $days}) AND r.at <= $asOf
     } AS contacts
WHERE consented OR contacts > 0
RETURN channel, consented, contacts, count(c) AS customers, contacts >= $maxContacts AS atOrOverCap,
       contacts > $maxContacts AS overCap
ORDER BY channel, consented DESC, contacts
