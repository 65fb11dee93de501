// params: $rows
// returns: written — sets row.props (scores, communityId, runIds…) on SocialAccount nodes keyed by row.id
UNWIND $rows AS row
MATCH (n:SocialAccount {accountId: row.id})
SET n += row.props
RETURN count(n) AS written
