// 10 Advocate pyramid
// Question: How many accounts sit on each tier of the advocate pyramid (leader, organizer, supporter, follower),
// overall or in one community ($community; null = all), with their average influence and product mentions?
// Needs: `graphengine analyze influencers` (advocateLevel, pagerank, mentions on SocialAccount).
:param community => null;

MATCH (a:SocialAccount)
WHERE a.advocateLevel IS NOT NULL AND ($community IS NULL OR a.communityId = $community)
WITH count(*) AS total, collect(a) AS accounts
UNWIND accounts AS a
WITH total, a.advocateLevel AS tier, count(*) AS accounts, avg(a.pagerank) AS meanPagerank,
     sum(coalesce(a.mentions, 0)) AS mentions, avg(a.reach2) AS meanReach
RETURN tier, accounts, round(100.0 * accounts / total, 1) AS percent, round(meanPagerank, 6) AS meanPagerank,
       mentions, round(meanReach, 1) AS meanReachTwoHops
ORDER BY CASE tier WHEN 'leader' THEN 0 WHEN 'organizer' THEN 1 WHEN 'supporter' THEN 2 ELSE 3 END;
