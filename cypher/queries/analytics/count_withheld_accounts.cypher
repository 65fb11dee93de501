// params: $platform, $communityId
// returns: accounts — scored social accounts (with a PageRank) that influencer lists leave out because a customer
//   owning them has no profiling consent (consentProfiling not true); null filters = all
MATCH (a:SocialAccount)
WHERE a.pagerank IS NOT NULL
  AND ($platform IS NULL OR a.platform = $platform)
  AND ($communityId IS NULL OR a.communityId = $communityId)
  AND EXISTS { (a)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
RETURN count(a) AS accounts
