// Placeholder until the SQLite table store lands (issue 4).
