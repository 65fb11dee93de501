// params: none
// returns: ids, mentions, sentiment — per account: product mentions and their summed sentiment
MATCH (a:SocialAccount)
CALL (a) {
  OPTIONAL MATCH (a)-[m:MENTIONED]->(:Product)
  RETURN count(m) AS mentions, coalesce(sum(m.sentiment), 0.0) AS sentiment
}
RETURN collect(a.accountId) AS ids, collect(mentions) AS mentions, collect(sentiment) AS sentiment
