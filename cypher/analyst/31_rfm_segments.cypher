// 31 RFM segments
// Question: How many customers are in each RFM segment, how recent and frequent are they, and what do they spend?
// Needs `graphengine value rfm` (rfmSegment and the scores on Customer).
:param minCustomers => 1;

MATCH (c:Customer)
WHERE c.rfmSegment IS NOT NULL
OPTIONAL MATCH (c)-[p:PURCHASED]->(:Product)
WITH c, sum(coalesce(p.amount, 0.0)) AS spent
WITH c.rfmSegment AS segment, count(c) AS customers, avg(c.rfmRecency) AS recencyScore,
     avg(c.rfmFrequency) AS frequencyScore, avg(c.rfmMonetary) AS monetaryScore, sum(spent) AS revenue
WHERE customers >= $minCustomers
RETURN segment, customers, round(recencyScore, 2) AS recencyScore, round(frequencyScore, 2) AS frequencyScore,
       round(monetaryScore, 2) AS monetaryScore, round(revenue, 2) AS revenue,
       round(revenue / customers, 2) AS revenuePerCustomer
ORDER BY revenue DESC, segment;
