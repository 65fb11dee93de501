// params: none
// returns: customerId, name, city, country, address, postcode, birthDate, emails, phones — what probabilistic identity resolution compares (identifiers only as their hashed keys)
MATCH (c:Customer)
WHERE c.name IS NOT NULL
OPTIONAL MATCH (c)-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.kind IN ['email', 'phone']
WITH c, collect(CASE i.kind WHEN 'email' THEN i.idKey END) AS emails,
     collect(CASE i.kind WHEN 'phone' THEN i.idKey END) AS phones
RETURN c.customerId AS customerId, c.name AS name, c.city AS city, c.country AS country, c.address AS address,
       c.postcode AS postcode, c.birthDate AS birthDate, emails, phones
