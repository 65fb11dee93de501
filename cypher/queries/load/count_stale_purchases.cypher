// params: none
// returns: pairs, stale — PURCHASED aggregates compared with a recomputation from the OrderLine facts: how many
// pairs have lines, and how many aggregates differ from their lines (or have no lines, or are missing)
CALL () {
  MATCH (l:OrderLine)
  WITH l.customerId AS customerId, l.productId AS productId, count(l) AS n, sum(l.quantity) AS quantity,
       round(sum(l.amount), 6) AS amount, count(DISTINCT l.orderId) AS orders, min(l.at) AS firstAt, max(l.at) AS lastAt
  OPTIONAL MATCH (:Customer {customerId: customerId})-[r:PURCHASED]->(:Product {productId: productId})
  RETURN count(*) AS pairs,
         count(
           CASE
             WHEN r IS NULL OR r.count <> n OR r.quantity <> quantity OR r.orders <> orders
               OR abs(r.amount - amount) > 1e-6 * (1 + abs(amount)) OR r.firstAt <> firstAt OR r.lastAt <> lastAt
               THEN 1
           END
         ) AS differ
}
CALL () {
  MATCH (c:Customer)-[r:PURCHASED]->(p:Product)
  WHERE NOT EXISTS { MATCH (l:OrderLine {customerId: c.customerId, productId: p.productId}) }
  RETURN count(r) AS orphans
}
RETURN pairs, differ + orphans AS stale
