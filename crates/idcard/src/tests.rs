#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::raster::{BAND_H, COPAY_SLOTS, MARGIN, QR_MAX, QR_TOP};
use crate::text::{
    BOLD_TTF, Drawn, Face, Fonts, Overflow, REGULAR_TTF, Role, clean, fit, width_em,
};
use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;

fn sample() -> IdCard {
    IdCard {
        organisation: "Wellspring Health — Cascadia".into(),
        member_name: "Alex Rivera".into(),
        mrn: "12345678".into(),
        member_id: "WS-0004417".into(),
        plan_name: "Wellspring Gold 20 HMO".into(),
        group: "G-20817".into(),
        effective: "2026-01-01".into(),
        pcp: Some("Dr. Priya Natarajan".into()),
        copays: vec![
            ("Primary care".into(), "$20".into()),
            ("Specialty".into(), "$40".into()),
            ("Urgent care".into(), "$20".into()),
            ("Emergency".into(), "$150".into()),
            ("Rx generic".into(), "$10".into()),
            ("Rx brand".into(), "$35".into()),
        ],
        member_services_phone: "1-800-555-0142".into(),
        advice_phone: "1-800-555-0177".into(),
        away_from_home_phone: "1-800-555-0190".into(),
        issued: "2026-01-05".into(),
        qr_payload: "WSMEMBER:cascadia:MRN:12345678".into(),
    }
}

/// Every QR code found in a greyscale image, decoded.
fn decode_all(w: usize, h: usize, grey: impl FnMut(usize, usize) -> u8) -> Vec<(u16, String)> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, grey);
    img.detect_grids()
        .into_iter()
        .map(|g| {
            let (meta, text) = g.decode().expect("decodable QR code");
            (meta.ecc_level, text)
        })
        .collect()
}

struct Decoded {
    w: usize,
    h: usize,
    rgb: Vec<u8>,
}

impl Decoded {
    fn px(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.w + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }
    fn grey(&self, x: usize, y: usize) -> u8 {
        let [r, g, b] = self.px(x, y);
        ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
    }
}

fn decode_png(bytes: &[u8]) -> Decoded {
    let dec = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    Decoded {
        w: info.width as usize,
        h: info.height as usize,
        rgb: buf,
    }
}

fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 1, "one page");
    doc.extract_text(&[1]).unwrap()
}

fn en() -> CardLabels {
    CardLabels::english()
}

/// Spanish labels, as the web crate might supply them (a test fixture: the
/// crate itself has no translations).
fn es() -> CardLabels {
    let s = |t: &str| t.to_owned();
    CardLabels {
        title: s("Tarjeta de identificación de miembro"),
        cut_and_fold: s(
            "Recorte por la línea discontinua exterior y doble por la línea de puntos central para que el frente y el reverso queden hacia afuera.",
        ),
        front: s("Frente"),
        back: s("Reverso"),
        mrn: s("N.º de historia clínica"),
        member_id: s("N.º de miembro"),
        plan: s("Plan"),
        group: s("Grupo"),
        effective: s("Vigente desde"),
        pcp: s("Médico de atención primaria"),
        copays: s("Copagos"),
        more_copays: s("más: consulte los documentos de su plan"),
        phone_numbers: s("Números de teléfono"),
        member_services: s("Servicios para miembros"),
        advice_nurse: s("Línea de enfermería, 24/7"),
        away_from_home: s("Fuera de su área de servicio"),
        emergency: s("¿Emergencia? Llame al 911 o vaya al hospital más cercano."),
        issued: s("Emitida el"),
        qr_title: s("Código QR de la tarjeta de identificación de miembro"),
    }
}

/// The longest texts of the demo data and their Spanish counterparts.
fn long_card() -> IdCard {
    IdCard {
        organisation: "Wellspring Health Mid-Atlantic".into(),
        member_name: "María José Núñez-Villanueva".into(),
        plan_name: "Wellspring Medicare Advantage HMO Mid-Atlantic".into(),
        pcp: Some("Dr. Nguyễn Thị Minh Khai".into()),
        copays: vec![
            ("Atención primaria".into(), "$20".into()),
            ("Atención de especialidad".into(), "$40".into()),
            ("Atención de urgencia".into(), "$20".into()),
            ("Sala de emergencias".into(), "$150".into()),
            (
                "Medicamentos genéricos".into(),
                "20% después del deducible".into(),
            ),
        ],
        ..sample()
    }
}

