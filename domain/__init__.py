"""Pure enforcement-law rules: acts, case state machine, people, catalog, deadlines. No I/O."""
