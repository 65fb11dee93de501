// params: $communityId, $top
// returns: size, top influencers, top products, dominant channels and consent share of one community
MATCH (a:SocialAccount {communityId: $communityId})
WITH collect(a) AS accounts
CALL (accounts) {
  UNWIND accounts AS a
  WITH a ORDER BY a.pagerank DESC LIMIT $top
  RETURN collect({accountId: a.accountId, handle: a.handle, score: a.pagerank}) AS influencers
}
CALL (accounts) {
  UNWIND accounts AS a
  MATCH (c:Customer)-[:OWNS]->(a)
  RETURN collect(DISTINCT c) AS customers
}
CALL (customers) {
  UNWIND customers AS c
  MATCH (c)-[p:PURCHASED]->(x:Product)
  WITH x, sum(p.count) AS bought ORDER BY bought DESC LIMIT $top
  RETURN collect({productId: x.productId, name: x.name, purchases: bought}) AS products
}
CALL (customers) {
  UNWIND customers AS c
  MATCH (c)-[:PERFORMED]->(:Event)-[:VIA]->(ch:Channel)
  WITH ch, count(*) AS events ORDER BY events DESC LIMIT $top
  RETURN collect({channelId: ch.channelId, events: events}) AS channels
}
RETURN $communityId AS communityId, size(accounts) AS size, size(customers) AS customers, influencers, products,
       channels,
       CASE WHEN size(customers) = 0 THEN null
            ELSE toFloat(size([c IN customers WHERE c.consentProfiling = true])) / size(customers) END AS consentShare,
       CASE WHEN size(customers) = 0 THEN null
            ELSE toFloat(size([c IN customers WHERE c.consentEmail = true])) / size(customers) END AS emailConsentShare
