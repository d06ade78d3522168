//! Digital signatures and e-Meterai serials that `process_document` reads from PDFs, built
//! here with lopdf. The signatures carry made-up bytes: nothing verifies them.

mod common;

use common::{contains, fixture, shared};
use lopdf::{Dictionary, Object, ObjectId, SaveOptions, Stream, StringFormat, dictionary};
use raline_media::{SignatureReport, UploadError, UploadLimits, process_document};
use time::macros::datetime;

/// A serial of 22 digits, the form that e-Meterai distributors describe.
const SERIAL: &str = "1234567890123456789012";

/// A serial of 22 digits and capital letters, which the rule also accepts.
const ALPHANUMERIC_SERIAL: &str = "0A1B2C3D4E5F6G7H8J9K0L";

/// A one-page letter that signature fields can be added to.
struct Letter {
    pdf: lopdf::Document,
    page_id: ObjectId,
    fields: Vec<Object>,
}

impl Letter {
    fn new() -> Letter {
        let mut pdf = lopdf::Document::with_version("1.7");
        let pages_id = pdf.new_object_id();
        let font_id = pdf.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica"
        });
        let content = b"BT /F1 12 Tf 72 760 Td (Surat pernyataan) Tj ET".to_vec();
        let content_id = pdf.add_object(Stream::new(dictionary! {}, content));
        let page_id = pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content_id,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } }
        });
        pdf.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1
            }),
        );
        Letter {
            pdf,
            page_id,
            fields: Vec::new(),
        }
    }

    /// Adds a signature field whose value is `signature`, stored as an indirect object.
    fn sign(self, signature: Dictionary) -> Letter {
        let mut letter = self;
        let value_id = letter.pdf.add_object(signature);
        letter.field(dictionary! { "FT" => "Sig", "V" => value_id })
    }

    /// Adds a form field that is also its widget annotation on the page.
    fn field(self, field: Dictionary) -> Letter {
        let mut letter = self;
        let mut widget = dictionary! {
            "Type" => "Annot",
            "Subtype" => "Widget",
            "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
            "F" => 132,
            "P" => letter.page_id,
            "T" => Object::string_literal(format!("Signature{}", letter.fields.len() + 1))
        };
        for (key, value) in field.iter() {
            widget.set(key.clone(), value.clone());
        }
        let field_id = letter.pdf.add_object(widget);
        letter.fields.push(field_id.into());
        letter
    }

    fn finish(&mut self) {
        let pages_id = self
            .pdf
            .get_dictionary(self.page_id)
            .and_then(|page| page.get(b"Parent"))
            .and_then(Object::as_reference)
            .unwrap();
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        if !self.fields.is_empty() {
            self.pdf
                .get_dictionary_mut(self.page_id)
                .unwrap()
                .set("Annots", self.fields.clone());
            catalog.set(
                "AcroForm",
                dictionary! { "Fields" => self.fields.clone(), "SigFlags" => 3 },
            );
        }
        let catalog_id = self.pdf.add_object(catalog);
        self.pdf.trailer.set("Root", catalog_id);
    }

    /// Writes the PDF with a classic cross-reference table.
    fn save(mut self) -> Vec<u8> {
        self.finish();
        let mut bytes = Vec::new();
        self.pdf.save_to(&mut bytes).unwrap();
        bytes
    }

    /// Writes the PDF with every dictionary in a compressed object stream.
    fn save_with_object_streams(mut self) -> Vec<u8> {
        self.finish();
        let options = SaveOptions::builder()
            .use_object_streams(true)
            .use_xref_streams(true)
            .compression_level(6)
            .build();
        let mut bytes = Vec::new();
        self.pdf.save_with_options(&mut bytes, options).unwrap();
        bytes
    }
}

/// Builds a PAdES signature dictionary as signing software writes it, with `entries` added.
fn pades_signature(entries: &[(&str, Object)]) -> Dictionary {
    let mut signature = dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => vec![0.into(), 1024.into(), 9216.into(), 512.into()],
        "Contents" => cms_placeholder(&[0x30, 0x82, 0x1F, 0xFC, 0x06, 0x09])
    };
    for (key, value) in entries {
        signature.set(*key, value.clone());
    }
    signature
}

