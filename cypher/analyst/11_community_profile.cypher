// 11 Community profile
// Question: What does community $community look like: how many accounts and customers, its top influencers,
// what its customers buy, which channels they use, and how many consented to profiling and email?
// Influencers owned by a customer without profiling consent are left out; categories and channels come from
// consenting customers only; the counts and percentages count everyone.
// Needs: `graphengine analyze communities` (communityId on SocialAccount, copied to owning customers).
:param community => 0;
:param top => 5;

MATCH (a:SocialAccount {communityId: $community})
WITH collect(a) AS accounts
CALL (accounts) {
  UNWIND accounts AS a
  WITH a WHERE NOT EXISTS { (a)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
  WITH a ORDER BY a.pagerank DESC LIMIT $top
  RETURN collect(a.handle) AS topInfluencers
}
CALL (accounts) {
  UNWIND accounts AS a
  MATCH (c:Customer)-[:OWNS]->(a)
  RETURN collect(DISTINCT c) AS customers
}
WITH accounts, topInfluencers, customers, [c IN customers WHERE c.consentProfiling = true] AS consenting
CALL (consenting) {
  UNWIND consenting AS c
  MATCH (c)-[p:PURCHASED]->(x:Product)-[:IN_CATEGORY]->(cat:Category)
  WITH cat, sum(p.count) AS lines ORDER BY lines DESC LIMIT $top
  RETURN collect(cat.name + ' (' + lines + ')') AS topCategories
}
CALL (consenting) {
  UNWIND consenting AS c
  MATCH (c)-[:PERFORMED]->(:Event)-[:VIA]->(ch:Channel)
  WITH ch, count(*) AS events ORDER BY events DESC LIMIT $top
  RETURN collect(ch.channelId + ' (' + events + ')') AS topChannels
}
RETURN $community AS community, size(accounts) AS accounts, size(customers) AS customers, topInfluencers,
       topCategories, topChannels,
       round(100.0 * size(consenting) / size(customers), 1) AS pctProfilingConsent,
       round(100.0 * size([c IN customers WHERE c.consentEmail = true]) / size(customers), 1) AS pctEmailConsent;
