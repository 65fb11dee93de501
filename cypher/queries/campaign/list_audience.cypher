// params: $channel, $at, $capDays, $capContacts, $profiling, $segment, $community, $minClv, $minChurnRisk
// returns: customerId, profilingConsent, recentContacts, atCap — the customers who consented to $channel and match
//   the audience options, with their CONTACTED count on $channel in the $capDays days up to $at
// Audience options (segment, community, CLV, churn risk) are profiling: with $profiling they select only customers
// with consentProfiling = true. A null option does not filter. Placeholders (customers only referenced) are no one.
MATCH (c:Customer)
WHERE c.placeholder IS NULL
  AND CASE $channel
        WHEN 'email' THEN c.consentEmail WHEN 'sms' THEN c.consentSms WHEN 'app' THEN c.consentPush
        WHEN 'callcenter' THEN c.consentPhone ELSE false END = true
  AND (NOT $profiling OR c.consentProfiling = true)
  AND ($segment IS NULL OR c.rfmSegment = $segment)
  AND ($community IS NULL OR c.communityId = $community)
  AND ($minClv IS NULL OR c.clv >= $minClv)
  AND ($minChurnRisk IS NULL OR c.churnRisk >= $minChurnRisk)
WITH c, COUNT {
  MATCH (c)-[r:CONTACTED]->(:Campaign)
  WHERE r.channel = $channel AND r.at > $at - duration({days: $capDays}) AND r.at <= $at
} AS recentContacts
RETURN c.customerId AS customerId, c.consentProfiling = true AS profilingConsent, recentContacts,
       recentContacts >= $capContacts AS atCap
ORDER BY customerId
