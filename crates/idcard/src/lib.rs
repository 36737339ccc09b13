//! The digital member ID card: PDF, PNG (phone wallet) and QR code.
//!
//! Pure rendering, no I/O: every function takes an [`IdCard`] (or a QR
//! payload) and returns bytes or a string. All text drawn comes from the
//! [`IdCard`] fields; the only fixed strings are field labels and the
//! emergency notice.
//!
//! # Characters outside the fonts
//!
//! * PDF ([`render_pdf`]): text is set in the base-14 Helvetica fonts with
//!   WinAnsi encoding. Every character WinAnsi has (ASCII, Latin-1 such as
//!   "José Núñez" or "Zoë", and the Windows-1252 extras such as the em dash,
//!   curly quotes and the euro sign) is kept; anything else becomes `?`
//!   ("Nguyễn" is set as "Nguy?n").
//! * PNG ([`render_png`]): text is drawn with the `font8x8` bitmap font
//!   (ASCII + Latin-1). En/em dashes and curly quotes are drawn as their
//!   ASCII look-alikes; any other character the font lacks is drawn as `?`.
//!
//! # QR codes
//!
//! The code is encoded with error correction level Q when it fits in
//! version [`MAX_QR_VERSION`], otherwise level M; a payload that fits in
//! neither (about 150 bytes of arbitrary text) is refused with
//! [`CardError::PayloadTooLong`], because a denser code would not scan
//! reliably at real card size.

mod pdf;
mod raster;
mod text;

use qrcode::{EcLevel, QrCode, Version};

pub use pdf::render_pdf;
pub use raster::render_png;

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
/// and a `<title>` for screen readers. The payload itself is not written
/// into the markup.
pub fn qr_svg(payload: &str) -> Result<String, CardError> {
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
            r#"<title>Member ID card QR code</title>"#,
            r##"<rect width="{size}" height="{size}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{d}"/></svg>"##
        ),
        size = size,
        d = d
    ))
}

#[cfg(test)]
mod tests;
