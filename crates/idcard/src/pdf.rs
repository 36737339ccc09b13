//! The printable PDF: US Letter, card front and back side by side at real
//! card size (85.6 × 54 mm), cut and fold lines, text in the bundled DejaVu
//! Sans embedded as subset TrueType CID fonts.

use std::collections::{BTreeMap, BTreeSet};

use ab_glyph::{Font, FontRef};
use pdf_writer::types::{CidFontType, FontFlags, LineCapStyle, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::subset::{bbox, subset};
use crate::text::{BOLD_TTF, Drawn, Face, Fonts, Overflow, REGULAR_TTF, Role, fit, layout, upem};
use crate::{CardError, CardLabels, IdCard, QUIET_ZONE, QrMatrix, qr_matrix};

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

/// How one text is set.
#[derive(Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    min: f32,
    role: Role,
    color: Rgb,
}

/// A label (never cut: shrinks below `min` if it must).
fn label(face: Face, size: f32, min: f32, color: Rgb) -> Style {
    Style {
        face,
        size,
        min,
        role: Role::Label,
        color,
    }
}

/// Card data (cut with "…" below `min`).
fn value(face: Face, size: f32, min: f32, color: Rgb) -> Style {
    Style {
        face,
        size,
        min,
        role: Role::Value,
        color,
    }
}

fn face_index(face: Face) -> usize {
    match face {
        Face::Regular => 0,
        Face::Bold => 1,
    }
}

struct Page<'f> {
    c: Content,
    fonts: &'f Fonts,
    /// Glyphs used per face (regular, bold), with the character each one
    /// stands for (for the ToUnicode map).
    used: [BTreeMap<u16, char>; 2],
    drawn: Vec<Drawn>,
}

