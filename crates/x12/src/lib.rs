//! ASC X12 005010: strict envelope parsing, 834, 270/271 and 999.
