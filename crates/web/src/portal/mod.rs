//! The portal's shell: layout, navigation, the shared page renderers, translations (English and
//! Spanish), and the portal's own pages (home, sections to come, not found).
//! Handlers fill the view structs ([`views`]) and call the `render_*` functions ([`pages`]);
//! this module only renders. Pages work without JavaScript and follow WCAG 2.1 AA.

mod home;
pub mod i18n;
pub mod pages;
pub mod views;

pub use home::{not_found, routes};
pub use i18n::{AuthMessage, Lang, t};
pub use pages::*;
pub use views::*;

/// The portal's style sheet, served at `/assets/portal.css`.
pub const PORTAL_CSS: &str = include_str!("../../assets/portal.css");
