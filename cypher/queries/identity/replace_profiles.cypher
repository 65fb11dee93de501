// params: $rows
// returns: replaced, created — profiles resolved again after an erasure (a row: profileId and its groups, each a
//   profileId and members {customerId, confidence, rule, kinds}): each old profile loses its links, its first
//   group keeps the node (renamed, resized, revisedAt set), further groups get new nodes with its runId, active and
//   createdAt, and links carry its links' supersededBy; a profile whose members form no group is deleted
UNWIND $rows AS row
MATCH (old:Profile {profileId: row.profileId})
WITH row, old, COLLECT { MATCH (:Customer)-[r:RESOLVED_TO]->(old) RETURN r.supersededBy AS s LIMIT 1 }[0] AS supersededBy
CALL (old) {
  MATCH (:Customer)-[r:RESOLVED_TO]->(old)
  DELETE r
}
CALL (row, old, supersededBy) {
  UNWIND range(0, size(row.groups) - 1) AS k
  WITH old, supersededBy, k, row.groups[k] AS g
  CALL (old, k, g) {
    WITH old, k, g WHERE k = 0
    SET old.profileId = g.profileId, old.size = size(g.members), old.revisedAt = datetime()
    RETURN old AS p
    UNION
    WITH old, k, g WHERE k > 0
    CREATE (p:Profile {profileId: g.profileId, runId: old.runId, size: size(g.members), active: old.active,
                       createdAt: old.createdAt, revisedAt: datetime()})
    RETURN p
  }
  UNWIND g.members AS m
  MATCH (c:Customer {customerId: m.customerId})
  CREATE (c)-[:RESOLVED_TO {confidence: m.confidence, rule: m.rule, kinds: m.kinds, runId: old.runId,
                            supersededBy: supersededBy}]->(p)
  RETURN count(DISTINCT p) AS created
}
CALL (row, old) {
  WITH old WHERE size(row.groups) = 0
  DELETE old
}
RETURN count(row) AS replaced, sum(created) AS created
