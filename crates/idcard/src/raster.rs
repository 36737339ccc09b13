//! The phone-wallet PNG: 1012×638 px (credit-card ratio at 300 dpi), drawn
//! with the `font8x8` bitmap font scaled 2–4×.

use crate::text::{fit_px, glyph};
use crate::{CardError, IdCard, QUIET_ZONE, qr_matrix};

/// Image width in pixels (85.7 mm at 300 dpi).
pub const PNG_WIDTH: u32 = 1012;
/// Image height in pixels (54 mm at 300 dpi).
pub const PNG_HEIGHT: u32 = 638;

type Rgb = [u8; 3];

const BRAND: Rgb = [0x00, 0x5A, 0x70];
const TINT: Rgb = [0xE3, 0xF0, 0xF3];
const WHITE: Rgb = [0xFF, 0xFF, 0xFF];
const INK: Rgb = [0x17, 0x1C, 0x1F];
const MUTED: Rgb = [0x55, 0x62, 0x6A];
const ON_BRAND_MUTED: Rgb = [0xBF, 0xDD, 0xE4];
const RULE: Rgb = [0xC8, 0xD2, 0xD6];
const ALERT: Rgb = [0xA8, 0x12, 0x1E];

const MARGIN: u32 = 40;

struct Canvas {
    w: u32,
    h: u32,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: u32, h: u32, bg: Rgb) -> Self {
        let mut px = Vec::with_capacity((w * h * 3) as usize);
        for _ in 0..w * h {
            px.extend_from_slice(&bg);
        }
        Canvas { w, h, px }
    }

    fn fill(&mut self, x: u32, y: u32, w: u32, h: u32, c: Rgb) {
        for yy in y..(y + h).min(self.h) {
            for xx in x..(x + w).min(self.w) {
                let i = ((yy * self.w + xx) * 3) as usize;
                if let Some(p) = self.px.get_mut(i..i + 3) {
                    p.copy_from_slice(&c);
                }
            }
        }
    }

    /// Draws `chars` with the top-left of the first cell at (x, y).
    /// Bold draws each glyph a second time one pixel to the right.
    fn text(&mut self, x: u32, y: u32, chars: &[char], scale: u32, c: Rgb, bold: bool) {
        for (i, &ch) in chars.iter().enumerate() {
            let gx = x + i as u32 * 8 * scale;
            let g = glyph(ch);
            for (row, bits) in g.iter().enumerate() {
                for col in 0..8u32 {
                    if bits & (1 << col) != 0 {
                        let px = gx + col * scale;
                        let py = y + row as u32 * scale;
                        self.fill(px, py, scale + u32::from(bold), scale, c);
                    }
                }
            }
        }
    }

    /// Fits `s` into `max_px` (see [`fit_px`]) and draws it; returns the
    /// scale used.
    #[allow(clippy::too_many_arguments)]
    fn fitted(
        &mut self,
        x: u32,
        y: u32,
        s: &str,
        scales: &[u32],
        max_px: u32,
        c: Rgb,
        bold: bool,
    ) -> u32 {
        let (chars, scale) = fit_px(s, scales, max_px);
        self.text(x, y, &chars, scale, c, bold);
        scale
    }

    /// A small label above a larger value.
    fn field(&mut self, x: u32, y: u32, label: &str, value: &str, max_px: u32) {
        self.fitted(x, y, label, &[2], max_px, MUTED, false);
        self.fitted(x, y + 22, value, &[3, 2], max_px, INK, true);
    }

    fn into_png(self) -> Result<Vec<u8>, CardError> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.w, self.h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            // 300 dpi = 11811 px per metre.
            enc.set_pixel_dims(Some(png::PixelDimensions {
                xppu: 11811,
                yppu: 11811,
                unit: png::Unit::Meter,
            }));
            let mut w = enc.write_header()?;
            w.write_image_data(&self.px)?;
            w.finish()?;
        }
        Ok(out)
    }
}