/// Builds a /Contents value of 4096 bytes that starts with `prefix` and is padded with
/// zeros, as signing software reserves it.
fn cms_placeholder(prefix: &[u8]) -> Object {
    let mut bytes = prefix.to_vec();
    bytes.resize(4096, 0);
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn literal(text: &str) -> Object {
    Object::string_literal(text)
}

fn utf16be(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn report(pdf: &[u8]) -> SignatureReport {
    process_document(pdf, &UploadLimits::default())
        .expect("letter accepted")
        .signatures
        .expect("a PDF gets a signature report")
}

fn reason_report(reason: &str) -> SignatureReport {
    let signature = pades_signature(&[("Reason", literal(reason))]);
    report(&Letter::new().sign(signature).save())
}

#[test]
fn unsigned_letter_has_no_signatures() {
    assert_eq!(report(&Letter::new().save()), SignatureReport::default());
}

#[test]
fn fixture_letters_have_no_signatures() {
    for name in [
        "letter.pdf",
        "letter-2-pages.pdf",
        "letter-object-streams.pdf",
    ] {
        assert_eq!(report(&fixture(name)), SignatureReport::default(), "{name}");
    }
}

#[test]
fn shared_letter_has_no_signatures() {
    let Some(bytes) = shared("surat-pernyataan.pdf") else {
        return;
    };
    assert_eq!(report(&bytes), SignatureReport::default());
}

#[test]
fn image_has_no_signature_report() {
    let document = process_document(&fixture("portrait.jpg"), &UploadLimits::default()).unwrap();
    assert_eq!(document.signatures, None);
}

#[test]
fn signature_field_with_serial_read() {
    let signature = pades_signature(&[
        ("Name", literal("Siti Aminah")),
        (
            "Reason",
            literal(&format!("[{SERIAL}] Meterai elektronik surat pernyataan")),
        ),
        ("Location", literal("Kota Mojokerto")),
        ("ContactInfo", literal("siti.aminah@example.id")),
        ("M", literal("D:20240305093000+07'00'")),
    ]);
    let pdf = Letter::new().sign(signature).save();
    let report = report(&pdf);

    assert_eq!(report.signatures.len(), 1);
    let signature = &report.signatures[0];
    assert_eq!(signature.signer_name.as_deref(), Some("Siti Aminah"));
    assert_eq!(
        signature.reason.as_deref(),
        Some("[1234567890123456789012] Meterai elektronik surat pernyataan")
    );
    assert_eq!(signature.location.as_deref(), Some("Kota Mojokerto"));
    assert_eq!(
        signature.contact_info.as_deref(),
        Some("siti.aminah@example.id")
    );
    assert_eq!(
        signature.signed_at,
        Some(datetime!(2024-03-05 09:30:00 +07:00))
    );
    assert_eq!(
        signature.signed_at_raw.as_deref(),
        Some("D:20240305093000+07'00'")
    );
    assert!(signature.has_contents);
    assert_eq!(report.emeterai_serials, [SERIAL]);
}

#[test]
fn signed_pdf_kept_byte_for_byte() {
    let pdf = Letter::new().sign(pades_signature(&[])).save();
    let document = process_document(&pdf, &UploadLimits::default()).unwrap();
    assert_eq!(document.bytes, pdf);
    assert_eq!(document.pages, Some(1));
}

#[test]
fn utf16_strings_decoded() {
    let signature = pades_signature(&[
        ("Name", utf16be("Dédé Suryaningsih")),
        (
            "Reason",
            utf16be(&format!("Meterai elektronik – SN {ALPHANUMERIC_SERIAL}")),
        ),
        ("Location", utf16be("Kab. Mojokerto, Jawa Timur")),
        ("ContactInfo", utf16be("dédé@example.id")),
    ]);
    let report = report(&Letter::new().sign(signature).save());

    assert_eq!(report.signatures.len(), 1);
    let signature = &report.signatures[0];
    assert_eq!(signature.signer_name.as_deref(), Some("Dédé Suryaningsih"));
    assert_eq!(
        signature.reason.as_deref(),
        Some("Meterai elektronik – SN 0A1B2C3D4E5F6G7H8J9K0L")
    );
    assert_eq!(
        signature.location.as_deref(),
        Some("Kab. Mojokerto, Jawa Timur")
    );
    assert_eq!(signature.contact_info.as_deref(), Some("dédé@example.id"));
    assert_eq!(report.emeterai_serials, [ALPHANUMERIC_SERIAL]);
}

#[test]
fn pdf_doc_encoded_strings_decoded() {
    // 0x84 is an em dash in PDFDocEncoding, and 0xE9 is é as in Latin-1.
    let reason = Object::String(
        b"Meterai elektronik \x84 D\xE9d\xE9".to_vec(),
        StringFormat::Literal,
    );
    let report = report(
        &Letter::new()
            .sign(pades_signature(&[("Reason", reason)]))
            .save(),
    );
    assert_eq!(
        report.signatures[0].reason.as_deref(),
        Some("Meterai elektronik — Dédé")
    );
}

#[test]
fn signature_in_object_stream_found() {
    let signature = pades_signature(&[
        ("Reason", literal(&format!("[{SERIAL}] Dokumen"))),
        ("M", literal("D:20240305093000Z")),
    ]);
    let pdf = Letter::new().sign(signature).save_with_object_streams();
    assert!(
        !contains(&pdf, b"ByteRange"),
        "the signature dictionary must be compressed"
    );

    let report = report(&pdf);
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(
        report.signatures[0].signed_at,
        Some(datetime!(2024-03-05 09:30:00 UTC))
    );
    assert!(report.signatures[0].has_contents);
    assert_eq!(report.emeterai_serials, [SERIAL]);
}

#[test]
fn repeated_serial_listed_once() {
    let signer = pades_signature(&[
        ("Name", literal("Siti Aminah")),
        (
            "Reason",
            literal(&format!("Menyetujui, e-Meterai {SERIAL}")),
        ),
    ]);
    let stamp = pades_signature(&[("Reason", literal(&format!("[{SERIAL}] Dokumen")))]);
    let report = report(&Letter::new().sign(signer).sign(stamp).save());
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(report.emeterai_serials, [SERIAL]);
}

#[test]
fn serials_listed_in_file_order() {
    let first = pades_signature(&[("Reason", literal(&format!("[{SERIAL}] Dokumen")))]);
    let second = pades_signature(&[(
        "Location",
        literal(&format!("{ALPHANUMERIC_SERIAL} Mojokerto")),
    )]);
    let report = report(&Letter::new().sign(first).sign(second).save());
    assert_eq!(report.emeterai_serials, [SERIAL, ALPHANUMERIC_SERIAL]);
}

#[test]
fn near_serials_ignored() {
    let cases = [
        ("21 digits", "[123456789012345678901] Dokumen"),
        ("23 digits", "[12345678901234567890123] Dokumen"),
        ("lowercase letter", "[0a1B2C3D4E5F6G7H8J9K0L] Dokumen"),
        ("glued to a word", "SN1234567890123456789012"),
        ("glued to a non-ASCII letter", "1234567890123456789012é"),
    ];
    for (label, reason) in cases {
        let report = reason_report(reason);
        assert_eq!(report.signatures.len(), 1, "{label}");
        assert_eq!(report.emeterai_serials, Vec::<String>::new(), "{label}");
    }
}

#[test]
fn signature_without_serial_found() {
    let report = reason_report("Saya menyetujui isi surat pernyataan ini");
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(
        report.signatures[0].reason.as_deref(),
        Some("Saya menyetujui isi surat pernyataan ini")
    );
    assert_eq!(report.emeterai_serials, Vec::<String>::new());
}

#[test]
fn document_timestamp_found() {
    let timestamp = dictionary! {
        "Type" => "DocTimeStamp",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.RFC3161",
        "ByteRange" => vec![0.into(), 1024.into(), 9216.into(), 512.into()],
        "Contents" => cms_placeholder(&[0x30, 0x82])
    };
    let report = report(&Letter::new().sign(timestamp).save());
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.signatures[0].signer_name, None);
    assert!(report.signatures[0].has_contents);
}

#[test]
fn untyped_field_value_found() {
    let mut signature = pades_signature(&[("Reason", literal(&format!("[{SERIAL}] Dokumen")))]);
    signature.remove(b"Type");
    let report = report(&Letter::new().sign(signature).save());
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.emeterai_serials, [SERIAL]);
}

