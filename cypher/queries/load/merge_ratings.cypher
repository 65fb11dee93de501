// params: $rows, $source
// returns: written — RATED edges; the latest rating (by time) wins
UNWIND $rows AS line
WITH line {.*, at: datetime(line.at)} AS row
MATCH (c:Customer {customerId: row.customerId})
MATCH (p:Product {productId: row.productId})
MERGE (c)-[r:RATED]->(p)
WITH r, row
WHERE r.at IS NULL OR row.at IS NULL OR row.at >= r.at
SET r.rating = row.rating, r.at = row.at, r.source = $source
RETURN count(*) AS written
