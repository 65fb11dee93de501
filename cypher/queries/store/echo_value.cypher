// params: $value
// returns: value — echoes the parameter back (a driver round trip)
RETURN $value AS value
