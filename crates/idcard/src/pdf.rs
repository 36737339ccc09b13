//! The printable PDF: US Letter, card front and back side by side at real
//! card size (85.6 × 54 mm), cut and fold lines, base-14 Helvetica.

use pdf_writer::types::LineCapStyle;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::text::{fit_pdf, text_width, win_ansi};
use crate::{CardError, IdCard, QUIET_ZONE, QrMatrix, qr_matrix};

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const CARD_W: f32 = 85.6 * MM;
const CARD_H: f32 = 54.0 * MM;
/// Inner padding of the card, in points.
const PAD: f32 = 9.0;
/// QR block (code + quiet zone) side on the card front, in points (24 mm).
const QR_SIDE: f32 = 24.0 * MM;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

type Rgb = (f32, f32, f32);
const BRAND: Rgb = (0.0, 0.353, 0.439);
const INK: Rgb = (0.09, 0.11, 0.12);
const MUTED: Rgb = (0.33, 0.38, 0.42);
const WHITE: Rgb = (1.0, 1.0, 1.0);
const ALERT: Rgb = (0.66, 0.07, 0.12);
const GUIDE: Rgb = (0.45, 0.45, 0.45);

struct Page {
    c: Content,
}

impl Page {
    fn fill_rgb(&mut self, (r, g, b): Rgb) {
        self.c.set_fill_rgb(r, g, b);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.fill_rgb(color);
        self.c.rect(x, y, w, h).fill_nonzero();
    }

    /// WinAnsi bytes at baseline (x, y).
    fn show(&mut self, font: Name, size: f32, x: f32, y: f32, bytes: &[u8], color: Rgb) {
        self.fill_rgb(color);
        self.c
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(bytes))
            .end_text();
    }

    /// `s` at baseline (x, y), shrunk from `size` towards `min` and then
    /// cut with an ellipsis to fit `max_w`.
    #[allow(clippy::too_many_arguments)]
    fn fitted(
        &mut self,
        s: &str,
        bold: bool,
        size: f32,
        min: f32,
        x: f32,
        y: f32,
        max_w: f32,
        color: Rgb,
    ) {
        let (bytes, sz) = fit_pdf(s, bold, size, min, max_w);
        self.show(if bold { BOLD } else { REGULAR }, sz, x, y, &bytes, color);
    }

    /// A 5 pt label with a 7.5 pt bold value 7.5 pt below it.
    fn field(&mut self, label: &str, value: &str, x: f32, y: f32, max_w: f32) {
        self.fitted(label, false, 5.0, 5.0, x, y, max_w, MUTED);
        self.fitted(value, true, 7.5, 5.0, x, y - 8.0, max_w, INK);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.c.move_to(x1, y1).line_to(x2, y2).stroke();
    }

    fn qr(&mut self, qr: &QrMatrix, x: f32, y_top: f32, side: f32) {
        let n = (qr.width + 2 * QUIET_ZONE) as f32;
        let m = side / n;
        self.rect(x, y_top - side, side, side, WHITE);
        self.fill_rgb((0.0, 0.0, 0.0));
        for (mx, my, len) in qr.runs() {
            let rx = x + (mx + QUIET_ZONE) as f32 * m;
            let ry = y_top - (my + QUIET_ZONE + 1) as f32 * m;
            // A hair of overlap so adjacent rows print without seams.
            self.c.rect(rx, ry - 0.02, len as f32 * m, m + 0.04);
        }
        self.c.fill_nonzero();
    }
}