fn english_long_card() -> IdCard {
    IdCard {
        copays: vec![
            ("Primary care".into(), "$20".into()),
            ("Specialty care".into(), "$40".into()),
            ("Urgent care".into(), "$20".into()),
            ("Emergency room".into(), "$150".into()),
            ("Generic drugs".into(), "20% after deductible".into()),
        ],
        ..long_card()
    }
}

/// Width of one line in the renderer's unit, measured independently of the
/// crate's layout code: ab_glyph's scaled advances and kerning.
fn measured(face: Face, size: f32, line: &str) -> f32 {
    let font = FontRef::try_from_slice(match face {
        Face::Regular => REGULAR_TTF,
        Face::Bold => BOLD_TTF,
    })
    .unwrap();
    let upem = font.units_per_em().unwrap();
    let scaled = font.as_scaled(PxScale::from(size * font.height_unscaled() / upem));
    let mut w = 0.0;
    let mut prev = None;
    for c in line.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        prev = Some(id);
    }
    w
}

fn png_drawn(card: &IdCard, labels: &CardLabels) -> Vec<Drawn> {
    let fonts = Fonts::load().unwrap();
    crate::raster::draw(card, labels, &fonts).unwrap().drawn
}

fn pdf_drawn(card: &IdCard, labels: &CardLabels) -> (Vec<u8>, Vec<Drawn>) {
    let fonts = Fonts::load().unwrap();
    crate::pdf::compose(card, labels, &fonts).unwrap()
}

/// Without spaces (line breaks drop the space they break at).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every text drawn fits its box (measured independently), and every label
/// is drawn in full: never cut, no ellipsis.
fn assert_fits(what: &str, drawn: &[Drawn]) {
    let fonts = Fonts::load().unwrap();
    for d in drawn {
        for line in &d.fitted.lines {
            let w = measured(d.face, d.fitted.size, line);
            assert!(
                w <= d.max_w + 0.01,
                "{what}: {line:?} is {w} wide at {}, box {}",
                d.fitted.size,
                d.max_w
            );
        }
        if d.role == Role::Label {
            let want = clean(fonts.get(d.face), &d.source);
            assert_eq!(
                squash(&d.fitted.lines.concat()),
                squash(&want),
                "{what}: label {:?} was cut",
                d.source
            );
        }
    }
}

/// The drawn entry for `source`.
fn find<'a>(drawn: &'a [Drawn], source: &str) -> &'a Drawn {
    drawn
        .iter()
        .find(|d| d.source == source)
        .unwrap_or_else(|| panic!("{source:?} not drawn"))
}

// ---------------------------------------------------------------- PNG

#[test]
fn png_is_card_sized_and_its_qr_code_decodes_to_the_payload() {
    let card = sample();
    let img = decode_png(&render_png(&card, &en()).unwrap());
    assert_eq!((img.w, img.h), (PNG_WIDTH as usize, PNG_HEIGHT as usize));
    // Credit-card ratio 85.6 / 54 = 1.585.
    let ratio = img.w as f64 / img.h as f64;
    assert!((ratio - 85.6 / 54.0).abs() < 0.01, "{ratio}");
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(found.len(), 1, "exactly one QR code");
    assert_eq!(found[0].1, card.qr_payload);
    // rqrr: 0 = M, 3 = Q (format-bit order); a short payload gets Q.
    assert_eq!(found[0].0, 3, "EC level Q");
}

#[test]
fn png_qr_code_scans_when_downscaled_like_a_phone_screen_photo() {
    // Halve the image (box filter): modules shrink to 3-5 px and edges blur.
    let card = sample();
    let img = decode_png(&render_png(&card, &en()).unwrap());
    let (w, h) = (img.w / 2, img.h / 2);
    let found = decode_all(w, h, |x, y| {
        let s: u32 = [(0, 0), (1, 0), (0, 1), (1, 1)]
            .iter()
            .map(|(dx, dy)| u32::from(img.grey(2 * x + dx, 2 * y + dy)))
            .sum();
        (s / 4) as u8
    });
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, card.qr_payload);
}

