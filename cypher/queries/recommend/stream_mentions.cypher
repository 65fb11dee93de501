// params: $minSentiment
// returns: customers, products — distinct pairs where an account the customer owns mentioned the product with
// sentiment above $minSentiment
MATCH (c:Customer)-[:OWNS]->(:SocialAccount)-[m:MENTIONED]->(p:Product)
WHERE m.sentiment > $minSentiment
WITH DISTINCT c.customerId AS customer, p.productId AS product
RETURN collect(customer) AS customers, collect(product) AS products
