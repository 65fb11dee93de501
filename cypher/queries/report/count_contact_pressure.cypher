// params: $since
// returns: channel, contacts, customers — contact pressure since $since: per channel, how many customers got
//   `contacts` campaign contacts (CONTACTED edges at or after $since); no rows when nobody was contacted since then
MATCH (c:Customer)-[k:CONTACTED]->(:Campaign)
WHERE k.at >= $since
WITH coalesce(k.channel, 'unknown') AS channel, c, count(k) AS contacts
RETURN channel, contacts, count(c) AS customers
ORDER BY channel, contacts
