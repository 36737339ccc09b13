//! Pure rules: no I/O, no clock (the date is an argument). Tests are tables named after the
//! DOMAIN.md rule they check.