/// The phone-wallet card image as PNG bytes (RGB, 1012×638, 300 dpi).
///
/// Top band: organisation and issue date. Left: member name, MRN, member
/// id, plan, group, effective date, PCP. Right: the QR code with a
/// 4-module white quiet zone (5–10 px per module). Below: up to eight
/// copays (further entries are left to the PDF card), then the member
/// services, advice nurse and away-from-home numbers and the emergency
/// notice. Text too long for its slot is drawn smaller, then cut with
/// "..."; characters the bitmap font lacks are drawn as `?`.
pub fn render_png(card: &IdCard) -> Result<Vec<u8>, CardError> {
    let qr = qr_matrix(&card.qr_payload)?;
    let (w, h) = (PNG_WIDTH, PNG_HEIGHT);
    let mut cv = Canvas::new(w, h, WHITE);
    let inner = w - 2 * MARGIN;

    // Band: organisation left, issue date right.
    let band_h = 92;
    cv.fill(0, 0, w, band_h, BRAND);
    let issued: Vec<char> = format!("Issued {}", card.issued).chars().collect();
    let issued_px = (issued.len() as u32 * 16).min(inner / 3);
    let (issued, _) = fit_px(&issued.iter().collect::<String>(), &[2], issued_px);
    let issued_x = w - MARGIN - issued.len() as u32 * 16;
    cv.text(issued_x, 38, &issued, 2, ON_BRAND_MUTED, false);
    let org_max = inner - issued_px - 24;
    let (org, org_scale) = fit_px(&card.organisation, &[3, 2], org_max);
    cv.text(
        MARGIN,
        (band_h - 8 * org_scale) / 2,
        &org,
        org_scale,
        WHITE,
        true,
    );

    // QR code, right column, with its quiet zone on white.
    let modules = (qr.width + 2 * QUIET_ZONE) as u32;
    let module_px = (290 / modules).clamp(1, 10);
    let qr_size = modules * module_px;
    let qr_x = w - MARGIN - qr_size;
    let qr_y = band_h + 14;
    cv.fill(qr_x, qr_y, qr_size, qr_size, WHITE);
    for y in 0..qr.width {
        for x in 0..qr.width {
            if qr.is_dark(x, y) {
                cv.fill(
                    qr_x + (x + QUIET_ZONE) as u32 * module_px,
                    qr_y + (y + QUIET_ZONE) as u32 * module_px,
                    module_px,
                    module_px,
                    INK,
                );
            }
        }
    }

    // Left column: name and fields.
    let left_w = qr_x - MARGIN - 24;
    let col_w = (left_w - 24) / 2;
    let col2 = MARGIN + col_w + 24;
    cv.fitted(
        MARGIN,
        116,
        &card.member_name,
        &[4, 3, 2],
        left_w,
        INK,
        true,
    );
    let mut y = 172;
    cv.field(MARGIN, y, "MRN", &card.mrn, col_w);
    cv.field(col2, y, "Member ID", &card.member_id, col_w);
    y += 60;
    cv.field(MARGIN, y, "Plan", &card.plan_name, left_w);
    y += 60;
    cv.field(MARGIN, y, "Group", &card.group, col_w);
    cv.field(col2, y, "Effective", &card.effective, col_w);
    y += 60;
    if let Some(pcp) = &card.pcp {
        cv.field(MARGIN, y, "PCP", pcp, left_w);
    }

    // Copays: a hairline, then up to two rows of four.
    cv.fill(MARGIN, 406, inner, 2, RULE);
    let cell_w = inner / 4;
    for (i, (service, amount)) in card.copays.iter().take(8).enumerate() {
        let i = i as u32;
        let x = MARGIN + (i % 4) * cell_w;
        let y = 418 + (i / 4) * 54;
        cv.fitted(x, y, service, &[2], cell_w - 12, MUTED, false);
        cv.fitted(x, y + 20, amount, &[3, 2], cell_w - 12, INK, true);
    }

    // Footer: phone numbers and the emergency notice.
    let foot_y = 526;
    cv.fill(0, foot_y, w, h - foot_y, TINT);
    let phone_w = inner / 3;
    let phones = [
        ("Member Services", &card.member_services_phone),
        ("Advice nurse 24/7", &card.advice_phone),
        ("Away from home", &card.away_from_home_phone),
    ];
    for (i, (label, number)) in phones.into_iter().enumerate() {
        let x = MARGIN + i as u32 * phone_w;
        cv.fitted(x, foot_y + 14, label, &[2], phone_w - 12, MUTED, false);
        cv.fitted(x, foot_y + 36, number, &[2], phone_w - 12, INK, true);
    }
    cv.fitted(
        MARGIN,
        foot_y + 76,
        "Emergency? Call 911 or go to the nearest hospital.",
        &[2],
        inner,
        ALERT,
        true,
    );

    cv.into_png()
}
