//! Member-portal rendering: layout, navigation, pages, translations (English and Spanish).
//! Handlers fill the view structs ([`views`]) and call the `render_*` functions ([`pages`]);
//! this module only renders. Pages work without JavaScript and follow WCAG 2.1 AA.

pub mod coverage;
pub mod i18n;
pub mod pages;
pub mod views;

pub use i18n::{AuthMessage, Lang, t};
pub use pages::*;
pub use views::*;

/// The portal's style sheet, served at `/assets/portal.css`.
pub const PORTAL_CSS: &str = include_str!("../../assets/portal.css");
