//! Character handling shared by the renderers: WinAnsi encoding and
//! Helvetica metrics for the PDF, glyph lookup for the bitmap font.

use font8x8::{BASIC_FONTS, LATIN_FONTS, UnicodeFonts};

/// Windows-1252 bytes 0x80..=0x9F and the characters they stand for
/// (the five undefined slots are left out).
const WIN_ANSI_HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('\u{2018}', 0x91),
    ('\u{2019}', 0x92),
    ('\u{201C}', 0x93),
    ('\u{201D}', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// One character as a WinAnsi byte; `?` when WinAnsi has no such character.
/// Control characters (tabs, newlines) become spaces.
pub(crate) fn win_ansi_byte(c: char) -> u8 {
    let u = c as u32;
    match u {
        0x20..=0x7E | 0xA0..=0xFF => u as u8,
        0x00..=0x1F | 0x7F => b' ',
        _ => WIN_ANSI_HIGH
            .iter()
            .find(|(ch, _)| *ch == c)
            .map_or(b'?', |(_, b)| *b),
    }
}

/// A string in WinAnsi encoding (see [`win_ansi_byte`]).
pub(crate) fn win_ansi(s: &str) -> Vec<u8> {
    s.chars().map(win_ansi_byte).collect()
}

/// Helvetica advance widths (1/1000 em) for ASCII 0x20..=0x7E, from the
/// Adobe core-14 AFM files.
#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold advance widths (1/1000 em) for ASCII 0x20..=0x7E.
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The unaccented ASCII letter a Latin-1 letter is built on (accented
/// letters share their base letter's width in Helvetica).
fn latin1_base(b: u8) -> Option<u8> {
    Some(match b {
        0xC0..=0xC5 => b'A',
        0xC6 => return None, // Æ: wider than A, use the default
        0xC7 => b'C',
        0xC8..=0xCB => b'E',
        0xCC..=0xCF => b'I',
        0xD0 => b'D',
        0xD1 => b'N',
        0xD2..=0xD6 | 0xD8 => b'O',
        0xD9..=0xDC => b'U',
        0xDD => b'Y',
        0xE0..=0xE5 => b'a',
        0xE7 => b'c',
        0xE8..=0xEB => b'e',
        0xEC..=0xEF => b'i',
        0xF1 => b'n',
        0xF2..=0xF6 | 0xF8 => b'o',
        0xF9..=0xFC => b'u',
        0xFD | 0xFF => b'y',
        0x8A => b'S',
        0x9A => b's',
        0x8E => b'Z',
        0x9E => b'z',
        0x9F => b'Y',
        _ => return None,
    })
}

/// Width of WinAnsi text in points at `size`.
pub(crate) fn text_width(bytes: &[u8], bold: bool, size: f32) -> f32 {
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    let units: u32 = bytes
        .iter()
        .map(|&b| {
            let b = latin1_base(b).unwrap_or(b);
            match b {
                0x20..=0x7E => u32::from(table[usize::from(b - 0x20)]),
                0x97 | 0xC6 | 0xE6 | 0x8C | 0x9C | 0x89 => 1000, // em dash, Æ, æ, Œ, œ, ‰
                _ => 556,
            }
        })
        .sum();
    units as f32 * size / 1000.0
}

/// Text fitted into `max_width` points: the largest size from `size` down to
/// `min_size` (in half-point steps) at which it fits, else `min_size` with
/// the tail cut and an ellipsis added.
pub(crate) fn fit_pdf(
    s: &str,
    bold: bool,
    size: f32,
    min_size: f32,
    max_width: f32,
) -> (Vec<u8>, f32) {
    let bytes = win_ansi(s);
    let mut sz = size;
    while sz >= min_size {
        if text_width(&bytes, bold, sz) <= max_width {
            return (bytes, sz);
        }
        sz -= 0.5;
    }
    let mut cut = bytes;
    while !cut.is_empty() {
        cut.pop();
        let mut t = cut.clone();
        t.push(0x85); // …
        if text_width(&t, bold, min_size) <= max_width {
            return (t, min_size);
        }
    }
    (cut, min_size)
}

/// The 8×8 glyph drawn for `c` (row-major, bit 0 = leftmost pixel).
/// Dashes and curly quotes map to ASCII look-alikes; characters the font
/// lacks are drawn as `?`.
pub(crate) fn glyph(c: char) -> [u8; 8] {
    let c = match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{2018}' | '\u{2019}' | '\u{201A}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' => '"',
        '\u{2022}' => '\u{B7}',
        c if (c as u32) < 0x20 || c == '\u{7F}' => ' ',
        c => c,
    };
    BASIC_FONTS
        .get(c)
        .or_else(|| LATIN_FONTS.get(c))
        .or_else(|| BASIC_FONTS.get('?'))
        .unwrap_or([0; 8])
}

/// Characters of `s` fitted into `max_px` pixels of 8-px-per-scale cells:
/// the largest scale in `scales` (largest first) that fits, else the last
/// scale with the tail cut and "..." appended.
pub(crate) fn fit_px(s: &str, scales: &[u32], max_px: u32) -> (Vec<char>, u32) {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as u32;
    let mut last = 1;
    for &sc in scales {
        last = sc;
        if n * 8 * sc <= max_px {
            return (chars, sc);
        }
    }
    let fit = (max_px / (8 * last)) as usize;
    let keep = fit.saturating_sub(3);
    let mut out: Vec<char> = chars.into_iter().take(keep).collect();
    out.extend(['.', '.', '.'].iter().take(fit.min(3)));
    (out, last)
}
