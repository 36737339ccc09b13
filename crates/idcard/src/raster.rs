//! The phone-wallet PNG: 1012×638 px (credit-card ratio at 300 dpi), text
//! in the bundled DejaVu Sans, rasterised anti-aliased with `ab_glyph`.

use ab_glyph::{Font, PxScale, point};

use crate::text::{Drawn, Face, Fitted, Fonts, Overflow, Role, fit, layout, upem};
use crate::{CardError, CardLabels, IdCard, QUIET_ZONE, qr_matrix};

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

pub(crate) const MARGIN: u32 = 40;
/// Height of the top band.
pub(crate) const BAND_H: u32 = 92;
/// Top of the QR block (code and quiet zone).
pub(crate) const QR_TOP: u32 = BAND_H + 14;
/// The QR block is at most this many pixels square.
pub(crate) const QR_MAX: u32 = 290;
/// Copays: up to this many, in a grid of three columns.
pub(crate) const COPAY_SLOTS: usize = 6;

/// Sizes (px per em) of the kinds of text: (largest, smallest).
const LABEL: (f32, f32) = (18.0, 14.0);
const VALUE: (f32, f32) = (26.0, 18.0);

/// How one text is set: face, size range, what happens when it does not
/// fit, colour.
#[derive(Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    min: f32,
    role: Role,
    color: Rgb,
}

