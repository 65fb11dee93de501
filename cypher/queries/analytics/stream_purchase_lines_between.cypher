// params: since, until
// returns: src, dst, weight — per customer–product pair, the number of its purchase lines in [since, until)
//   null = no limit
MATCH (l:OrderLine)
WHERE ($since IS NULL OR l.at >= $since) AND ($until IS NULL OR l.at < $until)
WITH l.customerId AS customer, l.productId AS product, count(*) AS lines
RETURN collect(customer) AS src, collect(product) AS dst, collect(lines) AS weight