#[test]
fn png_qr_code_has_a_white_quiet_zone_of_four_modules() {
    let card = sample();
    let img = decode_png(&render_png(&card, &en()).unwrap());
    let qr = qr_matrix(&card.qr_payload).unwrap();
    // Find the QR block: the rightmost dark pixel of the top finder row.
    let modules = qr.width + 2 * QUIET_ZONE;
    let module_px = QR_MAX as usize / modules;
    let side = modules * module_px;
    let x0 = img.w - MARGIN as usize - side;
    let y0 = QR_TOP as usize;
    let q = QUIET_ZONE * module_px;
    for y in y0..y0 + side {
        for x in x0..x0 + side {
            let inside = x >= x0 + q && x < x0 + side - q && y >= y0 + q && y < y0 + side - q;
            if !inside {
                assert_eq!(img.px(x, y), [255, 255, 255], "quiet zone at ({x},{y})");
            }
        }
    }
    // The top-left finder pattern starts right after the quiet zone.
    assert!(img.grey(x0 + q + 1, y0 + q + 1) < 64);
    assert!(module_px >= 5, "{module_px} px per module");
}

// ---------------------------------------------------------------- SVG

/// Parses the `M x,y h n v1 h-n z` runs of `qr_svg` back into a module grid.
fn svg_grid(svg: &str) -> (usize, Vec<bool>) {
    let vb = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let size: usize = vb.split(' ').next().unwrap().parse().unwrap();
    let d = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let mut grid = vec![false; size * size];
    for run in d.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = run.split_once('h').unwrap();
        let (x, y) = xy.split_once(',').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
        assert_eq!(rest, format!("{len}v1h-{len}z"));
        for xx in x..x + len {
            grid[y * size + xx] = true;
        }
    }
    (size, grid)
}

#[test]
fn svg_is_accessible_and_its_modules_decode_to_the_payload() {
    let payload = "WSMEMBER:cascadia:MRN:12345678";
    let svg = qr_svg(payload, &en()).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("<title>Member ID card QR code</title>"));
    assert!(svg.contains("shape-rendering=\"crispEdges\""));
    assert!(svg.ends_with("</svg>"));
    assert!(!svg.contains(payload), "payload is not leaked into markup");

    let (size, grid) = svg_grid(&svg);
    let qr = qr_matrix(payload).unwrap();
    assert_eq!(size, qr.width + 8);
    // Quiet zone: no dark module within 4 of the edge.
    for y in 0..size {
        for x in 0..size {
            if x < 4 || y < 4 || x >= size - 4 || y >= size - 4 {
                assert!(!grid[y * size + x]);
            }
        }
    }
    // Rasterise at 6 px per module and run the full detector.
    let px = 6;
    let found = decode_all(size * px, size * px, |x, y| {
        if grid[(y / px) * size + x / px] {
            0
        } else {
            255
        }
    });
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, payload);
}

#[test]
fn svg_payloads_of_many_lengths_round_trip() {
    for payload in [
        "1",
        "WSMEMBER:pacific:MRN:00000001",
        "https://wellspring.example/m/ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?x=1&y=2",
        &"A1".repeat(70),
        &"é".repeat(60),
    ] {
        let (size, grid) = svg_grid(&qr_svg(payload, &en()).unwrap());
        let g = rqrr::SimpleGrid::from_func(size - 8, |x, y| grid[(y + 4) * size + x + 4]);
        let (_, text) = rqrr::Grid::new(g).decode().unwrap();
        assert_eq!(text, payload);
    }
}

// ---------------------------------------------------------------- errors

#[test]
fn too_long_and_empty_payloads_are_refused_everywhere() {
    let long = "x".repeat(400);
    assert!(matches!(
        qr_svg(&long, &en()),
        Err(CardError::PayloadTooLong { len: 400, .. })
    ));
    let card = IdCard {
        qr_payload: long,
        ..sample()
    };
    assert!(matches!(
        render_png(&card, &en()),
        Err(CardError::PayloadTooLong { .. })
    ));
    assert!(matches!(
        render_pdf(&card, &en()),
        Err(CardError::PayloadTooLong { .. })
    ));
    assert!(matches!(qr_svg("", &en()), Err(CardError::EmptyPayload)));
    let msg = qr_svg(&"x".repeat(400), &en()).unwrap_err().to_string();
    assert!(msg.contains("400 bytes"), "{msg}");
}

#[test]
fn longest_accepted_payload_falls_back_to_level_m() {
    // 152 bytes is the version-8-M byte capacity: accepted, at level M.
    let payload = "y".repeat(152);
    let (size, grid) = svg_grid(&qr_svg(&payload, &en()).unwrap());
    assert_eq!(size - 8, 17 + 4 * MAX_QR_VERSION as usize);
    let g = rqrr::SimpleGrid::from_func(size - 8, |x, y| grid[(y + 4) * size + x + 4]);
    let (meta, text) = rqrr::Grid::new(g).decode().unwrap();
    assert_eq!(text, payload);
    assert_eq!(meta.ecc_level, 0, "M");
    assert!(qr_svg(&"y".repeat(153), &en()).is_err());
    // The densest accepted code still scans in the wallet image.
    let card = IdCard {
        qr_payload: payload.clone(),
        ..sample()
    };
    let img = decode_png(&render_png(&card, &en()).unwrap());
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, payload);
}

