// params: none
// returns: rules — how many basket rules (BOUGHT_WITH edges) are stored
MATCH ()-[r:BOUGHT_WITH]->()
RETURN count(r) AS rules
