//! A small TrueType subsetter for embedding the bundled fonts in the PDF.
//!
//! Glyph ids are kept (the PDF's CIDs are the original glyph ids): the
//! outlines of glyphs the card does not use are emptied, every glyph after
//! the highest one used is dropped, and the tables a PDF viewer does not
//! need for a `CIDFontType2` font (`cmap` beyond a stub, `post` names,
//! `kern`, `GPOS`, `GSUB`, …) are left out. The `name` table is kept, so
//! the embedded font still carries its copyright and licence notice.

use std::collections::{BTreeMap, BTreeSet};

/// Tables copied unchanged when present.
const COPIED: [&[u8; 4]; 6] = [b"OS/2", b"cvt ", b"fpgm", b"gasp", b"name", b"prep"];

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The font's tables by tag.
fn tables(font: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    let n = usize::from(u16_at(font, 4)?);
    let mut out = BTreeMap::new();
    for i in 0..n {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        out.insert(tag, font.get(off..off.checked_add(len)?)?);
    }
    Some(out)
}

/// The font's bounding box from `head`, in font units: (xMin, yMin, xMax, yMax).
pub(crate) fn bbox(font: &[u8]) -> Option<[i16; 4]> {
    let head = *tables(font)?.get(b"head")?;
    let v = |at| u16_at(head, at).map(|u| u as i16);
    Some([v(36)?, v(38)?, v(40)?, v(42)?])
}

/// Byte ranges of each glyph in `glyf`, from `loca`.
fn glyph_ranges(t: &BTreeMap<[u8; 4], &[u8]>, n: usize) -> Option<Vec<(usize, usize)>> {
    let long = u16_at(t.get(b"head")?, 50)? == 1;
    let loca = t.get(b"loca")?;
    let at = |g: usize| -> Option<usize> {
        if long {
            u32_at(loca, 4 * g).map(|o| o as usize)
        } else {
            u16_at(loca, 2 * g).map(|o| 2 * usize::from(o))
        }
    };
    (0..n)
        .map(|g| {
            let (a, b) = (at(g)?, at(g + 1)?);
            (a <= b).then_some((a, b))
        })
        .collect()
}

/// The components a composite glyph is built from.
fn components(glyph: &[u8]) -> Option<Vec<u16>> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    let mut out = Vec::new();
    if glyph.len() < 10 || (u16_at(glyph, 0)? as i16) >= 0 {
        return Some(out);
    }
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        out.push(u16_at(glyph, at + 2)?);
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAVE_SCALE != 0 {
            2
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            return Some(out);
        }
    }
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// A subset of the TrueType `font` keeping the glyphs `used` (and the
/// components of composite ones, and glyph 0); `None` when the font is not
/// a TrueType (`glyf`) font this code can read.
pub(crate) fn subset(font: &[u8], used: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let t = tables(font)?;
    let num_glyphs = usize::from(u16_at(t.get(b"maxp")?, 4)?);
    let ranges = glyph_ranges(&t, num_glyphs)?;
    let glyf = *t.get(b"glyf")?;

    // Keep set: the used glyphs, .notdef and composite components.
    let mut keep = BTreeSet::new();
    let mut todo: Vec<u16> = used.iter().copied().chain([0]).collect();
    while let Some(g) = todo.pop() {
        if usize::from(g) >= num_glyphs || !keep.insert(g) {
            continue;
        }
        let (a, b) = ranges[usize::from(g)];
        for c in components(glyf.get(a..b)?)? {
            if !keep.contains(&c) {
                todo.push(c);
            }
        }
    }
    let n = usize::from(*keep.last()?) + 1;

    // glyf + long loca.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (n + 1));
    for (g, &(a, b)) in ranges.iter().enumerate().take(n) {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&(g as u16)) {
            new_glyf.extend_from_slice(glyf.get(a..b)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    // hmtx: long metrics for the first min(numberOfHMetrics, n) glyphs, then
    // left side bearings; unused glyphs get zeros.
    let hhea = *t.get(b"hhea")?;
    let hmtx = *t.get(b"hmtx")?;
    let nhm = usize::from(u16_at(hhea, 34)?);
    let new_nhm = nhm.min(n);
    let mut new_hmtx = Vec::with_capacity(4 * n);
    for g in 0..n {
        let kept = keep.contains(&(g as u16));
        let (adv, lsb) = if g < nhm {
            (u16_at(hmtx, 4 * g)?, u16_at(hmtx, 4 * g + 2)?)
        } else {
            (
                u16_at(hmtx, 4 * (nhm - 1))?,
                u16_at(hmtx, 4 * nhm + 2 * (g - nhm))?,
            )
        };
        let (adv, lsb) = if kept { (adv, lsb) } else { (0, 0) };
        if g < new_nhm {
            new_hmtx.extend_from_slice(&adv.to_be_bytes());
        }
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }

    let mut head = t.get(b"head")?.to_vec();
    head.get_mut(8..12)?.copy_from_slice(&[0; 4]); // checkSumAdjustment, set below
    head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes()); // long loca
    let mut new_hhea = hhea.to_vec();
    new_hhea
        .get_mut(34..36)?
        .copy_from_slice(&(new_nhm as u16).to_be_bytes());
    let mut maxp = t.get(b"maxp")?.to_vec();
    maxp.get_mut(4..6)?
        .copy_from_slice(&(n as u16).to_be_bytes());
    // post format 3: no glyph names.
    let mut post = t.get(b"post")?.get(..32)?.to_vec();
    post.get_mut(0..4)?
        .copy_from_slice(&0x0003_0000u32.to_be_bytes());
    // A cmap with one empty format-4 subtable (3,1): some readers want a
    // cmap table; the PDF addresses glyphs by id.
    let cmap: Vec<u8> = [
        0u16, 1, // version, one subtable
        3, 1, 0, 12, // platform 3, encoding 1, offset 12
        4, 24, 0, // format 4, length, language
        2, 2, 0, 0, // segCountX2, searchRange, entrySelector, rangeShift
        0xFFFF, 0, 0xFFFF, 1, 0, // endCode, pad, startCode, idDelta, idRangeOffset
    ]
    .iter()
    .flat_map(|v| v.to_be_bytes())
    .collect();

    let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    out_tables.insert(*b"cmap", cmap);
    out_tables.insert(*b"glyf", new_glyf);
    out_tables.insert(*b"head", head);
    out_tables.insert(*b"hhea", new_hhea);
    out_tables.insert(*b"hmtx", new_hmtx);
    out_tables.insert(*b"loca", new_loca);
    out_tables.insert(*b"maxp", maxp);
    out_tables.insert(*b"post", post);
    for tag in COPIED {
        if let Some(d) = t.get(tag) {
            out_tables.insert(*tag, d.to_vec());
        }
    }
    Some(write_font(&out_tables))
}

/// An sfnt file from its tables (sorted by tag, 4-byte aligned, with
/// checksums and `head.checkSumAdjustment`).
fn write_font(tables: &BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
    let n = tables.len() as u16;
    let log2 = 15 - n.max(1).leading_zeros() as u16;
    let search = 16u16 << log2;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, search, log2, n * 16 - search] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for data in tables.values() {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adj.to_be_bytes());
    }
    out
}
