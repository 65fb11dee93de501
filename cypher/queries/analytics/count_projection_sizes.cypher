// params: none
// returns: accounts, follows, customers, products, purchases, referrals, identifiers, identifierLinks — the
//   node and relationship counts the projections are built from (read from the count store, constant time)
RETURN
  COUNT { MATCH (:SocialAccount) } AS accounts,
  COUNT { MATCH ()-[:FOLLOWS]->() } AS follows,
  COUNT { MATCH (:Customer) } AS customers,
  COUNT { MATCH (:Product) } AS products,
  COUNT { MATCH ()-[:PURCHASED]->() } AS purchases,
  COUNT { MATCH ()-[:REFERRED]->() } AS referrals,
  COUNT { MATCH (:Identifier) } AS identifiers,
  COUNT { MATCH ()-[:HAS_IDENTIFIER]->() } AS identifierLinks
