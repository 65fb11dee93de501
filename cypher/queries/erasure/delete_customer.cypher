// params: $customerId
// returns: customers, events, orderLines, identifiers, sharedIdentifiers, accounts, sharedAccounts, profiles, shrunkProfiles, renamedProfiles, relationships, linkedCustomers, removedProfiles, shrunk, alone — GDPR erasure of one customer in one transaction
// Removes the customer, their events and purchase lines (OrderLine facts), the identifiers and social accounts nobody else is linked to, and identity
// profiles left with fewer than two members (a profile of one is no profile; `alone` lists the customers that lost
// theirs); profiles that keep two or more lose the customer (size, and a profileId that was built from the customer
// id is rebuilt from the first remaining member) and are listed in `shrunk` to be resolved again
// (identity.reresolve_profiles). Every relationship of a removed node goes.
MATCH (c:Customer {customerId: $customerId})
// lock the customer before reading what it owns: writers lock it too, so nothing of theirs is missed
SET c.writeLock = true
REMOVE c.writeLock
WITH c
CALL (c) {
  OPTIONAL MATCH (c)-[:PERFORMED]->(e:Event)
  RETURN collect(DISTINCT e) AS performed
}
CALL (c) {
  OPTIONAL MATCH (e:Event {customerId: $customerId})
  RETURN collect(e) AS tagged
}
CALL (c) {
  OPTIONAL MATCH (l:OrderLine {customerId: $customerId})
  RETURN collect(l) AS lines
}
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_IDENTIFIER]->(i:Identifier)
  WITH DISTINCT i, EXISTS { MATCH (i)<-[:HAS_IDENTIFIER]-(o:Customer) WHERE o <> c } AS shared
  RETURN collect(CASE WHEN NOT shared THEN i END) AS identifiers, count(CASE WHEN shared THEN i END) AS sharedIdentifiers
}
CALL (c) {
  OPTIONAL MATCH (c)-[:OWNS]->(a:SocialAccount)
  WITH DISTINCT a, EXISTS { MATCH (a)<-[:OWNS]-(o:Customer) WHERE o <> c } AS shared
  RETURN collect(CASE WHEN NOT shared THEN a END) AS accounts, count(CASE WHEN shared THEN a END) AS sharedAccounts
}
CALL (c) {
  OPTIONAL MATCH (c)-[:RESOLVED_TO]->(p:Profile)
  WITH DISTINCT p,
       COLLECT { MATCH (p)<-[:RESOLVED_TO]-(o:Customer) WHERE o <> c RETURN DISTINCT o.customerId AS id ORDER BY id } AS rest
  RETURN collect(CASE WHEN size(rest) < 2 THEN p END) AS emptied,
         collect(CASE WHEN size(rest) < 2 THEN p.profileId END) AS removedProfiles,
         collect(DISTINCT CASE WHEN size(rest) = 1 THEN rest[0] END) AS alone,
         collect(CASE WHEN size(rest) >= 2 THEN {profile: p, rest: rest} END) AS remaining
}
CALL (c) {
  RETURN COLLECT {
    MATCH (c)-[:HAS_IDENTIFIER]->(:Identifier)<-[:HAS_IDENTIFIER]-(o:Customer)
    WHERE o <> c
    RETURN DISTINCT o.customerId AS id ORDER BY id
  } AS linkedCustomers
}
CALL (remaining) {
  UNWIND remaining AS kept
  WITH kept.profile AS p, kept.rest AS rest
  WITH p, rest, p.profileId CONTAINS $customerId AS rename
  SET p.size = size(rest),
      p.profileId = CASE WHEN rename THEN coalesce(p.runId, 'profile') + ':' + rest[0] ELSE p.profileId END
  RETURN count(p) AS shrunkProfiles, count(CASE WHEN rename THEN 1 END) AS renamedProfiles,
         collect(p.profileId) AS shrunk
}
WITH c, performed, [e IN tagged WHERE NOT e IN performed] AS tagged, lines, identifiers, sharedIdentifiers, accounts,
     sharedAccounts, emptied, shrunkProfiles, renamedProfiles, linkedCustomers, removedProfiles, alone, shrunk
WITH [c] + performed + tagged + lines + identifiers + accounts + emptied AS doomed,
     size(performed) + size(tagged) AS events, size(lines) AS orderLines,
     size(identifiers) AS identifiers, sharedIdentifiers, size(accounts) AS accounts, sharedAccounts,
     size(emptied) AS profiles, shrunkProfiles, renamedProfiles, linkedCustomers, removedProfiles, alone, shrunk
CALL (doomed) {
  UNWIND doomed AS n
  MATCH (n)-[r]-()
  RETURN count(DISTINCT r) AS relationships
}
CALL (doomed) {
  UNWIND doomed AS n
  DETACH DELETE n
}
RETURN 1 AS customers, events, orderLines, identifiers, sharedIdentifiers, accounts, sharedAccounts, profiles, shrunkProfiles,
       renamedProfiles,
       relationships, linkedCustomers, removedProfiles, alone, shrunk
