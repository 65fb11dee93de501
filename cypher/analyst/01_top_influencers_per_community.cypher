// 01 Top influencers per community
// Question: Who are the most influential social accounts in each community, how far do they reach, and who owns them?
// Needs: `graphengine analyze influencers` and `analyze communities` (pagerank, reach2, communityId on SocialAccount).
// Accounts owned by a customer without profiling consent are left out (counted in `accounts`).
// Run the whole file in Neo4j Browser (the :param lines set the example values; change them to taste).
:param top => 3;

MATCH (a:SocialAccount)
WHERE a.communityId IS NOT NULL AND a.pagerank IS NOT NULL
WITH a, NOT EXISTS { (a)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true } AS shown
ORDER BY a.pagerank DESC
WITH a.communityId AS community, count(*) AS accounts, collect(CASE WHEN shown THEN a END)[..$top] AS leaders
WHERE size(leaders) > 0
UNWIND range(0, size(leaders) - 1) AS k
WITH community, accounts, k + 1 AS rank, leaders[k] AS a
OPTIONAL MATCH (owner:Customer)-[:OWNS]->(a)
RETURN community, accounts, rank, a.handle AS handle, a.platform AS platform,
       round(a.pagerank, 5) AS pagerank, a.inDegree AS followers, a.reach2 AS reachTwoHops,
       a.advocateLevel AS tier, owner.customerId AS ownerCustomerId
ORDER BY accounts DESC, community, rank;
