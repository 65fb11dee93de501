// params: $ids
// returns: missing — the ids among $ids that name no SocialAccount node
UNWIND $ids AS id
OPTIONAL MATCH (n:SocialAccount {accountId: id})
WITH id, n
WHERE n IS NULL
RETURN collect(id) AS missing
