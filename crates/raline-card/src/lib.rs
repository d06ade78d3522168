//! Member card PDF for RALINE: an ID-1 card (85.6 × 54 mm, landscape) with a front and a
//! back page.
//!
//! The front carries the library header and logo, the title, the member's photo and name,
//! member number, member type, validity date, a Code 39 barcode of the member number and a QR
//! code. The back carries the library's name, address and rules. Barcodes and QR codes are
//! vector rectangles. krilla embeds the fonts as subsets, and each character falls back from
//! Noto Sans to DejaVu Sans to Droid Sans Fallback (CJK) until one has a glyph for it.
//!
//! The crate also renders the statement letter ("surat pernyataan") that applicants from
//! outside the city sign over a revenue stamp: an A4 PDF with the library's letterhead, see
//! [`LetterRenderer`].
//!
//! The crate does no I/O and formats no dates: the caller passes every text ready to print.
//!
//! ```no_run
//! use raline_card::{CardLabels, CardLibrary, CardMember, CardRenderer};
//!
//! # fn main() -> Result<(), raline_card::CardError> {
//! let library = CardLibrary {
//!     name: "Dinas Perpustakaan dan Kearsipan Kota Mojokerto".into(),
//!     address: "Jl. Contoh No. 1, Mojokerto".into(),
//!     logo: None,
//!     rules_text: "1. Kartu ini tidak boleh dipindahtangankan.".into(),
//! };
//! let renderer = CardRenderer::new(&library)?;
//! let photo = std::fs::read("photo.jpg").expect("photo");
//! let pdf = renderer.render(&CardMember {
//!     full_name: "Nguyễn Thị Hằng",
//!     member_number: "26120400001",
//!     member_type: "Umum",
//!     valid_until: "29 Juli 2027",
//!     photo_jpeg: &photo,
//!     qr_payload: "https://perpustakaan.example/anggota/26120400001",
//!     labels: CardLabels::INDONESIAN,
//! })?;
//! # let _ = pdf;
//! # Ok(())
//! # }
//! ```

mod back;
mod code39;
mod error;
mod fonts;
mod front;
mod images;
mod layout;
mod letter;
mod qr;
mod svg;
mod text;

use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::{Document, SerializeSettings};

use crate::back::BackPage;
use crate::fonts::FontSet;
use crate::front::{FrontContent, FrontTemplate};

pub use crate::error::CardError;
pub use crate::layout::{CARD_HEIGHT_PT, CARD_WIDTH_PT};
pub use crate::letter::{
    A4_HEIGHT_PT, A4_WIDTH_PT, LetterRenderer, MAX_LETTER_PAGES, StatementLetter,
};
pub use crate::svg::{code39_svg, qr_svg};

/// Maximum member number length, in characters, whose Code 39 barcode fits on the card with
/// a narrow module of at least 0.6 pt (2.5 pixels at 300 dpi).
pub const MAX_MEMBER_NUMBER_LENGTH: usize = front::max_member_number_length();

/// The library that issues the card.
#[derive(Clone, Debug, Default)]
pub struct CardLibrary {
    /// Printed in capitals in the header of both sides and in the letterhead of the
    /// statement letter, in up to two lines.
    pub name: String,
    /// Printed on the back and in the letterhead under the name, in up to two lines. Line
    /// breaks become spaces.
    pub address: String,
    /// PNG or JPEG bytes, shown on a white plate in the front header and at the left of the
    /// statement letter's letterhead. The logo is scaled down to 256 px on the longer side
    /// and keeps its transparency.
    pub logo: Option<Vec<u8>>,
    /// Printed on the back. Each line is a paragraph, and a paragraph that starts with a
    /// marker such as `1.`, `a)` or `-` gets a hanging indent.
    pub rules_text: String,
}

/// Localised label texts for the front page, supplied by the caller's message catalogue.
#[derive(Clone, Copy, Debug)]
pub struct CardLabels<'a> {
    /// Card title in the header, such as "KARTU ANGGOTA".
    pub title: &'a str,
    /// Label of the member number row, such as "No. Anggota".
    pub member_number: &'a str,
    /// Label of the member type row, such as "Jenis".
    pub member_type: &'a str,
    /// Label of the validity row, such as "Berlaku hingga".
    pub valid_until: &'a str,
}

impl CardLabels<'static> {
    /// Indonesian labels, for callers without a message catalogue and for tests.
    pub const INDONESIAN: CardLabels<'static> = CardLabels {
        title: "KARTU ANGGOTA",
        member_number: "No. Anggota",
        member_type: "Jenis",
        valid_until: "Berlaku hingga",
    };
}

