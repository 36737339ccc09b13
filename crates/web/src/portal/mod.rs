//! Member-portal rendering: layout, navigation, pages, translations (English and Spanish).
//! Handlers (in `crate::pages`) fill the view structs; this module only renders.
