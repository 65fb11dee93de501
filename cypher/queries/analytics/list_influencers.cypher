// params: $limit, $platform, $communityId
// returns: ranked accounts with score, reach, community, engagement, owner and the owner's referralValue (what
//   the customers they referred are worth, from `graphengine value referral`; null until computed); null filters =
//   all; accounts owned by a customer without profiling consent (consentProfiling not true) are left out
//   (analytics.count_withheld_accounts counts them); accounts nobody owns are not customers and stay
MATCH (a:SocialAccount)
WHERE a.pagerank IS NOT NULL
  AND ($platform IS NULL OR a.platform = $platform)
  AND ($communityId IS NULL OR a.communityId = $communityId)
  AND NOT EXISTS { (a)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
OPTIONAL MATCH (c:Customer)-[:OWNS]->(a)
RETURN a.accountId AS accountId, a.handle AS handle, a.platform AS platform, a.pagerank AS score,
       a.betweenness AS betweenness, a.inDegree AS followers, a.reach2 AS reach2, a.communityId AS communityId,
       a.mentions AS mentions, a.advocateLevel AS advocateLevel, c.customerId AS customerId,
       c.referralValue AS referralValue
ORDER BY score DESC, accountId
LIMIT $limit
