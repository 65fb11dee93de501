// params: timeoutSeconds
// returns: online — true once every index (and the index of every constraint) is populated and online
CALL db.awaitIndexes($timeoutSeconds)
RETURN true AS online
