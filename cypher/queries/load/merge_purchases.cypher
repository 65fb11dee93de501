// params: $rows, $source
// returns: written — order lines folded into PURCHASED aggregates, once per line id (within and across batches)
UNWIND $rows AS line
WITH line.customerId AS customerId, line.productId AS productId, collect(line) AS lines
MATCH (c:Customer {customerId: customerId})
MATCH (p:Product {productId: productId})
MERGE (c)-[r:PURCHASED]->(p)
ON CREATE SET r.count = 0, r.quantity = 0, r.amount = 0.0, r.lineIds = [], r.orderIds = []
WITH r, reduce(acc = {ids: r.lineIds, fresh: []}, l IN lines |
       CASE WHEN l.lineId IN acc.ids THEN acc ELSE {ids: acc.ids + l.lineId, fresh: acc.fresh + [l]} END
     ).fresh AS fresh
WHERE size(fresh) > 0
WITH r, fresh, [l IN fresh | datetime(l.at)] AS times
SET r.lineIds = r.lineIds + [l IN fresh | l.lineId],
    r.orderIds = reduce(ids = r.orderIds, l IN fresh | CASE WHEN l.orderId IN ids THEN ids ELSE ids + l.orderId END),
    r.count = r.count + size(fresh),
    r.quantity = r.quantity + reduce(q = 0, l IN fresh | q + l.quantity),
    r.amount = r.amount + reduce(a = 0.0, l IN fresh | a + l.amount),
    r.firstAt = reduce(m = r.firstAt, t IN times | CASE WHEN m IS NULL OR t < m THEN t ELSE m END),
    r.lastAt = reduce(m = r.lastAt, t IN times | CASE WHEN m IS NULL OR t > m THEN t ELSE m END),
    r.source = $source
RETURN count(*) AS written
