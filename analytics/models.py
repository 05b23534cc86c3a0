"""Analytics reads every app live; rollup tables are added here only where a query is too slow."""