#[test]
fn direct_field_value_found() {
    let mut signature = pades_signature(&[("Reason", literal("Dokumen"))]);
    signature.remove(b"Type");
    let field = dictionary! { "FT" => "Sig", "V" => signature };
    let report = report(&Letter::new().field(field).save());
    assert_eq!(report.signatures.len(), 1);
}

#[test]
fn inherited_field_type_honoured() {
    let mut letter = Letter::new();
    let parent_id = letter.pdf.add_object(dictionary! { "FT" => "Sig" });
    let mut signature = pades_signature(&[("Reason", literal("Dokumen"))]);
    signature.remove(b"Type");
    let value_id = letter.pdf.add_object(signature);
    let field = dictionary! { "Parent" => parent_id, "V" => value_id };
    let report = report(&letter.field(field).save());
    assert_eq!(report.signatures.len(), 1);
}

#[test]
fn untyped_values_of_other_fields_ignored() {
    let mut letter = Letter::new();

    // A text field whose value is a dictionary that looks like a signature.
    let mut look_alike = pades_signature(&[]);
    look_alike.remove(b"Type");
    let value_id = letter.pdf.add_object(look_alike);
    letter = letter.field(dictionary! { "FT" => "Tx", "V" => value_id });

    // A field whose parents form a cycle and never set a type.
    let cycle_id = letter.pdf.new_object_id();
    letter.pdf.objects.insert(
        cycle_id,
        Object::Dictionary(dictionary! { "Parent" => cycle_id }),
    );
    let mut orphan = pades_signature(&[]);
    orphan.remove(b"Type");
    let orphan_id = letter.pdf.add_object(orphan);
    letter = letter.field(dictionary! { "Parent" => cycle_id, "V" => orphan_id });

    assert_eq!(report(&letter.save()), SignatureReport::default());
}

