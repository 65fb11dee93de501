// params: $rows, $source
// returns: rejected — rows not written ({i, reason}: unknown customer or product); lines, pairs — lines written
// and PURCHASED aggregates recomputed.
// A purchase line is a fact: (:OrderLine {lineId}) is unique, so a line re-sent (also concurrently) is one line,
// and a re-send with other values corrects it (a line moved to another customer or product leaves its old pair).
// The customers whose aggregates change are locked first, in id order (before any read, so an erasure that
// committed meanwhile is seen); then every affected (customer, product)
// pair gets its PURCHASED {count, quantity, amount, orders, firstAt, lastAt} recomputed from its lines — never
// incremented — and a pair left without lines loses its PURCHASED. The amount is rounded to 6 decimals, so sums
// taken in any order (online, import, rebuild) agree.
WITH $rows AS rows
// first the locks, so every read below sees what concurrent writers (and erasures) committed
CALL (rows) {
  UNWIND rows AS row
  OPTIONAL MATCH (old:OrderLine {lineId: row.lineId})
  WITH collect(row.customerId) + collect(old.customerId) AS ids
  UNWIND ids AS id
  WITH DISTINCT id
  ORDER BY id
  MATCH (locked:Customer {customerId: id})
  SET locked.writeLock = true
  REMOVE locked.writeLock
  RETURN count(*) AS locked
}
UNWIND rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
OPTIONAL MATCH (p:Product {productId: row.productId})
WITH collect(
       CASE
         WHEN c IS NULL THEN {i: row._i, reason: 'customerId: unknown Customer \'' + row.customerId + '\''}
         WHEN p IS NULL THEN {i: row._i, reason: 'productId: unknown Product \'' + row.productId + '\''}
       END
     ) AS rejected,
     collect(CASE WHEN c IS NOT NULL AND p IS NOT NULL THEN row END) AS good
CALL (good) {
  UNWIND good AS row
  MERGE (l:OrderLine {lineId: row.lineId})
  WITH l, row, l.customerId AS oldCustomer, l.productId AS oldProduct
  SET l.orderId = row.orderId,
      l.customerId = row.customerId,
      l.productId = row.productId,
      l.quantity = row.quantity,
      l.amount = row.amount,
      l.at = datetime(row.at),
      l.channelId = row.channelId,
      l.source = $source
  RETURN collect(DISTINCT [row.customerId, row.productId])
         + collect(DISTINCT CASE WHEN oldCustomer IS NOT NULL THEN [oldCustomer, oldProduct] END) AS touched,
         count(*) AS lines
}
CALL (touched) {
  UNWIND touched AS pair
  WITH DISTINCT pair
  MATCH (c:Customer {customerId: pair[0]})
  MATCH (p:Product {productId: pair[1]})
  OPTIONAL MATCH (l:OrderLine {customerId: pair[0], productId: pair[1]})
  WITH c, p, count(l) AS n, sum(l.quantity) AS quantity, round(sum(l.amount), 6) AS amount,
       count(DISTINCT l.orderId) AS orders, min(l.at) AS firstAt, max(l.at) AS lastAt
  CALL (c, p, n) {
    WITH c, p, n
    WHERE n = 0
    OPTIONAL MATCH (c)-[gone:PURCHASED]->(p)
    DELETE gone
  }
  CALL (c, p, n, quantity, amount, orders, firstAt, lastAt) {
    WITH c, p, n, quantity, amount, orders, firstAt, lastAt
    WHERE n > 0
    MERGE (c)-[r:PURCHASED]->(p)
    SET r.count = n,
        r.quantity = quantity,
        r.amount = amount,
        r.orders = orders,
        r.firstAt = firstAt,
        r.lastAt = lastAt
  }
  RETURN count(*) AS pairs
}
RETURN rejected, lines, pairs
