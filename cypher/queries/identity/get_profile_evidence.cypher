// params: $profileIds
// returns: profileId, runId, params, members, identifiers — per profile: the resolution run's rules (AnalysisRun.params
//   JSON), its members, and each identifier they hold with its kind and how many customers hold it (the evidence
//   to resolve those members again after one of them was erased)
UNWIND $profileIds AS id
MATCH (p:Profile {profileId: id})
OPTIONAL MATCH (run:AnalysisRun {runId: p.runId})
CALL (p) {
  MATCH (m:Customer)-[:RESOLVED_TO]->(p)
  RETURN collect(DISTINCT m.customerId) AS members
}
CALL (p) {
  MATCH (m:Customer)-[:RESOLVED_TO]->(p)
  MATCH (m)-[:HAS_IDENTIFIER]->(i:Identifier)
  WITH DISTINCT m, i
  RETURN collect({customerId: m.customerId, idKey: i.idKey, kind: i.kind,
                  holders: COUNT { MATCH (i)<-[:HAS_IDENTIFIER]-(h:Customer) RETURN DISTINCT h }}) AS identifiers
}
RETURN p.profileId AS profileId, p.runId AS runId, run.params AS params, members, identifiers