#[test]
fn empty_signature_fields_ignored() {
    let letter = Letter::new()
        .field(dictionary! { "FT" => "Sig" })
        .field(dictionary! { "FT" => "Sig", "V" => (999, 0) })
        .field(dictionary! { "FT" => "Sig", "V" => 7 })
        .field(dictionary! { "FT" => "Sig", "V" => literal(SERIAL) });
    assert_eq!(report(&letter.save()), SignatureReport::default());
}

#[test]
fn zero_filled_contents_not_signed() {
    let mut prepared = pades_signature(&[]);
    prepared.set("Contents", cms_placeholder(&[]));
    let mut without_contents = pades_signature(&[]);
    without_contents.remove(b"Contents");
    let report = report(&Letter::new().sign(prepared).sign(without_contents).save());
    assert_eq!(report.signatures.len(), 2);
    assert!(!report.signatures[0].has_contents);
    assert!(!report.signatures[1].has_contents);
}

#[test]
fn invalid_signing_time_kept_raw() {
    let signature = pades_signature(&[("M", literal("5 Maret 2024"))]);
    let report = report(&Letter::new().sign(signature).save());
    assert_eq!(report.signatures[0].signed_at, None);
    assert_eq!(
        report.signatures[0].signed_at_raw.as_deref(),
        Some("5 Maret 2024")
    );
}

#[test]
fn signing_time_without_offset_taken_as_utc() {
    let signature = pades_signature(&[("M", literal("D:20240305093000"))]);
    let report = report(&Letter::new().sign(signature).save());
    assert_eq!(
        report.signatures[0].signed_at,
        Some(datetime!(2024-03-05 09:30:00 UTC))
    );
}

#[test]
fn long_text_capped() {
    let reason = utf16be(&format!("{} {SERIAL}", "é".repeat(1000)));
    let report = report(
        &Letter::new()
            .sign(pades_signature(&[("Reason", reason)]))
            .save(),
    );
    assert_eq!(
        report.signatures[0].reason.as_deref(),
        Some("é".repeat(256).as_str())
    );
    // The serial lies beyond the cap, so it is not read.
    assert_eq!(report.emeterai_serials, Vec::<String>::new());
}

