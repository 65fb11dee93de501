// 35 Segments overview
// Question: What does each RFM segment weigh: its share of customers and of revenue, the expected future value (CLV)
// and P(alive) of its customers, and their mean churn risk?
// Needs `graphengine value rfm`; the CLV columns need `graphengine value clv` and churn risk the churn model (null
// before). Sizes and revenue count everyone in the segment; the CLV, P(alive) and churn means come from customers
// with profiling consent only (value scores are profiling).
:param minCustomers => 1;

MATCH (c:Customer)
WHERE c.rfmSegment IS NOT NULL
WITH c, c.consentProfiling = true AS shown
OPTIONAL MATCH (c)-[p:PURCHASED]->(:Product)
WITH c, shown, sum(coalesce(p.amount, 0.0)) AS spent
WITH c.rfmSegment AS segment, count(c) AS customers, count(CASE WHEN shown THEN c END) AS consenting,
     sum(spent) AS revenue, avg(CASE WHEN shown THEN c.clv END) AS meanClv,
     avg(CASE WHEN shown THEN c.pAlive END) AS meanPAlive, avg(CASE WHEN shown THEN c.churnRisk END) AS meanChurnRisk
WITH collect({segment: segment, customers: customers, consenting: consenting, revenue: revenue, meanClv: meanClv,
              meanPAlive: meanPAlive, meanChurnRisk: meanChurnRisk}) AS segments,
     sum(customers) AS allCustomers, sum(revenue) AS allRevenue
UNWIND segments AS s
WITH s, allCustomers, allRevenue
WHERE s.customers >= $minCustomers
RETURN s.segment AS segment, s.customers AS customers, round(100.0 * s.customers / allCustomers, 1) AS customerPct,
       round(s.revenue, 2) AS revenue,
       CASE WHEN allRevenue > 0 THEN round(100.0 * s.revenue / allRevenue, 1) END AS revenuePct,
       s.consenting AS consenting, round(s.meanClv, 2) AS meanClv, round(s.meanPAlive, 3) AS meanPAlive,
       round(s.meanChurnRisk, 3) AS meanChurnRisk
ORDER BY revenue DESC, segment;
