//! Text shared by the renderers: the bundled DejaVu fonts, their metrics
//! (advance widths and `kern` pairs, through `ab_glyph`), and fitting a
//! string into a box by shrinking, wrapping and, for data only, cutting.

use ab_glyph::{Font, FontRef, GlyphId};
use unicode_normalization::UnicodeNormalization;

use crate::CardError;

/// DejaVu Sans 2.37 (see `fonts/README.md` and `fonts/LICENSE`).
pub(crate) static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold 2.37.
pub(crate) static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Drawn in place of a character the font has no glyph for.
pub(crate) const MISSING: char = '?';
/// Ends text cut to fit.
pub(crate) const ELLIPSIS: char = '…';
/// Size step when shrinking text, in the renderer's unit (pt or px).
const STEP: f32 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// The two bundled faces, parsed.
pub(crate) struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, CardError> {
        let parse = |data: &'static [u8]| {
            FontRef::try_from_slice(data)
                .map_err(|_| CardError::Font("bundled font does not parse"))
        };
        Ok(Fonts {
            regular: parse(REGULAR_TTF)?,
            bold: parse(BOLD_TTF)?,
        })
    }

    pub(crate) fn get(&self, face: Face) -> &FontRef<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

/// Font units per em.
pub(crate) fn upem(font: &FontRef) -> f32 {
    font.units_per_em().unwrap_or(2048.0)
}

/// `s` as it will be drawn with `font`: NFC-normalised (so "Nguyễn" typed
/// as "e" + combining marks uses the font's precomposed glyph), control
/// characters as spaces, and characters the font lacks as `?`.
pub(crate) fn clean(font: &FontRef, s: &str) -> String {
    s.nfc()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if font.glyph_id(c).0 == 0 {
                MISSING
            } else {
                c
            }
        })
        .collect()
}

/// One glyph of a laid-out line: its id, the character it stands for and
/// its pen position in em from the line start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub(crate) id: GlyphId,
    pub(crate) ch: char,
    pub(crate) x: f32,
    /// `kern` adjustment before this glyph, in em (negative = closer).
    pub(crate) kern: f32,
}

/// Glyph positions of `s` (already [`clean`]ed), one glyph per character,
/// with the fonts' advance widths and `kern` pairs; and the line's width,
/// all in em.
pub(crate) fn layout(font: &FontRef, s: &str) -> (Vec<Placed>, f32) {
    let em = upem(font);
    let mut out = Vec::with_capacity(s.len());
    let mut x = 0.0;
    let mut prev: Option<GlyphId> = None;
    for ch in s.chars() {
        let id = font.glyph_id(ch);
        let kern = prev.map_or(0.0, |p| font.kern_unscaled(p, id)) / em;
        x += kern;
        out.push(Placed { id, ch, x, kern });
        x += font.h_advance_unscaled(id) / em;
        prev = Some(id);
    }
    (out, x)
}

/// Width of `s` (already [`clean`]ed) in em.
pub(crate) fn width_em(font: &FontRef, s: &str) -> f32 {
    layout(font, s).1
}

/// What to do with text that does not fit at the smallest size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// Keep shrinking below the minimum until it fits: for labels, which are
    /// never cut.
    Shrink,
    /// Cut the last line at the minimum size and end it with "…": for data
    /// (names, plan names) as a last resort.
    Ellipsis,
}

/// Text fitted into a box: the lines to draw and the size to draw them at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fitted {
    pub(crate) lines: Vec<String>,
    pub(crate) size: f32,
    /// Width of the widest line at `size`.
    pub(crate) width: f32,
}

