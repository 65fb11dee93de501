// Facts and their aggregates: purchase lines are OrderLine nodes keyed by lineId (constraint order_line_id in
// 0001); PURCHASED aggregates are recomputed from the lines of a (customer, product) pair, found through this
// index. Customers whose event chain a load has not yet relinked carry eventChainPending = true.
CREATE INDEX order_line_pair IF NOT EXISTS FOR (n:OrderLine) ON (n.customerId, n.productId);
CREATE INDEX order_line_order IF NOT EXISTS FOR (n:OrderLine) ON (n.orderId);
CREATE INDEX customer_event_chain_pending IF NOT EXISTS FOR (n:Customer) ON (n.eventChainPending);