impl Style {
    const fn label(size: (f32, f32), color: Rgb) -> Self {
        Style {
            face: Face::Regular,
            size: size.0,
            min: size.1,
            role: Role::Label,
            color,
        }
    }
    const fn value(size: (f32, f32), color: Rgb) -> Self {
        Style {
            face: Face::Bold,
            size: size.0,
            min: size.1,
            role: Role::Value,
            color,
        }
    }
    const fn bold(self) -> Self {
        Style {
            face: Face::Bold,
            ..self
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

pub(crate) struct Canvas<'f> {
    w: u32,
    h: u32,
    px: Vec<u8>,
    fonts: &'f Fonts,
    pub(crate) drawn: Vec<Drawn>,
}

impl<'f> Canvas<'f> {
    fn new(w: u32, h: u32, bg: Rgb, fonts: &'f Fonts) -> Self {
        let mut px = Vec::with_capacity((w * h * 3) as usize);
        for _ in 0..w * h {
            px.extend_from_slice(&bg);
        }
        Canvas {
            w,
            h,
            px,
            fonts,
            drawn: Vec::new(),
        }
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

    /// Mixes `c` into the pixel at (x, y) by `coverage` (0..=1).
    fn blend(&mut self, x: i64, y: i64, c: Rgb, coverage: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.w) || y >= i64::from(self.h) {
            return;
        }
        let a = coverage.clamp(0.0, 1.0);
        if a <= 0.0 {
            return;
        }
        let i = ((y as u64 * u64::from(self.w) + x as u64) * 3) as usize;
        if let Some(p) = self.px.get_mut(i..i + 3) {
            for (dst, src) in p.iter_mut().zip(c) {
                let d = f32::from(*dst);
                *dst = (d + (f32::from(src) - d) * a).round().clamp(0.0, 255.0) as u8;
            }
        }
    }

    /// One line of (already cleaned) text with its baseline starting at
    /// (x, baseline).
    fn line(&mut self, face: Face, size: f32, x: f32, baseline: f32, s: &str, c: Rgb) {
        let fonts = self.fonts;
        let font = fonts.get(face);
        let scale = PxScale::from(size * font.height_unscaled() / upem(font));
        let (glyphs, _) = layout(font, s);
        for g in glyphs {
            let glyph =
                g.id.with_scale_and_position(scale, point(x + g.x * size, baseline));
            if let Some(outlined) = font.outline_glyph(glyph) {
                let b = outlined.px_bounds();
                let (bx, by) = (b.min.x as i64, b.min.y as i64);
                outlined.draw(|gx, gy, cov| {
                    self.blend(bx + i64::from(gx), by + i64::from(gy), c, cov);
                });
            }
        }
    }

    /// `s` fitted into `max_w` (see [`fit`]; labels shrink, values are cut
    /// with "…" as a last resort) on one line at `baseline`; returns the
    /// width drawn.
    fn text(&mut self, s: &str, st: Style, x: f32, baseline: f32, max_w: f32, align: Align) -> f32 {
        let overflow = match st.role {
            Role::Label => Overflow::Shrink,
            Role::Value => Overflow::Ellipsis,
        };
        let f: Fitted = fit(
            self.fonts.get(st.face),
            s,
            st.size,
            st.min,
            max_w,
            1,
            overflow,
        );
        let line = f.lines.first().cloned().unwrap_or_default();
        let x = match align {
            Align::Left => x,
            Align::Right => x - f.width,
        };
        self.line(st.face, f.size, x, baseline, &line, st.color);
        let width = f.width;
        self.drawn.push(Drawn {
            source: s.to_owned(),
            fitted: f,
            face: st.face,
            max_w,
            role: st.role,
        });
        width
    }

    /// A label with a value below it: label baseline at `top + 18`, value
    /// baseline 28 px lower.
    fn field(&mut self, x: u32, top: u32, label: &str, value: &str, max_w: u32) {
        let (x, top, max_w) = (x as f32, top as f32, max_w as f32);
        self.text(
            label,
            Style::label(LABEL, MUTED),
            x,
            top + 18.0,
            max_w,
            Align::Left,
        );
        self.text(
            value,
            Style::value(VALUE, INK),
            x,
            top + 46.0,
            max_w,
            Align::Left,
        );
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
/// 4-module white quiet zone (5–10 px per module). Below: the copays in a
/// grid of up to six (with more, five and "+N more: …"), then the member
/// services, advice nurse and away-from-home numbers and the emergency
/// notice. Fixed texts come from `labels`.
///
/// Text is DejaVu Sans (regular and bold), anti-aliased, with the font's
/// advance widths and kerning. Text too long for its place is set smaller;
/// labels are never cut (they shrink until they fit), card data is cut with
/// "…" only below its smallest size. Characters the font lacks are drawn
/// as `?`. The same card and labels always give the same bytes.
pub fn render_png(card: &IdCard, labels: &CardLabels) -> Result<Vec<u8>, CardError> {
    let fonts = Fonts::load()?;
    draw(card, labels, &fonts)?.into_png()
}

/// The card drawn on a canvas, with a record of every text drawn.
pub(crate) fn draw<'f>(
    card: &IdCard,
    labels: &CardLabels,
    fonts: &'f Fonts,
) -> Result<Canvas<'f>, CardError> {
    let qr = qr_matrix(&card.qr_payload)?;
    let (w, h) = (PNG_WIDTH, PNG_HEIGHT);
    let mut cv = Canvas::new(w, h, WHITE, fonts);
    let inner = (w - 2 * MARGIN) as f32;
    let m = MARGIN as f32;
    let right = (w - MARGIN) as f32;

    // Band: organisation left; issue date right, under its label.
    cv.fill(0, 0, w, BAND_H, BRAND);
    let issued_max = inner / 3.0;
    let issued_w = cv
        .text(
            &labels.issued,
            Style::label((16.0, 12.0), ON_BRAND_MUTED),
            right,
            40.0,
            issued_max,
            Align::Right,
        )
        .max(cv.text(
            &card.issued,
            Style::value((22.0, 16.0), WHITE),
            right,
            70.0,
            issued_max,
            Align::Right,
        ));
    cv.text(
        &card.organisation,
        Style::value((36.0, 22.0), WHITE),
        m,
        59.0,
        inner - issued_w - 24.0,
        Align::Left,
    );

    // QR code, right column, with its quiet zone on white.
    let modules = (qr.width + 2 * QUIET_ZONE) as u32;
    let module_px = (QR_MAX / modules).clamp(1, 10);
    let qr_size = modules * module_px;
    let qr_x = w - MARGIN - qr_size;
    cv.fill(qr_x, QR_TOP, qr_size, qr_size, WHITE);
    for y in 0..qr.width {
        for x in 0..qr.width {
            if qr.is_dark(x, y) {
                cv.fill(
                    qr_x + (x + QUIET_ZONE) as u32 * module_px,
                    QR_TOP + (y + QUIET_ZONE) as u32 * module_px,
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
    cv.text(
        &card.member_name,
        Style::value((44.0, 26.0), INK),
        m,
        150.0,
        left_w as f32,
        Align::Left,
    );
    let mut top = 170;
    cv.field(MARGIN, top, &labels.mrn, &card.mrn, col_w);
    cv.field(col2, top, &labels.member_id, &card.member_id, col_w);
    top += 56;
    cv.field(MARGIN, top, &labels.plan, &card.plan_name, left_w);
    top += 56;
    cv.field(MARGIN, top, &labels.group, &card.group, col_w);
    cv.field(col2, top, &labels.effective, &card.effective, col_w);
    top += 56;
    if let Some(pcp) = &card.pcp {
        cv.field(MARGIN, top, &labels.pcp, pcp, left_w);
    }

    // Copays: a hairline, a heading, then a grid of three columns.
    cv.fill(MARGIN, 402, w - 2 * MARGIN, 2, RULE);
    cv.text(
        &labels.copays,
        Style::label((18.0, 14.0), BRAND).bold(),
        m,
        426.0,
        inner,
        Align::Left,
    );
    let cell_w = inner / 3.0;
    let n = card.copays.len();
    let shown = if n > COPAY_SLOTS { COPAY_SLOTS - 1 } else { n };
    for (i, (service, amount)) in card.copays.iter().take(shown).enumerate() {
        let x = m + (i % 3) as f32 * cell_w;
        let top = 436.0 + (i / 3) as f32 * 50.0;
        // Service names are the caller's labels: never cut.
        cv.text(
            service,
            Style::label((17.0, 13.0), MUTED),
            x,
            top + 15.0,
            cell_w - 12.0,
            Align::Left,
        );
        cv.text(
            amount,
            Style::value((22.0, 16.0), INK),
            x,
            top + 39.0,
            cell_w - 12.0,
            Align::Left,
        );
    }
    if shown < n {
        let x = m + (shown % 3) as f32 * cell_w;
        let top = 436.0 + (shown / 3) as f32 * 50.0;
        cv.text(
            &format!("+{} {}", n - shown, labels.more_copays),
            Style::label((17.0, 11.0), MUTED),
            x,
            top + 27.0,
            cell_w - 12.0,
            Align::Left,
        );
    }

    // Footer: phone numbers and the emergency notice.
    let foot_y = 538;
    cv.fill(0, foot_y, w, h - foot_y, TINT);
    let foot = foot_y as f32;
    let phone_w = inner / 3.0;
    let phones = [
        (&labels.member_services, &card.member_services_phone),
        (&labels.advice_nurse, &card.advice_phone),
        (&labels.away_from_home, &card.away_from_home_phone),
    ];
    for (i, (label, number)) in phones.into_iter().enumerate() {
        let x = m + i as f32 * phone_w;
        cv.text(
            label,
            Style::label((17.0, 13.0), MUTED),
            x,
            foot + 24.0,
            phone_w - 12.0,
            Align::Left,
        );
        cv.text(
            number,
            Style::value((22.0, 16.0), INK),
            x,
            foot + 50.0,
            phone_w - 12.0,
            Align::Left,
        );
    }
    cv.text(
        &labels.emergency,
        Style::label((22.0, 16.0), ALERT).bold(),
        m,
        foot + 85.0,
        inner,
        Align::Left,
    );
    Ok(cv)
}