impl Page<'_> {
    fn fill_rgb(&mut self, (r, g, b): Rgb) {
        self.c.set_fill_rgb(r, g, b);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.fill_rgb(color);
        self.c.rect(x, y, w, h).fill_nonzero();
    }

    fn font(&self, face: Face) -> &FontRef<'static> {
        self.fonts.get(face)
    }

    fn width(&self, face: Face, size: f32, s: &str) -> f32 {
        let font = self.font(face);
        layout(font, &crate::text::clean(font, s)).1 * size
    }

    /// One line of (already cleaned) text at baseline (x, y): glyph ids
    /// (Identity-H), with the font's kerning as `TJ` adjustments.
    fn show(&mut self, face: Face, size: f32, x: f32, y: f32, s: &str, color: Rgb) {
        self.fill_rgb(color);
        let (glyphs, _) = layout(self.fonts.get(face), s);
        let name = match face {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
        };
        let used = &mut self.used[face_index(face)];
        self.c.begin_text().set_font(name, size).next_line(x, y);
        {
            let mut tj = self.c.show_positioned();
            let mut items = tj.items();
            let mut run: Vec<u8> = Vec::new();
            for g in &glyphs {
                if g.kern != 0.0 && !run.is_empty() {
                    items.show(Str(&run));
                    run.clear();
                    items.adjust(-g.kern * 1000.0);
                }
                run.extend_from_slice(&g.id.0.to_be_bytes());
                used.entry(g.id.0).or_insert(g.ch);
            }
            if !run.is_empty() {
                items.show(Str(&run));
            }
        }
        self.c.end_text();
    }

    /// `s` fitted into `max_w` on up to `max_lines` lines, the first
    /// baseline at `y`, further lines below; returns the width drawn.
    fn fitted(&mut self, s: &str, st: Style, x: f32, y: f32, max_w: f32, max_lines: usize) -> f32 {
        let overflow = match st.role {
            Role::Label => Overflow::Shrink,
            Role::Value => Overflow::Ellipsis,
        };
        let f = fit(
            self.font(st.face),
            s,
            st.size,
            st.min,
            max_w,
            max_lines,
            overflow,
        );
        for (i, line) in f.lines.iter().enumerate() {
            let ly = y - i as f32 * f.size * 1.25;
            self.show(st.face, f.size, x, ly, line, st.color);
        }
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

    /// A 5 pt label with a 7.5 pt bold value 8 pt below it.
    fn field(&mut self, label_text: &str, value_text: &str, x: f32, y: f32, max_w: f32) {
        self.fitted(
            label_text,
            label(Face::Regular, 5.0, 5.0, MUTED),
            x,
            y,
            max_w,
            1,
        );
        self.fitted(
            value_text,
            value(Face::Bold, 7.5, 5.0, INK),
            x,
            y - 8.0,
            max_w,
            1,
        );
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

fn front(p: &mut Page, card: &IdCard, labels: &CardLabels, qr: &QrMatrix, x: f32, y: f32) {
    let top = y + CARD_H;
    let band = 26.0;
    p.rect(x, top - band, CARD_W, band, BRAND);
    p.fitted(
        &card.organisation,
        value(Face::Bold, 9.0, 6.0, WHITE),
        x + PAD,
        top - 16.5,
        CARD_W - 2.0 * PAD,
        1,
    );

    let qr_x = x + CARD_W - QR_SIDE - 4.0;
    let qr_top = top - band - 3.0;
    p.qr(qr, qr_x, qr_top, QR_SIDE);

    let text_w = qr_x - (x + PAD) - 2.0;
    let col_w = (text_w - 6.0) / 2.0;
    let col2 = x + PAD + col_w + 6.0;
    p.fitted(
        &card.member_name,
        value(Face::Bold, 11.0, 6.5, INK),
        x + PAD,
        top - band - 16.0,
        text_w,
        1,
    );
    let mut row = top - band - 31.0;
    p.field(&labels.mrn, &card.mrn, x + PAD, row, col_w);
    p.field(&labels.member_id, &card.member_id, col2, row, col_w);
    row -= 21.0;
    p.field(&labels.plan, &card.plan_name, x + PAD, row, text_w);
    row -= 21.0;
    p.field(&labels.group, &card.group, x + PAD, row, col_w);
    p.field(&labels.effective, &card.effective, col2, row, col_w);
    row -= 21.0;
    if let Some(pcp) = &card.pcp {
        p.field(&labels.pcp, pcp, x + PAD, row, CARD_W - 2.0 * PAD);
    }
}

/// How the copays are set on the back: the size, and for each shown entry
/// whether its amount goes on a line of its own.
struct CopayPlan {
    size: f32,
    step: f32,
    two_lines: Vec<bool>,
    /// Entries shown (the rest are summed up in a "+N more" line).
    shown: usize,
}

fn plan_copays(p: &Page, copays: &[(String, String)], col_w: f32, height: f32) -> CopayPlan {
    let layout_at = |size: f32| -> Vec<bool> {
        copays
            .iter()
            .map(|(service, amount)| {
                p.width(Face::Regular, size, service) + 4.0 + p.width(Face::Bold, size, amount)
                    > col_w
            })
            .collect()
    };
    let mut last = None;
    for size in [6.5, 6.0, 5.5, 5.0] {
        let step = size * 1.3;
        let capacity = (height / step) as usize + 1;
        let two = layout_at(size);
        let lines: usize = two.iter().map(|&t| 1 + usize::from(t)).sum();
        if lines <= capacity {
            return CopayPlan {
                size,
                step,
                shown: two.len(),
                two_lines: two,
            };
        }
        last = Some((size, step, capacity, two));
    }
    let Some((size, step, capacity, two)) = last else {
        return CopayPlan {
            size: 6.5,
            step: 8.45,
            two_lines: Vec::new(),
            shown: 0,
        };
    };
    // Keep whole entries within capacity - 1 lines; the last line says how
    // many more there are.
    let mut used = 0;
    let mut shown = 0;
    for &t in &two {
        let need = 1 + usize::from(t);
        if used + need > capacity.saturating_sub(1) {
            break;
        }
        used += need;
        shown += 1;
    }
    CopayPlan {
        size,
        step,
        two_lines: two,
        shown,
    }
}

fn back(p: &mut Page, card: &IdCard, labels: &CardLabels, x: f32, y: f32) {
    let top = y + CARD_H;
    let band = 16.0;
    p.rect(x, top - band, CARD_W, band, BRAND);
    p.fitted(
        &card.organisation,
        value(Face::Bold, 7.0, 5.0, WHITE),
        x + PAD,
        top - 10.5,
        CARD_W - 2.0 * PAD,
        1,
    );

    let half = CARD_W / 2.0;
    let col_w = half - PAD - 5.0;
    let head_y = top - band - 11.0;

    // Copays: service left, amount right-aligned on the same line or, when
    // both do not fit, on the line below.
    p.fitted(
        &labels.copays,
        label(Face::Bold, 7.0, 7.0, BRAND),
        x + PAD,
        head_y,
        col_w,
        1,
    );
    let rows_top = head_y - 9.5;
    let rows_bottom = y + 30.0;
    let plan = plan_copays(p, &card.copays, col_w, rows_top - rows_bottom);
    let right = x + PAD + col_w;
    let mut ry = rows_top;
    for (i, (service, amount)) in card.copays.iter().take(plan.shown).enumerate() {
        let two = plan.two_lines.get(i).copied().unwrap_or(true);
        let amt_y = if two { ry - plan.step } else { ry };
        let amt_w = p.width(Face::Bold, plan.size, amount).min(col_w);
        let service_w = if two { col_w } else { col_w - amt_w - 4.0 };
        p.fitted(
            service,
            label(Face::Regular, plan.size, plan.size, INK),
            x + PAD,
            ry,
            service_w,
            1,
        );
        p.fitted(
            amount,
            value(Face::Bold, plan.size, plan.size, INK),
            right - amt_w,
            amt_y,
            col_w,
            1,
        );
        ry = amt_y - plan.step;
    }
    let n = card.copays.len();
    if plan.shown < n {
        let more = format!("+{} {}", n - plan.shown, labels.more_copays);
        p.fitted(
            &more,
            label(Face::Regular, plan.size, plan.size, MUTED),
            x + PAD,
            ry,
            col_w,
            1,
        );
    }

    // Divider and phone numbers.
    p.c.set_line_width(0.4);
    let (r, g, b) = (0.78, 0.82, 0.84);
    p.c.set_stroke_rgb(r, g, b);
    p.line(x + half, head_y + 7.0, x + half, y + 30.0);
    let px = x + half + 5.0;
    p.fitted(
        &labels.phone_numbers,
        label(Face::Bold, 7.0, 7.0, BRAND),
        px,
        head_y,
        col_w,
        1,
    );
    let mut py = head_y - 10.0;
    for (label_text, number) in [
        (&labels.member_services, &card.member_services_phone),
        (&labels.advice_nurse, &card.advice_phone),
        (&labels.away_from_home, &card.away_from_home_phone),
    ] {
        p.field(label_text, number, px, py, col_w);
        py -= 18.0;
    }

    p.fitted(
        &labels.emergency,
        label(Face::Bold, 7.0, 5.0, ALERT),
        x + PAD,
        y + 18.0,
        CARD_W - 2.0 * PAD,
        1,
    );
    p.fitted(
        &format!("{} {}", labels.issued, card.issued),
        label(Face::Regular, 5.5, 5.0, MUTED),
        x + PAD,
        y + 8.0,
        CARD_W - 2.0 * PAD,
        1,
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
/// with its quiet zone). Fixed texts come from `labels`.
///
/// Text is set in DejaVu Sans and DejaVu Sans Bold, embedded as subsets
/// (TrueType CID fonts, Identity-H, with a ToUnicode map), so any character
/// the font has prints and copies as itself ("Nguyễn", "Zoë", "—");
/// characters it lacks are set as `?`. Text too long for its place is set
/// smaller; labels are never cut, card data is cut with "…" only below its
/// smallest size. The same card and labels always give the same bytes.
pub fn render_pdf(card: &IdCard, labels: &CardLabels) -> Result<Vec<u8>, CardError> {
    let fonts = Fonts::load()?;
    Ok(compose(card, labels, &fonts)?.0)
}

/// The PDF and a record of every text drawn on it.
pub(crate) fn compose(
    card: &IdCard,
    labels: &CardLabels,
    fonts: &Fonts,
) -> Result<(Vec<u8>, Vec<Drawn>), CardError> {
    let qr = qr_matrix(&card.qr_payload)?;

    let mut p = Page {
        c: Content::new(),
        fonts,
        used: [BTreeMap::new(), BTreeMap::new()],
        drawn: Vec::new(),
    };
    let pair_w = 2.0 * CARD_W;
    let x = (PAGE_W - pair_w) / 2.0;
    let y = PAGE_H - 72.0 - 96.0 - CARD_H;

    p.fitted(
        &card.organisation,
        value(Face::Bold, 16.0, 9.0, BRAND),
        x,
        PAGE_H - 90.0,
        pair_w,
        1,
    );
    p.fitted(
        &labels.title,
        label(Face::Regular, 11.0, 9.0, INK),
        x,
        PAGE_H - 106.0,
        pair_w,
        1,
    );
    p.fitted(
        &labels.cut_and_fold,
        label(Face::Regular, 8.0, 6.5, MUTED),
        x,
        PAGE_H - 126.0,
        pair_w,
        2,
    );

    front(&mut p, card, labels, &qr, x, y);
    back(&mut p, card, labels, x + CARD_W, y);
    guides(&mut p, x, y, pair_w, CARD_H);
    p.fitted(
        &labels.front,
        label(Face::Regular, 6.0, 6.0, MUTED),
        x,
        y - 28.0,
        CARD_W,
        1,
    );
    p.fitted(
        &labels.back,
        label(Face::Regular, 6.0, 6.0, MUTED),
        x + CARD_W,
        y - 28.0,
        CARD_W,
        1,
    );

    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let page_id = Ref::new(3);
    let content_id = Ref::new(4);
    let info_id = Ref::new(5);
    let font_ids = [Ref::new(10), Ref::new(20)];

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.parent(tree_id)
        .media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
        .contents(content_id);
    page.resources()
        .fonts()
        .pair(REGULAR, font_ids[0])
        .pair(BOLD, font_ids[1]);
    page.finish();
    for (i, (face, data, ps_name)) in [
        (Face::Regular, REGULAR_TTF, "DejaVuSans"),
        (Face::Bold, BOLD_TTF, "DejaVuSans-Bold"),
    ]
    .into_iter()
    .enumerate()
    {
        embed_font(
            &mut pdf,
            font_ids[i],
            fonts.get(face),
            data,
            ps_name,
            face,
            &p.used[i],
        )?;
    }
    let content = deflate(&p.c.finish());
    pdf.stream(content_id, &content).filter(Filter::FlateDecode);
    pdf.document_info(info_id)
        .title(TextStr(&labels.title))
        .creator(TextStr("Wellspring"));
    Ok((pdf.finish(), p.drawn))
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 9)
}

/// A six-letter subset tag derived from the glyphs kept, so the same
/// glyphs always give the same name (PDF 32000-1 §9.6.4).
fn subset_tag(glyphs: &BTreeSet<u16>) -> String {
    let mut h: u32 = 0x811C_9DC5;
    for g in glyphs {
        for b in g.to_be_bytes() {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (h % 26) as u8);
            h /= 26;
            c
        })
        .collect()
}

/// Writes the Type0 font `id` (Identity-H) with its CIDFontType2
/// descendant, descriptor, subset font file and ToUnicode map; objects
/// `id + 1` to `id + 4`.
fn embed_font(
    pdf: &mut Pdf,
    id: Ref,
    font: &FontRef,
    data: &[u8],
    ps_name: &str,
    face: Face,
    used: &BTreeMap<u16, char>,
) -> Result<(), CardError> {
    let cid_id = Ref::new(id.get() + 1);
    let descriptor_id = Ref::new(id.get() + 2);
    let file_id = Ref::new(id.get() + 3);
    let cmap_id = Ref::new(id.get() + 4);

    let glyphs: BTreeSet<u16> = used.keys().copied().collect();
    let program = subset(data, &glyphs).ok_or(CardError::Font("font subsetting failed"))?;
    let base = format!("{}+{}", subset_tag(&glyphs), ps_name);
    let em = upem(font);
    let to_pdf = |units: f32| units * 1000.0 / em;

    pdf.type0_font(id)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(descriptor_id)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = cid.widths();
        let ids: Vec<u16> = glyphs.iter().copied().collect();
        let mut i = 0;
        while i < ids.len() {
            let start = ids[i];
            let mut run = vec![to_pdf(font.h_advance_unscaled(ab_glyph::GlyphId(start)))];
            while i + 1 < ids.len() && ids[i + 1] == ids[i] + 1 {
                i += 1;
                run.push(to_pdf(font.h_advance_unscaled(ab_glyph::GlyphId(ids[i]))));
            }
            widths.consecutive(start, run);
            i += 1;
        }
    }
    cid.finish();

    let [x0, y0, x1, y1] = bbox(data).ok_or(CardError::Font("font has no head table"))?;
    let cap_height = font
        .outline(font.glyph_id('H'))
        .map_or(font.ascent_unscaled() * 0.7, |o| o.bounds.min.y);
    let stem_v = match face {
        Face::Regular => 95.0,
        Face::Bold => 170.0,
    };
    pdf.font_descriptor(descriptor_id)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            to_pdf(f32::from(x0)),
            to_pdf(f32::from(y0)),
            to_pdf(f32::from(x1)),
            to_pdf(f32::from(y1)),
        ))
        .italic_angle(0.0)
        .ascent(to_pdf(font.ascent_unscaled()))
        .descent(to_pdf(font.descent_unscaled()))
        .cap_height(to_pdf(cap_height))
        .stem_v(stem_v)
        .font_file2(file_id);

    let packed = deflate(&program);
    pdf.stream(file_id, &packed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), program.len() as i32);

    let mut cmap = UnicodeCmap::new(
        Name(b"Custom"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for (&g, &c) in used {
        cmap.pair(g, c);
    }
    let cmap = cmap.finish();
    pdf.cmap(cmap_id, &cmap);
    Ok(())
}
