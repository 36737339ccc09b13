#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::raster::{PNG_HEIGHT, PNG_WIDTH};
use crate::text::{fit_pdf, glyph, text_width, win_ansi};

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

// ---------------------------------------------------------------- PNG

#[test]
fn png_is_card_sized_and_its_qr_code_decodes_to_the_payload() {
    let card = sample();
    let img = decode_png(&render_png(&card).unwrap());
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
    let img = decode_png(&render_png(&card).unwrap());
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
    let img = decode_png(&render_png(&card).unwrap());
    let qr = qr_matrix(&card.qr_payload).unwrap();
    // Find the QR block: the rightmost dark pixel of the top finder row.
    let modules = qr.width + 2 * QUIET_ZONE;
    let module_px = 290 / modules;
    let side = modules * module_px;
    let x0 = img.w - 40 - side;
    let y0 = 92 + 14;
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

/// The member name is drawn from the struct: the pixels in its slot are
/// exactly the font8x8 glyphs of the name (scale 4, bold by 1 px).
#[test]
fn png_draws_the_member_name_from_the_struct() {
    for name in ["Alex Rivera", "Zoë Ångström", "Nguyễn Văn An"] {
        let card = IdCard {
            member_name: name.into(),
            ..sample()
        };
        let img = decode_png(&render_png(&card).unwrap());
        let (x0, y0, s) = (40usize, 116usize, 4usize);
        for (i, ch) in name.chars().enumerate() {
            let g = glyph(ch);
            for (row, bits) in g.iter().enumerate() {
                for col in 0..8 {
                    let on = bits & (1 << col) != 0;
                    // Sample 1 px into each 4-px cell: never hit by the 1-px
                    // bold smear out of the cell on the left.
                    let x = x0 + (i * 8 + col) * s + 1;
                    let y = y0 + row * s + 1;
                    let dark = img.grey(x, y) < 128;
                    if on {
                        assert!(
                            dark,
                            "{name:?} char {i} ({ch}) row {row} col {col} should be ink"
                        );
                    } else {
                        assert!(
                            !dark,
                            "{name:?} char {i} ({ch}) row {row} col {col} should be blank"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn bitmap_font_falls_back_to_question_mark() {
    let q = glyph('?');
    assert_eq!(glyph('ễ'), q, "Vietnamese ễ is not in font8x8");
    assert_eq!(glyph('王'), q);
    assert_ne!(glyph('é'), q, "Latin-1 é is in font8x8");
    assert_ne!(glyph('ñ'), q);
    assert_ne!(glyph('ë'), q);
    assert_eq!(glyph('—'), glyph('-'), "em dash drawn as hyphen");
    assert_eq!(glyph('’'), glyph('\''));
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
    let svg = qr_svg(payload).unwrap();
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
        let (size, grid) = svg_grid(&qr_svg(payload).unwrap());
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
        qr_svg(&long),
        Err(CardError::PayloadTooLong { len: 400, .. })
    ));
    let card = IdCard {
        qr_payload: long,
        ..sample()
    };
    assert!(matches!(
        render_png(&card),
        Err(CardError::PayloadTooLong { .. })
    ));
    assert!(matches!(
        render_pdf(&card),
        Err(CardError::PayloadTooLong { .. })
    ));
    assert!(matches!(qr_svg(""), Err(CardError::EmptyPayload)));
    let msg = qr_svg(&"x".repeat(400)).unwrap_err().to_string();
    assert!(msg.contains("400 bytes"), "{msg}");
}

#[test]
fn longest_accepted_payload_falls_back_to_level_m() {
    // 152 bytes is the version-8-M byte capacity: accepted, at level M.
    let payload = "y".repeat(152);
    let (size, grid) = svg_grid(&qr_svg(&payload).unwrap());
    assert_eq!(size - 8, 17 + 4 * MAX_QR_VERSION as usize);
    let g = rqrr::SimpleGrid::from_func(size - 8, |x, y| grid[(y + 4) * size + x + 4]);
    let (meta, text) = rqrr::Grid::new(g).decode().unwrap();
    assert_eq!(text, payload);
    assert_eq!(meta.ecc_level, 0, "M");
    assert!(qr_svg(&"y".repeat(153)).is_err());
    // The densest accepted code still scans in the wallet image.
    let card = IdCard {
        qr_payload: payload.clone(),
        ..sample()
    };
    let img = decode_png(&render_png(&card).unwrap());
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, payload);
}

// ---------------------------------------------------------------- PDF

#[test]
fn pdf_has_one_letter_page_with_every_field_as_text() {
    let card = sample();
    let bytes = render_pdf(&card).unwrap();
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

#[test]
fn pdf_uses_base14_helvetica_with_winansi() {
    let bytes = render_pdf(&sample()).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let mut fonts = Vec::new();
    for (_, obj) in doc.objects.iter() {
        if let Ok(d) = obj.as_dict()
            && d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font".as_slice())
        {
            assert_eq!(d.get(b"Subtype").unwrap().as_name().unwrap(), b"Type1");
            assert_eq!(
                d.get(b"Encoding").unwrap().as_name().unwrap(),
                b"WinAnsiEncoding"
            );
            assert!(d.get(b"FontFile").is_err(), "not embedded");
            fonts.push(
                String::from_utf8(d.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap(),
            );
        }
    }
    fonts.sort();
    assert_eq!(fonts, ["Helvetica", "Helvetica-Bold"]);
}

/// Collects the black filled rectangles of the page (the QR modules) and
/// rasterises them at 10 px per point, then decodes with rqrr.
#[test]
fn pdf_qr_code_is_vector_and_decodes_to_the_payload() {
    let card = sample();
    let bytes = render_pdf(&card).unwrap();
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
fn pdf_keeps_winansi_characters_and_replaces_the_rest() {
    for (name, expect) in [
        ("José Núñez", "José Núñez"),
        ("Zoë O’Brien", "Zoë O’Brien"),
        ("Nguyễn Văn An", "Nguy?n V?n An"),
        ("王小明", "???"),
    ] {
        let card = IdCard {
            member_name: name.into(),
            ..sample()
        };
        let text = pdf_text(&render_pdf(&card).unwrap());
        assert!(text.contains(expect), "{expect:?} not in:\n{text}");
    }
    assert_eq!(
        win_ansi("é—€…ễ\t"),
        vec![0xE9, 0x97, 0x80, 0x85, b'?', b' ']
    );
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
    let text = pdf_text(&render_pdf(&other).unwrap());
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
    let img = decode_png(&render_png(&other).unwrap());
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(found[0].1, other.qr_payload);
}

#[test]
fn overlong_text_is_shrunk_then_cut_never_overflowing() {
    let name = "Maximiliana Alexandra Bartholomew-Featherstonehaugh y Montgomery-Wolfeschlegel";
    let (bytes, size) = fit_pdf(name, true, 11.0, 6.5, 150.0);
    assert_eq!(size, 6.5);
    assert_eq!(bytes.last(), Some(&0x85), "ends with an ellipsis");
    assert!(text_width(&bytes, true, size) <= 150.0);
    let (bytes, size) = fit_pdf("Alex Rivera", true, 11.0, 6.5, 150.0);
    assert_eq!((bytes.as_slice(), size), (b"Alex Rivera".as_slice(), 11.0));

    let card = IdCard {
        member_name: name.into(),
        plan_name: name.into(),
        copays: (0..30)
            .map(|i| (format!("Service {i}"), format!("${i}")))
            .collect(),
        ..sample()
    };
    let text = pdf_text(&render_pdf(&card).unwrap());
    assert!(text.contains("Maximiliana"));
    assert!(text.contains("more: see your plan documents"), "{text}");
    let img = decode_png(&render_png(&card).unwrap());
    let found = decode_all(img.w, img.h, |x, y| img.grey(x, y));
    assert_eq!(
        found[0].1, card.qr_payload,
        "long text does not run into the QR code"
    );
}

#[test]
fn helvetica_metrics_match_known_widths() {
    // "Helvetica" = H722 e556 l222 v500 e556 t278 i222 c500 a556 = 4112.
    assert!((text_width(b"Helvetica", false, 1000.0) - 4112.0).abs() < 0.01);
    // Bold digits and accented letters share their base widths.
    assert!((text_width(b"0123456789", true, 10.0) - 55.6).abs() < 0.01);
    assert_eq!(
        text_width(&win_ansi("é"), false, 1.0),
        text_width(b"e", false, 1.0)
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
    std::fs::write(dir.join("idcard-sample.png"), render_png(&card).unwrap()).unwrap();
    std::fs::write(dir.join("idcard-sample.pdf"), render_pdf(&card).unwrap()).unwrap();
    std::fs::write(
        dir.join("idcard-sample.svg"),
        qr_svg(&card.qr_payload).unwrap(),
    )
    .unwrap();
    let intl = IdCard {
        member_name: "José Núñez-Nguyễn".into(),
        pcp: None,
        ..sample()
    };
    std::fs::write(
        dir.join("idcard-sample-intl.png"),
        render_png(&intl).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("idcard-sample-intl.pdf"),
        render_pdf(&intl).unwrap(),
    )
    .unwrap();
}
