// params: platform, since, until
// returns: ids, mentions, sentiment — per account in scope: product mentions and their summed sentiment
//   null = no limit; a mention without `at` is outside any time window
MATCH (a:SocialAccount)
WHERE $platform IS NULL OR a.platform = $platform
CALL (a) {
  OPTIONAL MATCH (a)-[m:MENTIONED]->(:Product)
  WHERE ($since IS NULL OR m.at >= $since) AND ($until IS NULL OR m.at < $until)
  RETURN count(m) AS mentions, coalesce(sum(m.sentiment), 0.0) AS sentiment
}
RETURN collect(a.accountId) AS ids, collect(mentions) AS mentions, collect(sentiment) AS sentiment
