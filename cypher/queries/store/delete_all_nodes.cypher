// params: $batch
// returns: deleted — every node but schema bookkeeping, deleted in transactions of $batch rows (auto-commit only)
MATCH (n)
WHERE NOT n:SchemaVersion
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS deleted
