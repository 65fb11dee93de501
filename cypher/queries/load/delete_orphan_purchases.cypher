// params: $batch
// returns: removed — PURCHASED edges with no OrderLine behind them deleted, in transactions of $batch rows
// (auto-commit only)
MATCH (c:Customer)-[r:PURCHASED]->(p:Product)
WHERE NOT EXISTS { MATCH (l:OrderLine {customerId: c.customerId, productId: p.productId}) }
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS removed
