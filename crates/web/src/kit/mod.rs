//! The frame every capability's pages and APIs are written in: extractors that say who is
//! asking ([`Page`], [`SignedIn`], [`Acting`], [`Staff`], [`Form`]), the one error of the HTML
//! layer ([`WebError`], rendered once by [`frame`]), and form parsing.
//!
//! A portal handler is `async fn x(me: SignedIn, …) -> Result<Response, WebError>`: the
//! extractor has already sent an anonymous visitor to the sign-in page, and every `?` turns
//! into the proper page in the member's language.

mod error;
mod extract;
pub mod form;

pub use error::{ErrorPage, WebError, WebResult, frame, redirect, staff_page};
pub use extract::{Acting, Form, Page, SignedIn, Staff, Upload, relationship_code, with_cookies};
pub use form::{Fields, field, form, pct};
