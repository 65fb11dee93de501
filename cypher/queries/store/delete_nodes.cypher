// params: $batch
// returns: deleted — every node but schema bookkeeping (SchemaVersion), deleted in transactions of $batch rows
//   (auto-commit only); run after store.delete_relationships, DETACH only removes what was written meanwhile
MATCH (n)
WHERE NOT n:SchemaVersion
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS deleted
