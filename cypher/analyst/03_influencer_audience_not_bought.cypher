// 03 Two hops from an influencer, not yet a buyer
// Question: Which customers are two follow-hops from a top influencer (they follow someone who follows the
// influencer, but not the influencer itself) and have not bought a product that influencer mentioned?
// Only customers who consented to profiling are listed (targeting on the social graph is profiling), and only
// influencers whose owners (if any) consented.
:param topInfluencers => 5;
:param limit => 50;

MATCH (star:SocialAccount)
WHERE star.pagerank IS NOT NULL AND EXISTS { (star)-[:MENTIONED]->(:Product) }
  AND NOT EXISTS { (star)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
WITH star ORDER BY star.pagerank DESC LIMIT $topInfluencers
MATCH (star)-[:MENTIONED]->(p:Product)
MATCH (star)<-[:FOLLOWS]-(:SocialAccount)<-[:FOLLOWS]-(acct:SocialAccount)<-[:OWNS]-(c:Customer)
WHERE NOT (acct)-[:FOLLOWS]->(star) AND acct <> star
  AND c.consentProfiling = true
  AND NOT (c)-[:PURCHASED]->(p)
WITH star, p, collect(DISTINCT c.customerId) AS audience
RETURN star.handle AS influencer, round(star.pagerank, 5) AS pagerank, p.productId AS productId, p.name AS product,
       size(audience) AS audienceSize, audience[..10] AS sampleCustomers
ORDER BY audienceSize DESC, influencer, productId
LIMIT $limit;
