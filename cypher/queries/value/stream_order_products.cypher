// params: none
// returns: orders, products — one entry per distinct (order, product) of the OrderLine facts, as parallel
//   lists (a line without an orderId is an order of its own, keyed by its lineId)
MATCH (l:OrderLine)
WHERE l.productId IS NOT NULL
WITH DISTINCT coalesce(l.orderId, 'line:' + l.lineId) AS orderKey, l.productId AS product
RETURN collect(orderKey) AS orders, collect(product) AS products
