// params: $settings
// returns: name, value — server settings by name (erasure asks for db.tx_log.rotation.retention_policy: erased data
//   stays in the transaction logs until they rotate out)
SHOW SETTINGS $settings YIELD name, value
RETURN name, value
