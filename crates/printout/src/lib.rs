//! Printed documents typeset with Typst (issue 16: "Print my record"). The layout is a Typst
//! template compiled into the binary; the content is handed to it as JSON data (a virtual
//! `data.json`), so text from a record is always text — it can never become markup. Fonts are
//! the bundled DejaVu Sans (the ID card's), so output does not depend on the machine.

use std::sync::OnceLock;

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// One section of the printout: a heading and a table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    pub title: String,
    pub headers: Vec<String>,
    /// Rows of cells, each as many as `headers`.
    pub rows: Vec<Vec<String>>,
}

/// A printed record, words in the member's language.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordDoc {
    /// Two-letter language code (hyphenation, quotes).
    pub lang: String,
    pub title: String,
    pub issuer: String,
    /// The member's name (page headers).
    pub member: String,
    /// "Ana Rivera · born … · MRN …".
    pub member_line: String,
    /// "Results from … to …".
    pub period_line: String,
    /// "Printed on … by Wellspring".
    pub generated: String,
    /// "Page".
    pub page_word: String,
    /// "Nothing on record."
    pub none_word: String,
    /// The footnote at the end.
    pub note: String,
    pub sections: Vec<Section>,
}

const TEMPLATE: &str = include_str!("record.typ");
const FONTS: [&[u8]; 2] = [
    include_bytes!("../../idcard/fonts/DejaVuSans.ttf"),
    include_bytes!("../../idcard/fonts/DejaVuSans-Bold.ttf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|b| Font::iter(Bytes::new(*b)))
            .collect();
        let mut book = FontBook::new();
        for f in &fonts {
            book.push(f.info().clone());
        }
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
        }
    })
}

struct DocWorld {
    main: Source,
    data: Bytes,
    data_id: FileId,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        // The document states its own date (`generated`); the template never asks.
        None
    }
}

/// Typeset a record as PDF.
pub fn record_pdf(doc: &RecordDoc) -> Result<Vec<u8>, String> {
    let data = serde_json::to_vec(doc).map_err(|e| e.to_string())?;
    let main_id = FileId::new(None, VirtualPath::new("record.typ"));
    let world = DocWorld {
        main: Source::new(main_id, TEMPLATE.to_owned()),
        data: Bytes::new(data),
        data_id: FileId::new(None, VirtualPath::new("data.json")),
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|errs| {
        errs.iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errs| {
        errs.iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn doc(rows: usize) -> RecordDoc {
        RecordDoc {
            lang: "en".into(),
            title: "Health record".into(),
            issuer: "Wellspring".into(),
            member: "Ana Rivera".into(),
            member_line: "Ana Rivera · born Feb 3, 1980".into(),
            period_line: "All dates".into(),
            generated: "Printed on Dec 4, 2026".into(),
            page_word: "Page".into(),
            none_word: "Nothing on record.".into(),
            note: "From your Wellspring record.".into(),
            sections: vec![
                Section {
                    title: "Test results".into(),
                    headers: vec!["Date".into(), "Test".into(), "Result".into()],
                    rows: (0..rows)
                        .map(|i| {
                            vec![
                                format!("2026-01-{:02}", i % 28 + 1),
                                // Markup characters in record text stay text.
                                "Sodium #set page(width: 1cm) *bold* $x$ [link]".into(),
                                format!("{} mmol/L", 130 + i % 15),
                            ]
                        })
                        .collect(),
                },
                Section {
                    title: "Allergies".into(),
                    headers: vec!["Allergy".into()],
                    rows: vec![],
                },
            ],
        }
    }

    fn text_of(pdf: &[u8]) -> (usize, String) {
        let d = lopdf::Document::load_mem(pdf).expect("a PDF another reader opens");
        let pages: Vec<u32> = d.get_pages().keys().copied().collect();
        let text = d.extract_text(&pages).unwrap_or_default();
        (pages.len(), text)
    }

    #[test]
    fn a_record_prints_with_its_sections_and_record_text_stays_text() {
        let pdf = record_pdf(&doc(3)).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let (pages, text) = text_of(&pdf);
        assert_eq!(pages, 1);
        for w in [
            "Health record",
            "Test results",
            "Allergies",
            "Nothing on record.",
            "#set page",
            "mmol/L",
        ] {
            assert!(text.contains(w), "{w} missing from {text}");
        }
    }

    #[test]
    fn long_tables_flow_onto_more_pages_with_numbers() {
        let pdf = record_pdf(&doc(200)).unwrap();
        let (pages, text) = text_of(&pdf);
        assert!(pages >= 4, "{pages} pages");
        assert!(text.contains(&format!("Page 1 / {pages}")), "{text}");
    }
}
