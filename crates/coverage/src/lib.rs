//! Coverage and membership rules (DOMAIN.md §1, §10, SEED-03): pure functions, no I/O.
