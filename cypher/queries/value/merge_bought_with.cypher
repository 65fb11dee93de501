// params: $rows, $runId
// returns: written — one BOUGHT_WITH edge per row {a, b, orders, support, confidence, lift} (the rule a → b)
//   between existing products, stamped with $runId
UNWIND $rows AS row
MATCH (a:Product {productId: row.a})
MATCH (b:Product {productId: row.b})
MERGE (a)-[r:BOUGHT_WITH]->(b)
SET r.orders = row.orders, r.support = row.support, r.confidence = row.confidence, r.lift = row.lift,
    r.runId = $runId
RETURN count(r) AS written
