// params: none
// returns: customers, rfmSegment, communityId, clv, churnRisk — how many customers carry each computed property
//   the campaign audience options read (0: never computed on this graph)
MATCH (c:Customer)
WHERE c.placeholder IS NULL
RETURN count(c) AS customers, count(c.rfmSegment) AS rfmSegment, count(c.communityId) AS communityId,
       count(c.clv) AS clv, count(c.churnRisk) AS churnRisk
