// params: $rows, $source
// returns: written — order lines folded into PURCHASED aggregates; a line id already counted is skipped
UNWIND $rows AS line
WITH line {.*, at: datetime(line.at)} AS row
MATCH (c:Customer {customerId: row.customerId})
MATCH (p:Product {productId: row.productId})
MERGE (c)-[r:PURCHASED]->(p)
ON CREATE SET r.count = 0, r.quantity = 0, r.amount = 0.0, r.lineIds = [], r.orderIds = []
WITH r, row
WHERE NOT row.lineId IN r.lineIds
SET r.lineIds = r.lineIds + row.lineId,
    r.orderIds = r.orderIds + CASE WHEN row.orderId IN r.orderIds THEN [] ELSE [row.orderId] END,
    r.count = r.count + 1,
    r.quantity = r.quantity + row.quantity,
    r.amount = r.amount + row.amount,
    r.firstAt = CASE WHEN r.firstAt IS NULL OR row.at < r.firstAt THEN row.at ELSE r.firstAt END,
    r.lastAt = CASE WHEN r.lastAt IS NULL OR row.at > r.lastAt THEN row.at ELSE r.lastAt END,
    r.source = $source
RETURN count(*) AS written
