// params: none
// returns: ids — every SocialAccount key, in one list (the node set of the `social` projection)
MATCH (n:SocialAccount)
RETURN collect(n.accountId) AS ids
