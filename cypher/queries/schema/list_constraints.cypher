// params: none
// returns: name, labels, properties, type — every constraint in the database
SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type
RETURN name, labelsOrTypes AS labels, properties, type
ORDER BY name
