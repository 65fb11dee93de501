// 15 From email to store
// Question: Which customers came to a store (visit or purchase) within $days days after touching an email
// (open or click), and how long did it take?
// Only customers who consented to profiling are listed.
:param days => 7;
:param limit => 50;

MATCH (c:Customer)-[:PERFORMED]->(mail:Event)-[:VIA]->(:Channel {kind: 'email'})
WHERE c.consentProfiling = true
MATCH (c)-[:PERFORMED]->(shop:Event)-[:VIA]->(:Channel {kind: 'store'})
WHERE shop.at > mail.at AND shop.at <= mail.at + duration({days: $days})
WITH c, shop, max(mail.at) AS lastEmail
RETURN c.customerId AS customerId, shop.type AS storeEvent, toString(lastEmail) AS emailAt,
       toString(shop.at) AS storeAt, round(duration.inSeconds(lastEmail, shop.at).seconds / 3600.0, 1) AS hoursAfter
ORDER BY storeAt DESC, customerId
LIMIT $limit;
