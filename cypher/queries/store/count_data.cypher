// params: none
// returns: nodes, relationships — the data a reset deletes: every node but schema bookkeeping (SchemaVersion),
//   every relationship (read from the count store, so instant on any size)
CALL () { MATCH (n) RETURN count(n) AS all }
CALL () { MATCH (s:SchemaVersion) RETURN count(s) AS bookkeeping }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN all - bookkeeping AS nodes, relationships
