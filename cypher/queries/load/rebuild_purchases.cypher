// params: $batch
// returns: pairs — every PURCHASED aggregate that has lines recomputed from the OrderLine facts from scratch, in
// transactions of $batch pairs (auto-commit only): {count, quantity, amount, orders, firstAt, lastAt}
MATCH (l:OrderLine)
WITH DISTINCT l.customerId AS customerId, l.productId AS productId
CALL (customerId, productId) {
  MATCH (c:Customer {customerId: customerId})
  MATCH (p:Product {productId: productId})
  MATCH (l:OrderLine {customerId: customerId, productId: productId})
  WITH c, p, count(l) AS n, sum(l.quantity) AS quantity, round(sum(l.amount), 6) AS amount,
       count(DISTINCT l.orderId) AS orders, min(l.at) AS firstAt, max(l.at) AS lastAt
  MERGE (c)-[r:PURCHASED]->(p)
  SET r.count = n, r.quantity = quantity, r.amount = amount, r.orders = orders, r.firstAt = firstAt,
      r.lastAt = lastAt
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS pairs