/// The member whose card is rendered. Every text is printed as given, except the name, which
/// is printed in capitals.
#[derive(Clone, Copy, Debug)]
pub struct CardMember<'a> {
    /// Full name in any script, printed in Unicode capitals. It is shrunk and wrapped to at
    /// most three lines, and cut with an ellipsis only if it still does not fit at 6 pt.
    pub full_name: &'a str,
    /// Encoded as Code 39 without a check character. Allowed are 0-9, A-Z, space and
    /// `- . $ / + %`, up to [`MAX_MEMBER_NUMBER_LENGTH`] characters.
    pub member_number: &'a str,
    /// Member type label, such as "Umum".
    pub member_type: &'a str,
    /// Validity date, already formatted, such as "29 Juli 2027".
    pub valid_until: &'a str,
    /// JPEG photo, about 3:4 portrait (for example 354 × 472 px), embedded unchanged and
    /// cropped to the 18 × 24 mm frame.
    pub photo_jpeg: &'a [u8],
    /// Text or URL for the QR code. Up to about 150 bytes fit, because modules must stay at
    /// least 0.3 mm wide.
    pub qr_payload: &'a str,
    /// Label texts in the card's language.
    pub labels: CardLabels<'a>,
}

/// Renders member cards for one library. Fonts are parsed once per process and the library's
/// logo, header and back page once per renderer, so each card only lays out the member's data
/// and writes the PDF. The renderer is `Send + Sync` and can be shared between threads.
pub struct CardRenderer {
    front: FrontTemplate,
    back: BackPage,
    fonts: &'static FontSet,
    /// Library name after whitespace normalisation, for the PDF title.
    library_name: String,
}

impl std::fmt::Debug for CardRenderer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("CardRenderer")
            .field("library_name", &self.library_name)
            .finish_non_exhaustive()
    }
}

impl CardRenderer {
    /// Prepares a renderer for `library`. Fails if the library name is empty, the logo is not
    /// a readable PNG or JPEG, or the rules do not fit on the back at 4.5 pt.
    pub fn new(library: &CardLibrary) -> Result<CardRenderer, CardError> {
        let fonts = FontSet::get()?;
        let name = text::normalize_line(&library.name);
        if name.is_empty() {
            return Err(CardError::MissingField { field: "name" });
        }
        let logo = library.logo.as_deref().map(images::logo).transpose()?;
        let front = FrontTemplate::prepare(fonts, &name, logo);
        let back = BackPage::prepare(fonts, &name, &library.address, &library.rules_text)?;
        Ok(CardRenderer {
            front,
            back,
            fonts,
            library_name: name,
        })
    }

    /// Renders the two-page card PDF for `member`. The output is deterministic: the same
    /// input gives the same bytes.
    pub fn render(&self, member: &CardMember<'_>) -> Result<Vec<u8>, CardError> {
        let content = FrontContent::prepare(self.fonts, &self.front, member)?;

        let settings = SerializeSettings {
            // No XMP packet: it would repeat the document title, and nothing reads it here.
            xmp_metadata: false,
            // Deflating the two page content streams took about 0.6 ms of 1.7 ms CPU time per
            // card (examples/bench_cards.rs, 2-core Xeon) and saves only about 12 KB of 50 KB.
            // krilla deflates the font subsets regardless of this setting.
            compress_content_streams: false,
            ..SerializeSettings::default()
        };
        let mut document = Document::new_with(settings);
        // The title names the card type and library, not the member, so the PDF metadata
        // carries no personal data.
        document.set_metadata(
            Metadata::new()
                .title(format!(
                    "{} – {}",
                    text::normalize_line(member.labels.title),
                    self.library_name
                ))
                .creator("RALINE".to_string()),
        );

        let page_settings =
            PageSettings::from_wh(CARD_WIDTH_PT, CARD_HEIGHT_PT).ok_or_else(|| CardError::Pdf {
                reason: "invalid page size".to_string(),
            })?;

        let mut page = document.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        front::draw(&mut surface, self.fonts, &self.front, &content);
        surface.finish();
        page.finish();

        let mut page = document.start_page_with(page_settings);
        let mut surface = page.surface();
        self.back.draw(&mut surface, self.fonts);
        surface.finish();
        page.finish();

        document.finish().map_err(|error| CardError::Pdf {
            reason: error.to_string(),
        })
    }
}

/// Renders one card without keeping a renderer. Prefer [`CardRenderer`] when rendering more
/// than one card for the same library, because this re-reads the logo and re-lays out the
/// back page on every call.
pub fn render_card(library: &CardLibrary, member: &CardMember<'_>) -> Result<Vec<u8>, CardError> {
    CardRenderer::new(library)?.render(member)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn renderer_is_send_and_sync() {
        assert_send_sync::<CardRenderer>();
    }

    #[test]
    fn empty_library_name_rejected() {
        let library = CardLibrary {
            name: " \n ".into(),
            ..CardLibrary::default()
        };
        assert!(matches!(
            CardRenderer::new(&library),
            Err(CardError::MissingField { field: "name" })
        ));
    }
}
