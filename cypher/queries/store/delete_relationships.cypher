// params: $batch
// returns: deleted — every relationship, deleted in transactions of $batch rows (auto-commit only), so a node
//   with millions of relationships never needs one huge transaction
MATCH ()-[r]->()
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS deleted
