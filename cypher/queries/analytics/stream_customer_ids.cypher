// params: platform
// returns: ids — every Customer key in scope that is not a placeholder
//   null = every customer; else customers who own an account on that platform
MATCH (n:Customer)
WHERE n.placeholder IS NULL
  AND ($platform IS NULL OR EXISTS { (n)-[:OWNS]->(:SocialAccount {platform: $platform}) })
RETURN collect(n.customerId) AS ids
