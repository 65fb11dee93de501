// params: none
// returns: name, labels, properties, type, state — every index in the database
SHOW INDEXES YIELD name, labelsOrTypes, properties, type, state
RETURN name, labelsOrTypes AS labels, properties, type, state
ORDER BY name