fn front(p: &mut Page, card: &IdCard, qr: &QrMatrix, x: f32, y: f32) {
    let top = y + CARD_H;
    let band = 26.0;
    p.rect(x, top - band, CARD_W, band, BRAND);
    p.fitted(
        &card.organisation,
        true,
        9.0,
        6.0,
        x + PAD,
        top - 16.5,
        CARD_W - 2.0 * PAD,
        WHITE,
    );

    let qr_x = x + CARD_W - QR_SIDE - 4.0;
    let qr_top = top - band - 3.0;
    p.qr(qr, qr_x, qr_top, QR_SIDE);

    let text_w = qr_x - (x + PAD) - 2.0;
    let col_w = (text_w - 6.0) / 2.0;
    let col2 = x + PAD + col_w + 6.0;
    p.fitted(
        &card.member_name,
        true,
        11.0,
        6.5,
        x + PAD,
        top - band - 16.0,
        text_w,
        INK,
    );
    let mut row = top - band - 31.0;
    p.field("MRN", &card.mrn, x + PAD, row, col_w);
    p.field("Member ID", &card.member_id, col2, row, col_w);
    row -= 21.0;
    p.field("Plan", &card.plan_name, x + PAD, row, text_w);
    row -= 21.0;
    p.field("Group", &card.group, x + PAD, row, col_w);
    p.field("Effective", &card.effective, col2, row, col_w);
    row -= 21.0;
    if let Some(pcp) = &card.pcp {
        p.field("PCP", pcp, x + PAD, row, CARD_W - 2.0 * PAD);
    }
}

fn back(p: &mut Page, card: &IdCard, x: f32, y: f32) {
    let top = y + CARD_H;
    let band = 16.0;
    p.rect(x, top - band, CARD_W, band, BRAND);
    p.fitted(
        &card.organisation,
        true,
        7.0,
        5.0,
        x + PAD,
        top - 10.5,
        CARD_W - 2.0 * PAD,
        WHITE,
    );

    let half = CARD_W / 2.0;
    let col_w = half - PAD - 5.0;
    let head_y = top - band - 11.0;

    // Copays table: service left, amount right-aligned.
    p.fitted("Copays", true, 7.0, 7.0, x + PAD, head_y, col_w, BRAND);
    let rows_top = head_y - 9.5;
    let rows_bottom = y + 30.0;
    let n = card.copays.len();
    let step = if n == 0 {
        8.5
    } else {
        ((rows_top - rows_bottom) / n as f32).clamp(5.5, 8.5)
    };
    let size = (step * 0.78).min(6.5);
    let capacity = ((rows_top - rows_bottom) / step) as usize + 1;
    let shown = if n > capacity {
        capacity.saturating_sub(1)
    } else {
        n
    };
    let right = x + PAD + col_w;
    for (i, (service, amount)) in card.copays.iter().take(shown).enumerate() {
        let ry = rows_top - i as f32 * step;
        let amt = win_ansi(amount);
        let amt_w = text_width(&amt, true, size);
        p.show(BOLD, size, right - amt_w, ry, &amt, INK);
        p.fitted(
            service,
            false,
            size,
            size,
            x + PAD,
            ry,
            col_w - amt_w - 4.0,
            INK,
        );
    }
    if shown < n {
        let ry = rows_top - shown as f32 * step;
        let more = format!("+{} more: see your plan documents", n - shown);
        p.fitted(&more, false, size, size, x + PAD, ry, col_w, MUTED);
    }

    // Divider and phone numbers.
    p.c.set_line_width(0.4);
    let (r, g, b) = (0.78, 0.82, 0.84);
    p.c.set_stroke_rgb(r, g, b);
    p.line(x + half, head_y + 7.0, x + half, y + 30.0);
    let px = x + half + 5.0;
    p.fitted("Phone numbers", true, 7.0, 7.0, px, head_y, col_w, BRAND);
    let mut py = head_y - 10.0;
    for (label, number) in [
        ("Member Services", &card.member_services_phone),
        ("Advice nurse, 24/7", &card.advice_phone),
        ("Away from home", &card.away_from_home_phone),
    ] {
        p.field(label, number, px, py, col_w);
        py -= 18.0;
    }

    p.fitted(
        "Emergency? Call 911 or go to the nearest hospital.",
        true,
        7.0,
        5.0,
        x + PAD,
        y + 18.0,
        CARD_W - 2.0 * PAD,
        ALERT,
    );
    p.fitted(
        &format!("Issued {}", card.issued),
        false,
        5.5,
        5.0,
        x + PAD,
        y + 8.0,
        CARD_W - 2.0 * PAD,
        MUTED,
    );
}

