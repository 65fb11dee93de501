// 06 Duplicate-identity clusters
// Question: Which customer records share identifiers (hashed email, phone, loyalty number, device, cookie), how
// strong is the evidence that they are one person, and has identity resolution already merged them?
// One shared strong identifier (email, phone, loyalty) is strong evidence; two weak ones (device + cookie) are
// likely; one shared device alone is often a household tablet, not the same person.
:param strongKinds => ['email', 'phone', 'loyalty'];
:param limit => 50;

MATCH (c:Customer)-[:HAS_IDENTIFIER]->(:Identifier)<-[:HAS_IDENTIFIER]-(:Customer)
WITH DISTINCT c
MATCH (c) (()-[:HAS_IDENTIFIER]->(:Identifier)<-[:HAS_IDENTIFIER]-(:Customer)){1,3} (d:Customer)
WITH c, collect(DISTINCT d.customerId) + [c.customerId] AS ids
UNWIND ids AS id
WITH c, id ORDER BY id
WITH c, collect(DISTINCT id) AS members
WITH DISTINCT members
CALL (members) {
  UNWIND members AS m
  MATCH (:Customer {customerId: m})-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(o:Customer)
  WHERE o.customerId IN members
  RETURN collect(DISTINCT i.kind) AS sharedKinds
}
CALL (members) {
  UNWIND members AS m
  OPTIONAL MATCH (:Customer {customerId: m})-[:RESOLVED_TO]->(p:Profile)
  RETURN collect(DISTINCT p.profileId) AS profiles
}
WITH members, sharedKinds, profiles, any(k IN sharedKinds WHERE k IN $strongKinds) AS strong
RETURN members, size(members) AS records, sharedKinds,
       CASE WHEN strong THEN 'same person (strong identifier)'
            WHEN size(sharedKinds) >= 2 THEN 'likely the same person (two weak identifiers)'
            ELSE 'one weak identifier: household or shared device?' END AS evidence,
       profiles AS resolvedProfiles
ORDER BY strong DESC, size(sharedKinds) DESC, records DESC, members[0]
LIMIT $limit;