// ---------------------------------------------------------------- PDF

#[test]
fn pdf_has_one_letter_page_with_every_field_as_text() {
    let card = sample();
    let bytes = render_pdf(&card, &en()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page = doc.get_dictionary(pages[&1]).unwrap();
    let mb: Vec<f32> = page
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_float().unwrap())
        .collect();
    assert_eq!(mb, vec![0.0, 0.0, 612.0, 792.0], "US Letter");

    let text = pdf_text(&bytes);
    for want in [
        card.organisation.as_str(),
        &card.member_name,
        &card.mrn,
        &card.member_id,
        &card.plan_name,
        &card.group,
        &card.effective,
        card.pcp.as_deref().unwrap(),
        &card.member_services_phone,
        &card.advice_phone,
        &card.away_from_home_phone,
        &card.issued,
        "Emergency? Call 911 or go to the nearest hospital.",
    ] {
        assert!(
            text.contains(want),
            "{want:?} missing from PDF text:\n{text}"
        );
    }
    for (service, amount) in &card.copays {
        assert!(text.contains(service.as_str()), "{service}");
        assert!(text.contains(amount.as_str()), "{amount}");
    }
    assert!(
        !text.contains(&card.qr_payload),
        "QR payload is not printed as text"
    );
}

/// Collects the black filled rectangles of the page (the QR modules) and
/// rasterises them at 10 px per point, then decodes with rqrr.
#[test]
fn pdf_qr_code_is_vector_and_decodes_to_the_payload() {
    let card = sample();
    let bytes = render_pdf(&card, &en()).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page_id = doc.get_pages()[&1];
    let content = lopdf::content::Content::decode(&doc.get_page_content(page_id)).unwrap();
    let mut fill = vec![0.0f32; 3];
    let mut pending = Vec::new();
    let mut black = Vec::new();
    for op in &content.operations {
        let nums: Vec<f32> = op
            .operands
            .iter()
            .filter_map(|o| o.as_float().ok())
            .collect();
        match op.operator.as_str() {
            "rg" => fill = nums,
            "re" => pending.push(nums),
            "f" => {
                if fill == [0.0, 0.0, 0.0] {
                    black.append(&mut pending);
                }
                pending.clear();
            }
            "S" | "n" => pending.clear(),
            _ => {}
        }
    }
    assert!(black.len() > 50, "{} module runs", black.len());
    let min_x = black.iter().map(|r| r[0]).fold(f32::MAX, f32::min);
    let min_y = black.iter().map(|r| r[1]).fold(f32::MAX, f32::min);
    let max_x = black.iter().map(|r| r[0] + r[2]).fold(f32::MIN, f32::max);
    let max_y = black.iter().map(|r| r[1] + r[3]).fold(f32::MIN, f32::max);
    // Real size: the code (without quiet zone) is about 24 mm * w/(w+8).
    let side_mm = (max_x - min_x) * 25.4 / 72.0;
    assert!((15.0..24.0).contains(&side_mm), "{side_mm} mm");
    let scale = 10.0;
    let margin = 20.0; // points of white around
    let w = ((max_x - min_x + 2.0 * margin) * scale) as usize;
    let h = ((max_y - min_y + 2.0 * margin) * scale) as usize;
    let mut bmp = vec![255u8; w * h];
    for r in &black {
        let x0 = ((r[0] - min_x + margin) * scale).round() as usize;
        let x1 = ((r[0] + r[2] - min_x + margin) * scale).round() as usize;
        // PDF y grows upwards; image rows grow downwards.
        let y0 = ((max_y + margin - (r[1] + r[3])) * scale).round() as usize;
        let y1 = ((max_y + margin - r[1]) * scale).round() as usize;
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                bmp[y * w + x] = 0;
            }
        }
    }
    let found = decode_all(w, h, |x, y| bmp[y * w + x]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, card.qr_payload);
}

#[test]
fn pdf_and_png_text_comes_from_the_struct() {
    let other = IdCard {
        organisation: "Wellspring Health — Great Lakes".into(),
        member_name: "Morgan Lee".into(),
        mrn: "87654321".into(),
        member_id: "WS-9999999".into(),
        plan_name: "Wellspring Bronze 60".into(),
        group: "Individual".into(),
        effective: "2025-07-01".into(),
        pcp: None,
        copays: vec![("Office visit".into(), "$5".into())],
        member_services_phone: "1-888-555-0101".into(),
        advice_phone: "1-888-555-0102".into(),
        away_from_home_phone: "1-888-555-0103".into(),
        issued: "2025-06-15".into(),
        qr_payload: "WSMEMBER:greatlakes:MRN:87654321".into(),
    };
    let text = pdf_text(&render_pdf(&other, &en()).unwrap());
    let base = sample();
    for gone in [
        base.member_name.as_str(),
        &base.mrn,
        &base.plan_name,
        "Cascadia",
        "Primary care",
        "Natarajan",
        "PCP",
        &base.member_services_phone,
    ] {
        assert!(
            !text.contains(gone),
            "{gone:?} leaked into another member's card"
        );
    }
    for want in [
        "Morgan Lee",
        "87654321",
        "Individual",
        "Office visit",
        "$5",
        "1-888-555-0103",
    ] {
        assert!(text.contains(want), "{want}");
    }
    let img = decode_png(&render_png(&other, &en()).unwrap());
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(found[0].1, other.qr_payload);
}

#[test]
fn pdf_embeds_subset_dejavu_truetype_fonts_with_tounicode() {
    let bytes = render_pdf(&sample(), &en()).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page = doc.get_pages()[&1];
    let fonts = doc.get_page_fonts(page).unwrap();
    assert_eq!(fonts.len(), 2);
    let mut names = Vec::new();
    for font in fonts.values() {
        assert_eq!(font.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
        assert_eq!(
            font.get(b"Encoding").unwrap().as_name().unwrap(),
            b"Identity-H"
        );
        assert!(font.get(b"ToUnicode").unwrap().as_reference().is_ok());
        let base =
            String::from_utf8(font.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap();
        let (tag, ps) = base.split_once('+').unwrap();
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{base}"
        );
        names.push(ps.to_owned());

        let kids = font.get(b"DescendantFonts").unwrap().as_array().unwrap();
        let cid = doc.get_dictionary(kids[0].as_reference().unwrap()).unwrap();
        assert_eq!(
            cid.get(b"Subtype").unwrap().as_name().unwrap(),
            b"CIDFontType2"
        );
        assert_eq!(
            cid.get(b"CIDToGIDMap").unwrap().as_name().unwrap(),
            b"Identity"
        );
        let fd = doc
            .get_dictionary(cid.get(b"FontDescriptor").unwrap().as_reference().unwrap())
            .unwrap();
        let file = doc
            .get_object(fd.get(b"FontFile2").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        let program = file.decompressed_content().unwrap();
        assert_eq!(
            file.dict.get(b"Length1").unwrap().as_i64().unwrap(),
            program.len() as i64
        );
        // A subset: far smaller than the font, yet a font ab_glyph reads.
        assert!(program.len() < 120_000, "{} bytes", program.len());
        let sub = FontRef::try_from_slice(&program).unwrap();
        let full = FontRef::try_from_slice(if ps.ends_with("Bold") {
            BOLD_TTF
        } else {
            REGULAR_TTF
        })
        .unwrap();
        assert!(sub.glyph_count() < full.glyph_count());
    }
    names.sort();
    assert_eq!(names, ["DejaVuSans", "DejaVuSans-Bold"]);
    assert!(bytes.len() < 150_000, "PDF is {} bytes", bytes.len());
}

#[test]
fn pdf_prints_characters_outside_winansi_as_themselves() {
    for (name, expect) in [
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("José Núñez", "José Núñez"),
        ("Zoë O’Brien — Łódź", "Zoë O’Brien — Łódź"),
        ("王小明", "???"),
    ] {
        let card = IdCard {
            member_name: name.into(),
            ..sample()
        };
        let text = pdf_text(&render_pdf(&card, &en()).unwrap());
        assert!(text.contains(expect), "{expect:?} not in:\n{text}");
    }
}

#[test]
fn subset_keeps_the_outlines_of_used_glyphs_and_their_components() {
    let full = FontRef::try_from_slice(REGULAR_TTF).unwrap();
    let used: BTreeSet<u16> = "Nguyễn Ă".chars().map(|c| full.glyph_id(c).0).collect();
    let program = crate::subset::subset(REGULAR_TTF, &used).unwrap();
    let sub = FontRef::try_from_slice(&program).unwrap();
    // Glyphs after the highest one kept (used or a component) are dropped.
    assert!(sub.glyph_count() > usize::from(*used.last().unwrap()));
    assert!(sub.glyph_count() < full.glyph_count());
    for g in &used {
        let id = ab_glyph::GlyphId(*g);
        let (a, b) = (full.outline(id), sub.outline(id));
        assert_eq!(a.is_some(), b.is_some(), "glyph {g}");
        if let (Some(a), Some(b)) = (a, b) {
            assert_eq!(a.bounds, b.bounds, "glyph {g}");
            assert_eq!(a.curves.len(), b.curves.len(), "glyph {g}");
        }
        assert_eq!(full.h_advance_unscaled(id), sub.h_advance_unscaled(id));
    }
    // An unused glyph below the highest used one is emptied.
    let unused = ab_glyph::GlyphId(full.glyph_id('B').0);
    assert!(!used.contains(&unused.0) && unused.0 < *used.last().unwrap());
    assert!(full.outline(unused).is_some() && sub.outline(unused).is_none());
}

#[test]
fn svg_title_comes_from_the_labels_escaped() {
    let mut labels = es();
    labels.qr_title = "Código QR <tarjeta> & más".into();
    let svg = qr_svg("WSMEMBER:north:MRN:1", &labels).unwrap();
    assert!(
        svg.contains("<title>Código QR &lt;tarjeta&gt; &amp; más</title>"),
        "{svg}"
    );
}

// ---------------------------------------------------------------- text

#[test]
fn every_label_is_drawn_in_full_and_fits_its_box_in_english_and_spanish() {
    for (lang, labels) in [("en", en()), ("es", es())] {
        for card in [sample(), long_card(), english_long_card()] {
            let png = png_drawn(&card, &labels);
            assert_fits(&format!("png {lang}"), &png);
            let (_, pdf) = pdf_drawn(&card, &labels);
            assert_fits(&format!("pdf {lang}"), &pdf);
            for (field, text) in labels.fields() {
                // qr_title is the SVG's; more_copays only shows with many copays.
                let in_pdf = pdf.iter().any(|d| d.source.contains(text));
                assert!(
                    in_pdf || matches!(field, "qr_title" | "more_copays"),
                    "pdf {lang}: {field} not drawn"
                );
                let png_has = !matches!(
                    field,
                    "qr_title"
                        | "title"
                        | "cut_and_fold"
                        | "front"
                        | "back"
                        | "phone_numbers"
                        | "more_copays"
                );
                if png_has {
                    assert!(
                        png.iter().any(|d| d.source.contains(text)),
                        "png {lang}: {field} not drawn"
                    );
                }
            }
        }
    }
}

#[test]
fn labels_keep_a_readable_size() {
    // Shrinking is allowed, but the demo texts fit at the normal minimums:
    // PNG labels at 13 px or more, PDF labels at 5 pt or more.
    for labels in [en(), es()] {
        for d in png_drawn(&long_card(), &labels) {
            if d.role == Role::Label {
                assert!(
                    d.fitted.size >= 13.0,
                    "png {:?} at {}",
                    d.source,
                    d.fitted.size
                );
            }
        }
        let (_, pdf) = pdf_drawn(&long_card(), &labels);
        for d in pdf {
            if d.role == Role::Label {
                assert!(
                    d.fitted.size >= 5.0,
                    "pdf {:?} at {}",
                    d.source,
                    d.fitted.size
                );
            }
        }
    }
}

#[test]
fn long_spanish_copay_label_fits_without_cutting() {
    let card = long_card();
    let png = png_drawn(&card, &es());
    let d = find(&png, "Atención de especialidad");
    assert_eq!(d.fitted.lines, ["Atención de especialidad"]);
    assert_eq!(d.fitted.size, 17.0, "no need to shrink in the PNG");
    let (bytes, pdf) = pdf_drawn(&card, &es());
    let d = find(&pdf, "Atención de especialidad");
    assert_eq!(d.fitted.lines, ["Atención de especialidad"]);
    let text = pdf_text(&bytes);
    for want in [
        "Atención de especialidad",
        "20% después del deducible",
        "¿Emergencia? Llame al 911 o vaya al hospital más cercano.",
        "Servicios para miembros",
        "N.º de historia clínica",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    assert!(!text.contains("Member Services"), "no English left");
    assert!(!text.contains("Emergency?"));
    // All five copays are shown on both.
    for (service, _) in &card.copays {
        find(&png, service);
        find(&pdf, service);
    }
    // The QR code still decodes from the Spanish wallet image.
    let img = decode_png(&render_png(&card, &es()).unwrap());
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, card.qr_payload);
}

#[test]
fn long_names_and_plans_of_the_demo_data_are_not_cut() {
    for card in [long_card(), english_long_card()] {
        for drawn in [png_drawn(&card, &en()), pdf_drawn(&card, &en()).1] {
            for source in [
                card.member_name.as_str(),
                &card.plan_name,
                card.pcp.as_deref().unwrap(),
                &card.organisation,
                "Specialty care",
                "Emergency room",
                "20% after deductible",
            ] {
                if let Some(d) = drawn.iter().find(|d| d.source == source) {
                    assert_eq!(d.fitted.lines, [source], "{source:?} was cut or wrapped");
                }
            }
            find(&drawn, &card.member_name);
        }
    }
}

#[test]
fn overlong_data_shrinks_then_is_cut_with_an_ellipsis_never_overflowing() {
    let name = "Maximiliana Alexandra Bartholomew-Featherstonehaugh y Montgomery-Wolfeschlegel";
    let card = IdCard {
        member_name: name.into(),
        plan_name: name.into(),
        copays: (0..30)
            .map(|i| (format!("Service {i}"), format!("${i}")))
            .collect(),
        ..sample()
    };
    let png = png_drawn(&card, &en());
    assert_fits("png", &png);
    let d = find(&png, name);
    assert!(d.fitted.lines[0].ends_with('…'), "{:?}", d.fitted.lines);
    assert!(d.fitted.lines[0].starts_with("Maximiliana"));
    assert_eq!(d.fitted.size, 26.0, "cut only at the smallest size");
    find(
        &png,
        &format!("+{} more: see your plan documents", 30 - (COPAY_SLOTS - 1)),
    );

    let (bytes, pdf) = pdf_drawn(&card, &en());
    assert_fits("pdf", &pdf);
    let text = pdf_text(&bytes);
    assert!(text.contains("Maximiliana"));
    assert!(text.contains("more: see your plan documents"), "{text}");
    let img = decode_png(&render_png(&card, &en()).unwrap());
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(
        found[0].1, card.qr_payload,
        "long text does not run into the QR code"
    );

    // A label that cannot fit at its minimum keeps shrinking instead.
    let fonts = Fonts::load().unwrap();
    let f = fit(
        fonts.get(Face::Regular),
        &"Etiqueta muy larga ".repeat(10),
        18.0,
        14.0,
        200.0,
        1,
        Overflow::Shrink,
    );
    assert!(f.size < 14.0);
    assert!(!f.lines[0].contains('…'));
    assert!(measured(Face::Regular, f.size, &f.lines[0]) <= 200.0);
}

#[test]
fn text_wraps_at_spaces_and_hyphens_when_two_lines_are_allowed() {
    let fonts = Fonts::load().unwrap();
    let font = fonts.get(Face::Regular);
    let f = fit(
        font,
        "Cut along the outer dashed line, fold along the dotted centre line",
        8.0,
        8.0,
        200.0,
        2,
        Overflow::Shrink,
    );
    assert_eq!(f.lines.len(), 2, "{f:?}");
    assert_eq!(f.size, 8.0);
    let f = fit(
        font,
        "Núñez-Villanueva",
        10.0,
        10.0,
        60.0,
        2,
        Overflow::Ellipsis,
    );
    assert_eq!(f.lines, ["Núñez-", "Villanueva"]);
}

#[test]
fn kerning_and_advance_widths_come_from_the_font() {
    let fonts = Fonts::load().unwrap();
    let font = fonts.get(Face::Regular);
    let upem = font.units_per_em().unwrap();
    let adv = |c| font.h_advance_unscaled(font.glyph_id(c)) / upem;
    // "AV" is a kerning pair in DejaVu Sans: narrower than its advances.
    assert!(width_em(font, "AV") < adv('A') + adv('V') - 0.01);
    assert!((width_em(font, "mm") - 2.0 * adv('m')).abs() < 1e-6);
    // Proportional: "i" is much narrower than "W".
    assert!(adv('i') * 2.5 < adv('W'));
}

// ---------------------------------------------------------------- glyphs

const ACCENTED: [&str; 5] = [
    "María José Núñez-Villanueva",
    "Nguyễn Văn An",
    "Zoë Ångström",
    "François Ørsted-Çelik",
    "Łukasz Żółkiewski",
];

#[test]
fn accented_names_have_glyphs_in_both_faces() {
    let fonts = Fonts::load().unwrap();
    for face in [Face::Regular, Face::Bold] {
        let font = fonts.get(face);
        for name in ACCENTED {
            for c in name.chars() {
                assert_ne!(
                    font.glyph_id(c).0,
                    0,
                    "{c:?} of {name:?} missing ({face:?})"
                );
            }
            assert_eq!(clean(font, name), name);
        }
        // Decomposed input (e + combining marks) is composed first.
        let nfd: String = "Nguyễn".nfd().collect();
        assert_ne!(nfd, "Nguyễn");
        assert_eq!(clean(font, &nfd), "Nguyễn");
        // What the font lacks becomes "?"; controls become spaces.
        assert_eq!(clean(font, "王小明\tA"), "??? A");
    }
}

/// Ink in a rectangle of the image: the number of pixels darker than mid-grey.
fn ink(img: &Decoded, x0: usize, y0: usize, x1: usize, y1: usize) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| img.grey(x, y) < 128)
        .count()
}

#[test]
fn png_draws_accented_names_anti_aliased_with_their_diacritics() {
    let name_box = |img: &Decoded| ink(img, MARGIN as usize, BAND_H as usize + 2, 640, 165);
    for name in ACCENTED {
        let card = IdCard {
            member_name: name.into(),
            ..sample()
        };
        let drawn = png_drawn(&card, &en());
        assert_eq!(find(&drawn, name).fitted.lines, [name]);
        let img = decode_png(&render_png(&card, &en()).unwrap());
        assert!(name_box(&img) > 500, "{name:?} has ink");
    }
    // The diacritics are drawn: "Nguyễn" has more ink above the x-height
    // than "Nguyen", and the same name without accents differs.
    let render = |name: &str| {
        decode_png(
            &render_png(
                &IdCard {
                    member_name: name.into(),
                    ..sample()
                },
                &en(),
            )
            .unwrap(),
        )
    };
    let (a, b) = (render("Nguyễn Văn An"), render("Nguyen Van An"));
    assert!(name_box(&a) > name_box(&b));
    // Anti-aliased: the name has intermediate greys, not just ink and paper.
    let greys: BTreeSet<u8> = (110..160)
        .flat_map(|y| (40..400).map(move |x| (x, y)))
        .map(|(x, y)| a.grey(x, y))
        .collect();
    assert!(greys.len() > 20, "{} grey levels", greys.len());
}

#[test]
fn png_is_deterministic_and_depends_on_labels() {
    let card = long_card();
    let one = render_png(&card, &en()).unwrap();
    let two = render_png(&card, &en()).unwrap();
    assert_eq!(one, two, "same input, same bytes");
    let spanish = render_png(&card, &es()).unwrap();
    assert_ne!(one, spanish);
    assert_eq!(
        render_pdf(&card, &es()).unwrap(),
        render_pdf(&card, &es()).unwrap(),
        "the PDF too"
    );
}

// ---------------------------------------------------------------- sample

/// Writes `idcard-sample.png`, `.pdf` and `.svg` into `$IDCARD_SAMPLE_DIR`
/// when it is set (for looking at them; `crates/idcard/scripts/check-pdf.sh` also
/// checks the PDF with poppler's pdftotext).
#[test]
fn write_sample_when_asked() {
    let Ok(dir) = std::env::var("IDCARD_SAMPLE_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let card = sample();
    std::fs::write(
        dir.join("idcard-sample.png"),
        render_png(&card, &en()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("idcard-sample.pdf"),
        render_pdf(&card, &en()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("idcard-sample.svg"),
        qr_svg(&card.qr_payload, &en()).unwrap(),
    )
    .unwrap();
    let es_card = long_card();
    std::fs::write(
        dir.join("idcard-sample-es.png"),
        render_png(&es_card, &es()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("idcard-sample-es.pdf"),
        render_pdf(&es_card, &es()).unwrap(),
    )
    .unwrap();
    let intl = IdCard {
        member_name: "José Núñez-Nguyễn".into(),
        pcp: None,
        ..sample()
    };
    std::fs::write(
        dir.join("idcard-sample-intl.png"),
        render_png(&intl, &en()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("idcard-sample-intl.pdf"),
        render_pdf(&intl, &en()).unwrap(),
    )
    .unwrap();
}