#[test]
fn non_text_entries_ignored() {
    let signature = pades_signature(&[
        ("Name", Object::Name(b"Siti".to_vec())),
        ("Reason", Object::Integer(1_234_567)),
        ("Location", literal("   ")),
    ]);
    let report = report(&Letter::new().sign(signature).save());
    assert_eq!(report.signatures[0].signer_name, None);
    assert_eq!(report.signatures[0].reason, None);
    assert_eq!(report.signatures[0].location, None);
}

#[test]
fn more_than_64_signatures_rejected() {
    let mut letter = Letter::new();
    for _ in 0..65 {
        letter = letter.sign(pades_signature(&[]));
    }
    let error = process_document(&letter.save(), &UploadLimits::default()).unwrap_err();
    assert_eq!(error.code(), "pdf_too_complex");
}

#[test]
fn signed_letter_with_javascript_rejected() {
    let letter = Letter::new().sign(pades_signature(&[(
        "Prop_Build",
        Object::Dictionary(dictionary! { "S" => "JavaScript", "JS" => literal("app.alert(1)") }),
    )]));
    let error = process_document(&letter.save(), &UploadLimits::default()).unwrap_err();
    assert!(
        matches!(error, UploadError::PdfActiveContent { .. }),
        "{error:?}"
    );
}

/// xorshift64*, with a fixed seed so a failure reproduces on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Checks that a damaged file is rejected or read within the limits, without a panic.
fn check_damaged(label: &str, bytes: &[u8]) {
    let Ok(document) = process_document(bytes, &UploadLimits::default()) else {
        return;
    };
    let report = document.signatures.expect("a PDF gets a signature report");
    for serial in &report.emeterai_serials {
        assert_eq!(serial.len(), 22, "{label}: {serial}");
    }
    for signature in &report.signatures {
        for text in [
            &signature.signer_name,
            &signature.reason,
            &signature.location,
            &signature.contact_info,
            &signature.signed_at_raw,
        ]
        .into_iter()
        .flatten()
        {
            assert!(text.chars().count() <= 256, "{label}: {text}");
        }
    }
}

#[test]
fn signed_letters_survive_damage() {
    let signature = || {
        pades_signature(&[
            ("Name", utf16be("Dédé Suryaningsih")),
            ("Reason", literal(&format!("[{SERIAL}] Dokumen"))),
            ("M", literal("D:20240305093000+07'00'")),
        ])
    };
    let letters = [
        ("classic", Letter::new().sign(signature()).save()),
        (
            "object streams",
            Letter::new().sign(signature()).save_with_object_streams(),
        ),
    ];

    let mut rng = Rng(0x5EED_0005);
    for (name, bytes) in letters {
        for step in 1..64 {
            let len = bytes.len() * step / 64;
            check_damaged(&format!("{name} cut at {len}"), &bytes[..len]);
        }
        for copy in 0..64 {
            let mut mutated = bytes.clone();
            for _ in 0..=rng.below(8) {
                let pos = rng.below(mutated.len());
                mutated[pos] = rng.next() as u8;
            }
            check_damaged(&format!("{name} mutation {copy}"), &mutated);
        }
    }
}

#[test]
fn serial_needs_signature_bytes() {
    let mut unsigned = pades_signature(&[("Reason", literal(&format!("[{SERIAL}] Meterai")))]);
    unsigned.set("Contents", cms_placeholder(&[]));
    let report = report(&Letter::new().sign(unsigned).save());
    assert_eq!(report.signatures.len(), 1);
    assert!(report.emeterai_serials.is_empty());
}

#[test]
fn words_without_digits_are_no_serials() {
    let report = reason_report("KOTAMOJOKERTOJAWATIMUR ABCDEFGHIJKLMNOPQRSTU1");
    assert!(report.emeterai_serials.is_empty(), "{report:?}");
}

#[test]
fn serials_per_file_capped() {
    let serials: Vec<String> = (0..10)
        .map(|n| format!("12345678901234567890{n:02}"))
        .collect();
    let report = reason_report(&serials.join(" "));
    assert_eq!(report.emeterai_serials, serials[..4]);
}
