// params: none
// returns: name, versions, edition — one row per DBMS component
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition
