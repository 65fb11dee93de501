// params: $limit
// returns: communityId, size, accounts — communities of the social graph by size
MATCH (a:SocialAccount)
WHERE a.communityId IS NOT NULL
WITH a.communityId AS communityId, count(*) AS size
RETURN communityId, size
ORDER BY size DESC, communityId
LIMIT $limit
