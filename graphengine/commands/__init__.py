"""Sub-command groups of the ``graphengine`` CLI (registered in :mod:`graphengine.cli`)."""
