// params: $campaignId, $windowDays
// returns: grp ('contacted' or 'heldOut'), segment, customers, responded, opened, clicked, bought, purchased — per
//   group and RFM segment: counts of customers, of loaded responses and their flags, and of customers with a
//   purchase line in the campaign window [at, at + $windowDays days) read from the graph (the hold-out baseline:
//   hold-out customers were not contacted, so they have no responses)
// The segment is shown for customers with profiling consent only ('(no profiling consent)' otherwise,
// '(no segment)' when RFM never ran for them).
MATCH (k:Campaign {campaignId: $campaignId})
CALL (k) {
  MATCH (c:Customer)-[:CONTACTED]->(k)
  OPTIONAL MATCH (c)-[r:RESPONDED]->(k)
  RETURN c, 'contacted' AS grp, r
  UNION
  MATCH (c:Customer)-[:HELD_OUT]->(k)
  RETURN c, 'heldOut' AS grp, null AS r
}
WITH k, grp, r, c,
     CASE WHEN c.consentProfiling = true THEN coalesce(c.rfmSegment, '(no segment)') ELSE '(no profiling consent)' END
       AS segment,
     EXISTS {
       MATCH (l:OrderLine {customerId: c.customerId})
       WHERE l.at >= k.at AND l.at < k.at + duration({days: $windowDays})
     } AS purchased
RETURN grp, segment, count(c) AS customers, count(r) AS responded,
       count(CASE WHEN r.opened THEN 1 END) AS opened, count(CASE WHEN r.clicked THEN 1 END) AS clicked,
       count(CASE WHEN r.bought THEN 1 END) AS bought, count(CASE WHEN purchased THEN 1 END) AS purchased
ORDER BY grp, segment
