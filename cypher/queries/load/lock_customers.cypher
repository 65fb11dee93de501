// params: $customerIds
// returns: locked — the existing customers among $customerIds, write-locked in id order until the transaction ends
// (one writer of several kinds locks all its customers up front, so writers never wait on each other in a cycle)
UNWIND $customerIds AS id
WITH DISTINCT id
ORDER BY id
MATCH (c:Customer {customerId: id})
SET c.writeLock = true
REMOVE c.writeLock
RETURN count(c) AS locked
