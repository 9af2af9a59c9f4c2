// Placeholder until the table-store conformance suite lands (issue 4).
