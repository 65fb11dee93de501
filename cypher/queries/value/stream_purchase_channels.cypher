// params: none
// returns: customers, orders, atMs, amounts, channels — one entry per OrderLine with a time, as parallel lists:
//   customer key, order id (the line id when the line has no order), epoch milliseconds, amount (null → 0.0)
//   and channelId ('' when the line names none)
MATCH (l:OrderLine)
WHERE l.at IS NOT NULL AND l.customerId IS NOT NULL
RETURN collect(l.customerId) AS customers, collect(coalesce(l.orderId, l.lineId)) AS orders,
       collect(l.at.epochMillis) AS atMs, collect(toFloat(coalesce(l.amount, 0.0))) AS amounts,
       collect(coalesce(l.channelId, '')) AS channels