/// `s` fitted into `max_lines` lines of at most `max_w`: the largest size
/// from `size` down to `min` (in half steps) at which it fits, wrapping at
/// spaces and after hyphens when more than one line is allowed; then
/// `overflow` decides.
pub(crate) fn fit(
    font: &FontRef,
    s: &str,
    size: f32,
    min: f32,
    max_w: f32,
    max_lines: usize,
    overflow: Overflow,
) -> Fitted {
    let s = clean(font, s);
    let s = s.trim();
    let max_lines = max_lines.max(1);
    let done = |lines: Vec<String>, size: f32| {
        let width = lines.iter().map(|l| width_em(font, l)).fold(0.0, f32::max) * size;
        Fitted { lines, size, width }
    };
    let try_size =
        |sz: f32| break_lines(font, s, max_w / sz, false).filter(|lines| lines.len() <= max_lines);
    let mut sz = size;
    loop {
        if let Some(lines) = try_size(sz) {
            return done(lines, sz);
        }
        if sz - STEP < min - 1e-4 {
            break;
        }
        sz -= STEP;
    }
    match overflow {
        Overflow::Shrink => {
            let mut sz = min;
            for _ in 0..100 {
                sz *= 0.95;
                if let Some(lines) = try_size(sz) {
                    return done(lines, sz);
                }
            }
            // Unreachable in practice; one line scaled to the box.
            let w = width_em(font, s).max(f32::EPSILON);
            done(vec![s.to_owned()], (max_w / w).min(min) * 0.999)
        }
        Overflow::Ellipsis => {
            let max_em = max_w / min;
            let mut lines = break_lines(font, s, max_em, true).unwrap_or_default();
            if lines.len() > max_lines {
                lines.truncate(max_lines);
                if let Some(last) = lines.last_mut() {
                    *last = ellipsize(font, last, max_em);
                }
            }
            done(lines, min)
        }
    }
}

/// `line` with "…" appended, cut (at a word if it can) until it fits.
fn ellipsize(font: &FontRef, line: &str, max_em: f32) -> String {
    let mut cut: Vec<char> = line.chars().collect();
    loop {
        let mut t: String = cut.iter().collect::<String>().trim_end().to_owned();
        t.push(ELLIPSIS);
        if width_em(font, &t) <= max_em || cut.is_empty() {
            return t;
        }
        cut.pop();
    }
}

/// Greedy line breaking at spaces (dropped at the break) and after hyphens
/// (kept). A piece longer than a line is cut between characters when
/// `hard`, else there is no solution.
fn break_lines(font: &FontRef, s: &str, max_em: f32, hard: bool) -> Option<Vec<String>> {
    let fits = |t: &str| width_em(font, t.trim_end()) <= max_em + 1e-6;
    let mut lines = Vec::new();
    let mut cur = String::new();
    for piece in pieces(s) {
        let candidate = format!("{cur}{piece}");
        if fits(&candidate) {
            cur = candidate;
            continue;
        }
        if !cur.trim().is_empty() {
            lines.push(cur.trim_end().to_owned());
        }
        cur = String::new();
        if fits(piece) {
            cur.push_str(piece);
        } else if hard {
            for ch in piece.chars() {
                let mut t = cur.clone();
                t.push(ch);
                if fits(&t) || cur.is_empty() {
                    cur = t;
                } else {
                    lines.push(cur.trim_end().to_owned());
                    cur = ch.to_string();
                }
            }
        } else {
            return None;
        }
    }
    if !cur.trim().is_empty() || lines.is_empty() {
        lines.push(cur.trim_end().to_owned());
    }
    Some(lines)
}

/// `s` split after each space and hyphen.
fn pieces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == ' ' || c == '-' {
            let end = i + c.len_utf8();
            out.push(&s[start..end]);
            start = end;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Whether drawn text is a fixed label (never cut) or card data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Label,
    Value,
}

/// A record of one fitted text drawn by a renderer (for the tests: what
/// was drawn, at what size, how wide, into how wide a box).
#[derive(Debug, Clone)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Drawn {
    /// The text asked for (before fitting).
    pub(crate) source: String,
    pub(crate) fitted: Fitted,
    pub(crate) face: Face,
    pub(crate) max_w: f32,
    pub(crate) role: Role,
}
