// params: none
// returns: recency, frequency, customers — customers per (recency score, frequency score) cell of the RFM grid
//   (every customer with RFM scores; counts name nobody)
MATCH (c:Customer)
WHERE c.rfmRecency IS NOT NULL AND c.rfmFrequency IS NOT NULL
RETURN c.rfmRecency AS recency, c.rfmFrequency AS frequency, count(*) AS customers
ORDER BY recency DESC, frequency
