// 09 Channel paths to conversion
// Question: Which sequences of channels lead to purchases?
// For each purchase: the channels the customer touched in the $lookbackDays days before it (since the previous
// purchase; repeats collapsed), counted with the purchase value.
// `graphengine journeys attribution` turns these paths into per-channel credit (first/last touch … Markov).
:param lookbackDays => 30;
:param limit => 20;

MATCH (c:Customer)-[:PERFORMED]->(buy:Event {type: 'purchase'})
CALL (c, buy) {
  OPTIONAL MATCH (c)-[:PERFORMED]->(prev:Event {type: 'purchase'})
  WHERE prev.at < buy.at
  RETURN max(prev.at) AS previousPurchase
}
CALL (c, buy, previousPurchase) {
  MATCH (c)-[:PERFORMED]->(t:Event)
  WHERE t.at < buy.at AND t.at >= buy.at - duration({days: $lookbackDays})
    AND (previousPurchase IS NULL OR t.at > previousPurchase)
    AND NOT t.type IN ['purchase', 'conversion']
  WITH t ORDER BY t.at, t.eventId
  RETURN collect(t.channelId) AS touches
}
WITH buy, reduce(path = [], ch IN touches | CASE WHEN size(path) > 0 AND path[-1] = ch THEN path ELSE path + ch END) AS path
WHERE size(path) > 0
WITH reduce(s = head(path), ch IN tail(path) | s + ' > ' + ch) AS channelPath, size(path) AS steps, buy
RETURN channelPath, steps, count(*) AS conversions, round(sum(coalesce(buy.value, 0.0)), 2) AS value
ORDER BY conversions DESC, value DESC, channelPath
LIMIT $limit;
