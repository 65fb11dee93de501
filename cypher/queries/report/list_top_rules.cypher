// params: $limit, $minOrders
// returns: antecedent, antecedentName, consequent, consequentName, orders, support, confidence, lift, runId — the
//   stored basket rules seen in at least $minOrders orders, best lift first
MATCH (a:Product)-[r:BOUGHT_WITH]->(b:Product)
WHERE r.orders >= $minOrders
RETURN a.productId AS antecedent, a.name AS antecedentName, b.productId AS consequent, b.name AS consequentName,
       r.orders AS orders, r.support AS support, r.confidence AS confidence, r.lift AS lift, r.runId AS runId
ORDER BY lift DESC, confidence DESC, antecedent, consequent
LIMIT $limit
