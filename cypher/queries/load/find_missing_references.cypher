// params: $customerIds, $channelIds, $productIds
// returns: customerId, channelId, productId — the ids among each list that name no node (one round trip for the
// references of an API write)
CALL () {
  UNWIND $customerIds AS id
  OPTIONAL MATCH (n:Customer {customerId: id})
  WITH id, n WHERE n IS NULL
  RETURN collect(id) AS customerId
}
CALL () {
  UNWIND $channelIds AS id
  OPTIONAL MATCH (n:Channel {channelId: id})
  WITH id, n WHERE n IS NULL
  RETURN collect(id) AS channelId
}
CALL () {
  UNWIND $productIds AS id
  OPTIONAL MATCH (n:Product {productId: id})
  WITH id, n WHERE n IS NULL
  RETURN collect(id) AS productId
}
RETURN customerId, channelId, productId
