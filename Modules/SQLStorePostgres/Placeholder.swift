// Placeholder until the PostgreSQL table store lands (issue 4).