/// Dashed outline, corner crop marks and a dotted fold line for a
/// front|back pair whose outline is (x, y, w, h).
fn guides(p: &mut Page, x: f32, y: f32, w: f32, h: f32) {
    let (r, g, b) = GUIDE;
    p.c.set_stroke_rgb(r, g, b).set_line_width(0.5);
    // Crop marks, solid, outside the corners.
    let (gap, len) = (4.0, 14.0);
    for (cx, cy, dx, dy) in [
        (x, y, -1.0, -1.0),
        (x + w, y, 1.0, -1.0),
        (x, y + h, -1.0, 1.0),
        (x + w, y + h, 1.0, 1.0),
    ] {
        p.line(cx + dx * gap, cy, cx + dx * (gap + len), cy);
        p.line(cx, cy + dy * gap, cx, cy + dy * (gap + len));
    }
    // Fold marks, above and below the centre line.
    let fx = x + w / 2.0;
    p.line(fx, y + h + gap, fx, y + h + gap + len);
    p.line(fx, y - gap, fx, y - gap - len);
    p.c.set_dash_pattern([3.0, 2.0], 0.0);
    p.c.rect(x, y, w, h).stroke();
    p.c.set_line_cap(LineCapStyle::RoundCap)
        .set_dash_pattern([0.1, 2.0], 0.0);
    p.line(x + w / 2.0, y, x + w / 2.0, y + h);
    p.c.set_dash_pattern([], 0.0)
        .set_line_cap(LineCapStyle::ButtCap);
}

/// The printable ID card: one US Letter page with the front (left) and back
/// (right) at real card size, sharing a fold line, inside a dashed cut
/// outline with crop marks; the QR code is vector (filled rectangles, 24 mm
/// with its quiet zone). Text uses base-14 Helvetica / Helvetica-Bold,
/// WinAnsi-encoded; characters outside WinAnsi are set as `?`. Text too
/// long for its slot is set smaller, then cut with an ellipsis.
pub fn render_pdf(card: &IdCard) -> Result<Vec<u8>, CardError> {
    let qr = qr_matrix(&card.qr_payload)?;

    let mut p = Page { c: Content::new() };
    let pair_w = 2.0 * CARD_W;
    let x = (PAGE_W - pair_w) / 2.0;
    let y = PAGE_H - 72.0 - 70.0 - CARD_H;

    p.fitted(
        &card.organisation,
        true,
        16.0,
        9.0,
        x,
        PAGE_H - 90.0,
        pair_w,
        BRAND,
    );
    p.fitted(
        "Member ID card",
        false,
        11.0,
        11.0,
        x,
        PAGE_H - 106.0,
        pair_w,
        INK,
    );
    p.fitted(
        "Cut along the outer dashed line, fold along the dotted centre line so the front and back face out.",
        false,
        8.0,
        6.0,
        x,
        y + CARD_H + 24.0,
        pair_w,
        MUTED,
    );

    front(&mut p, card, &qr, x, y);
    back(&mut p, card, x + CARD_W, y);
    guides(&mut p, x, y, pair_w, CARD_H);
    p.fitted("Front", false, 6.0, 6.0, x, y - 28.0, CARD_W, MUTED);
    p.fitted("Back", false, 6.0, 6.0, x + CARD_W, y - 28.0, CARD_W, MUTED);

    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let page_id = Ref::new(3);
    let content_id = Ref::new(4);
    let regular_id = Ref::new(5);
    let bold_id = Ref::new(6);
    let info_id = Ref::new(7);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.parent(tree_id)
        .media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
        .contents(content_id);
    page.resources()
        .fonts()
        .pair(REGULAR, regular_id)
        .pair(BOLD, bold_id);
    page.finish();
    for (id, base) in [
        (regular_id, Name(b"Helvetica")),
        (bold_id, Name(b"Helvetica-Bold")),
    ] {
        pdf.type1_font(id)
            .base_font(base)
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.stream(content_id, &p.c.finish());
    pdf.document_info(info_id)
        .title(TextStr("Member ID card"))
        .creator(TextStr("Wellspring"));
    Ok(pdf.finish())
}
