// params: $communityId, $top
// returns: size, top influencers, top products, dominant channels and consent share of one community
// Consent: influencers owned by a customer without profiling consent (consentProfiling not true) are left out, and
// products and channels come from consenting customers only; size, customers and the shares count everyone.
MATCH (a:SocialAccount {communityId: $communityId})
WITH collect(a) AS accounts
CALL (accounts) {
  UNWIND accounts AS a
  WITH a WHERE NOT EXISTS { (a)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
  WITH a ORDER BY a.pagerank DESC LIMIT $top
  RETURN collect({accountId: a.accountId, handle: a.handle, score: a.pagerank}) AS influencers
}
CALL (accounts) {
  UNWIND accounts AS a
  MATCH (c:Customer)-[:OWNS]->(a)
  RETURN collect(DISTINCT c) AS customers
}
WITH accounts, influencers, customers, [c IN customers WHERE c.consentProfiling = true] AS consenting
CALL (consenting) {
  UNWIND consenting AS c
  MATCH (c)-[p:PURCHASED]->(x:Product)
  WITH x, sum(p.count) AS bought ORDER BY bought DESC LIMIT $top
  RETURN collect({productId: x.productId, name: x.name, purchases: bought}) AS products
}
CALL (consenting) {
  UNWIND consenting AS c
  MATCH (c)-[:PERFORMED]->(:Event)-[:VIA]->(ch:Channel)
  WITH ch, count(*) AS events ORDER BY events DESC LIMIT $top
  RETURN collect({channelId: ch.channelId, events: events}) AS channels
}
RETURN $communityId AS communityId, size(accounts) AS size, size(customers) AS customers, influencers, products,
       channels,
       CASE WHEN size(customers) = 0 THEN null
            ELSE toFloat(size(consenting)) / size(customers) END AS consentShare,
       CASE WHEN size(customers) = 0 THEN null
            ELSE toFloat(size([c IN customers WHERE c.consentEmail = true])) / size(customers) END AS emailConsentShare
