// params: platform
// returns: ids — every SocialAccount key in scope, in one list (the node set of the `social` projection)
//   null = every platform
MATCH (n:SocialAccount)
WHERE $platform IS NULL OR n.platform = $platform
RETURN collect(n.accountId) AS ids
