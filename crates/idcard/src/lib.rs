//! The digital member ID card: PDF, PNG (phone wallet) and QR code.
//!
//! Pure rendering, no I/O: every function takes an [`IdCard`] (or a QR
//! payload) and returns bytes or a string. Card data comes from the
//! [`IdCard`] fields; every fixed text (field labels, headings, the
//! emergency notice, the PDF's title and instructions, the QR code's
//! accessible title) comes from a [`CardLabels`] the caller fills in the
//! member's language ([`CardLabels::english`] is the default). The crate has
//! no translations of its own.
//!
//! # Fonts
//!
//! All text, in both the PDF and the PNG, is set in DejaVu Sans and DejaVu
//! Sans Bold 2.37, bundled in `crates/idcard/fonts/` (about 760 KB and
//! 710 KB, compiled in with `include_bytes!`; licence: Bitstream Vera /
//! Arev, permissive, see `fonts/LICENSE` and `fonts/README.md`). The fonts
//! cover Latin (including Vietnamese: "Nguyễn"), Greek, Cyrillic and more,
//! but not CJK.
//!
//! * Text is NFC-normalised first; control characters become spaces and any
//!   character the font lacks is drawn as `?`. There is no complex shaping
//!   (no ligatures, no right-to-left or Indic scripts): one glyph per
//!   character, with the fonts' advance widths and `kern` table pairs.
//! * PDF ([`render_pdf`]): the glyphs used are embedded as subset TrueType
//!   CID fonts (Identity-H) with a `ToUnicode` map, so the text prints, is
//!   searchable and copies exactly as given.
//! * PNG ([`render_png`]): glyphs are rasterised anti-aliased with
//!   `ab_glyph`.
//! * Fitting: text too long for its place is set smaller (down to a minimum
//!   per place), and wrapped where the place has room for a second line.
//!   Labels are never cut: they keep shrinking until they fit. Card data
//!   (names, plan names, numbers) is cut with "…" only as a last resort at
//!   the minimum size.
//!
//! Both renderers are deterministic: the same card and labels give the same
//! bytes.
//!
//! # QR codes
//!
//! The code is encoded with error correction level Q when it fits in
//! version [`MAX_QR_VERSION`], otherwise level M; a payload that fits in
//! neither (about 150 bytes of arbitrary text) is refused with
//! [`CardError::PayloadTooLong`], because a denser code would not scan
//! reliably at real card size.

mod labels;
mod pdf;
mod raster;
mod subset;
mod text;

use qrcode::{EcLevel, QrCode, Version};

pub use labels::CardLabels;
pub use pdf::render_pdf;
pub use raster::{PNG_HEIGHT, PNG_WIDTH, render_png};

/// The data printed on a member ID card. Callers format dates and phone
/// numbers; the renderers draw the strings as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCard {
    /// "Wellspring Health" + region title, e.g. "Wellspring Health — Cascadia".
    pub organisation: String,
    pub member_name: String,
    /// Medical record number (the member id shown most prominently).
    pub mrn: String,
    /// Plan member number.
    pub member_id: String,
    pub plan_name: String,
    /// Group number or "Individual".
    pub group: String,
    /// Coverage effective date, already formatted.
    pub effective: String,
    /// Primary care physician, when one is assigned.
    pub pcp: Option<String>,
    /// (service, copay) pairs, e.g. ("Primary care", "$20"), in display order.
    pub copays: Vec<(String, String)>,
    pub member_services_phone: String,
    /// 24/7 advice nurse line.
    pub advice_phone: String,
    pub away_from_home_phone: String,
    /// Date the card was issued, already formatted.
    pub issued: String,
    /// What the QR code encodes, e.g. "WSMEMBER:cascadia:MRN:12345678".
    pub qr_payload: String,
}

/// Why a card could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The QR payload does not fit a code that scans reliably on a card.
    #[error(
        "QR payload of {len} bytes is too long for a card QR code (at most version {max_version}, about {approx_max} bytes)"
    )]
    PayloadTooLong {
        len: usize,
        max_version: i16,
        approx_max: usize,
    },
    /// The QR payload is empty.
    #[error("QR payload is empty")]
    EmptyPayload,
    /// The QR encoder refused the payload.
    #[error("QR encoding failed: {0}")]
    Qr(#[from] qrcode::types::QrError),
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
    /// A bundled font could not be read or subset (a build defect).
    #[error("font error: {0}")]
    Font(&'static str),
}

/// Largest QR version used on a card (49×49 modules). Keeps modules at least
/// ~0.35 mm on the printed card and 5 px in the wallet image.
pub const MAX_QR_VERSION: i16 = 8;

/// Byte-mode capacity of version 8 at level M (the most that is accepted for
/// arbitrary bytes; numeric / alphanumeric payloads can be longer).
const APPROX_MAX_BYTES: usize = 152;

/// A computed QR code: `width`×`width` modules, row-major, `true` = dark.
/// No quiet zone included.
#[derive(Debug, Clone)]
pub(crate) struct QrMatrix {
    pub(crate) width: usize,
    pub(crate) dark: Vec<bool>,
}

impl QrMatrix {
    pub(crate) fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// Horizontal runs of dark modules: (x, y, length).
    pub(crate) fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    out.push((start, y, x - start));
                } else {
                    x += 1;
                }
            }
        }
        out
    }
}

/// Quiet zone around the code, in modules (the QR standard's minimum).
pub(crate) const QUIET_ZONE: usize = 4;

pub(crate) fn qr_matrix(payload: &str) -> Result<QrMatrix, CardError> {
    if payload.is_empty() {
        return Err(CardError::EmptyPayload);
    }
    let too_long = || CardError::PayloadTooLong {
        len: payload.len(),
        max_version: MAX_QR_VERSION,
        approx_max: APPROX_MAX_BYTES,
    };
    let mut chosen = None;
    for level in [EcLevel::Q, EcLevel::M] {
        match QrCode::with_error_correction_level(payload.as_bytes(), level) {
            Ok(code) => {
                if let Version::Normal(v) = code.version()
                    && v <= MAX_QR_VERSION
                {
                    chosen = Some(code);
                    break;
                }
            }
            Err(qrcode::types::QrError::DataTooLong) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let code = chosen.ok_or_else(too_long)?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok(QrMatrix { width, dark })
}

/// An inline SVG QR code for the HTML portal page.
///
/// One `<path>` of dark modules on a white square that includes the
/// 4-module quiet zone, in module units (`viewBox`), with
/// `shape-rendering="crispEdges"`; size it with CSS. Carries `role="img"`
/// and a `<title>` for screen readers ([`CardLabels::qr_title`], escaped).
/// The payload itself is not written into the markup.
pub fn qr_svg(payload: &str, labels: &CardLabels) -> Result<String, CardError> {
    use std::fmt::Write as _;
    let m = qr_matrix(payload)?;
    let size = m.width + 2 * QUIET_ZONE;
    let mut d = String::new();
    for (x, y, len) in m.runs() {
        // Infallible: writing to a String.
        let _ = write!(
            d,
            "M{},{}h{}v1h-{}z",
            x + QUIET_ZONE,
            y + QUIET_ZONE,
            len,
            len
        );
    }
    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" "#,
            r#"role="img" shape-rendering="crispEdges">"#,
            r#"<title>{title}</title>"#,
            r##"<rect width="{size}" height="{size}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{d}"/></svg>"##
        ),
        size = size,
        title = escape_xml(&labels.qr_title),
        d = d
    ))
}

/// `s` safe as XML character data.
fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
