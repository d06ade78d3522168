//! Statement letter ("surat pernyataan") as an A4 PDF, filled in with the applicant's details,
//! which the applicant prints, signs over a revenue stamp (meterai), scans and uploads.
//!
//! The first page carries the library's letterhead. The title, opening, label and value rows
//! and body flow down the pages, and the signature block with the stamp box follows the body
//! at the right margin. Text that does not fit on a page continues on the next one, up to
//! [`MAX_LETTER_PAGES`] pages. Fonts, fallback and line breaking are those of the card.

mod letterhead;
mod pagination;
mod signature;

use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};

use crate::fonts::{FontSet, Weight};
use crate::layout::{INK, MUTED, mm, set_fill};
use crate::text::{Align, FitBox, TextBlock, TextStyle, normalize_line};
use crate::{CardError, CardLibrary};

use letterhead::Letterhead;
use pagination::{PageArea, PaginationError, PartMetrics, Slice, paginate};
use signature::{SignatureBlock, SignatureTexts};

/// A4 width, 210 mm, in points.
pub const A4_WIDTH_PT: f32 = 595.28;
/// A4 height, 297 mm, in points.
pub const A4_HEIGHT_PT: f32 = 841.89;

/// Maximum number of pages of a statement letter. A longer letter is rejected rather than
/// printed, because the applicant has to print, sign and scan every page.
pub const MAX_LETTER_PAGES: usize = 4;

const SIDE_MARGIN: f32 = mm(25.0);
const TOP_MARGIN: f32 = mm(20.0);
const BOTTOM_MARGIN: f32 = mm(25.0);
const CONTENT_WIDTH: f32 = A4_WIDTH_PT - 2.0 * SIDE_MARGIN;
const CONTENT_BOTTOM: f32 = A4_HEIGHT_PT - BOTTOM_MARGIN;
/// Top of the page number line, inside the bottom margin.
const PAGE_NUMBER_TOP: f32 = A4_HEIGHT_PT - mm(17.0);

/// Space between the letterhead's rule and the title.
const LETTERHEAD_GAP: f32 = mm(8.0);
const OPENING_SPACE: f32 = mm(6.0);
const FIELDS_SPACE: f32 = mm(2.0);
const FIELD_ROW_SPACE: f32 = mm(0.8);
const BODY_SPACE: f32 = mm(4.0);
const SIGNATURE_BLOCK_SPACE: f32 = mm(10.0);
/// Body lines that move to a new page with the signature block, so that the signed page
/// always contains part of the statement.
const SIGNATURE_CARRY_LINES: usize = 2;

/// Left edge of the field rows, indented from the margin.
const FIELD_INDENT: f32 = mm(6.0);
/// Widest label column. Longer labels wrap.
const LABEL_MAX_WIDTH: f32 = mm(55.0);
/// Space between the longest label and the colon.
const LABEL_GAP: f32 = mm(2.0);
/// Width of the colon column between labels and values.
const COLON_WIDTH: f32 = mm(4.0);

const TITLE_STYLE: TextStyle = TextStyle {
    weight: Weight::Bold,
    size_pt: 14.0,
    line_spacing: 1.2,
    paragraph_gap: 0.0,
};
const BODY_STYLE: TextStyle = TextStyle {
    weight: Weight::Regular,
    size_pt: 11.0,
    line_spacing: 1.4,
    paragraph_gap: 0.35,
};
const FIELD_STYLE: TextStyle = TextStyle {
    weight: Weight::Regular,
    size_pt: 11.0,
    line_spacing: 1.3,
    paragraph_gap: 0.0,
};

/// Texts of a statement letter, each ready to print. The crate formats no dates and adds no
/// words of its own. Only letters of two or more pages get page numbers such as "1 / 2".
#[derive(Clone, Copy, Debug)]
pub struct StatementLetter<'a> {
    /// Title, such as "SURAT PERNYATAAN", printed bold and centred. It is also the PDF's
    /// document title, and it must not be empty.
    pub title: &'a str,
    /// Text before the rows, such as "Yang bertanda tangan di bawah ini:". Each line is a
    /// paragraph.
    pub opening: &'a str,
    /// Label and value rows, such as `("Nama", "Siti Aminah")`. A long value wraps under
    /// itself. Rows whose label and value are both empty are left out.
    pub fields: &'a [(&'a str, &'a str)],
    /// The statement. Each line is a paragraph and empty lines are dropped. A paragraph that
    /// starts with a marker such as `1.`, `a)` or `-` gets a hanging indent.
    pub body: &'a str,
    /// Place and date above the signature, such as "Mojokerto, 4 Desember 2026".
    pub place_and_date: &'a str,
    /// Caption above the signature space, such as "Yang membuat pernyataan,".
    pub signer_caption: &'a str,
    /// Small grey text inside the stamp box, such as "Meterai Rp10.000".
    pub stamp_caption: &'a str,
    /// Name printed under the signature line.
    pub signer_name: &'a str,
}

/// Renders statement letters for one library. The logo is decoded and the letterhead laid
/// out once per renderer. The renderer is `Send + Sync` and can be shared between threads.
pub struct LetterRenderer {
    letterhead: Letterhead,
    fonts: &'static FontSet,
}

impl std::fmt::Debug for LetterRenderer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LetterRenderer")
            .finish_non_exhaustive()
    }
}

impl LetterRenderer {
    /// Prepares a renderer with the letterhead of `library`: logo, name and address. The
    /// rules text is not used. Fails if the name is empty or the logo is not a readable PNG
    /// or JPEG.
    pub fn new(library: &CardLibrary) -> Result<LetterRenderer, CardError> {
        let fonts = FontSet::get()?;
        let name = normalize_line(&library.name);
        if name.is_empty() {
            return Err(CardError::MissingField { field: "name" });
        }
        let logo = library
            .logo
            .as_deref()
            .map(crate::images::logo)
            .transpose()?;
        let letterhead = Letterhead::prepare(fonts, &name, &library.address, logo);
        Ok(LetterRenderer { letterhead, fonts })
    }

    /// Renders `letter` as an A4 PDF of 1 to [`MAX_LETTER_PAGES`] pages. The output is
    /// deterministic: the same input gives the same bytes.
    ///
    /// Fails if the title is empty, if the letter needs more than [`MAX_LETTER_PAGES`] pages,
    /// or if the signature block alone is taller than a page.
    pub fn render(&self, letter: &StatementLetter<'_>) -> Result<Vec<u8>, CardError> {
        let title = normalize_line(letter.title);
        if title.is_empty() {
            return Err(CardError::MissingField { field: "title" });
        }

        let layout = LetterLayout::prepare(self.fonts, letter, &title)?;
        let area = PageArea {
            first_top: self.letterhead.bottom() + LETTERHEAD_GAP,
            top: TOP_MARGIN,
            bottom: CONTENT_BOTTOM,
            max_pages: MAX_LETTER_PAGES,
        };
        let pages = paginate(&layout.metrics, &area).map_err(|error| match error {
            PaginationError::TooManyPages => CardError::LetterTooLong {
                max_pages: MAX_LETTER_PAGES,
            },
            PaginationError::PartTooTall { part } => CardError::LetterPartTooTall {
                part: layout.parts.get(part).map_or("text", Part::name),
            },
        })?;

        self.write_pdf(&title, &layout, &pages)
    }

    fn write_pdf(
        &self,
        title: &str,
        layout: &LetterLayout,
        pages: &[Vec<Slice>],
    ) -> Result<Vec<u8>, CardError> {
        let settings = SerializeSettings {
            // No XMP packet: it would repeat the document title, and nothing reads it here.
            xmp_metadata: false,
            // Unlike the card, a letter is rendered about once per applicant, so the time
            // deflating takes matters less than the size of the download.
            compress_content_streams: true,
            ..SerializeSettings::default()
        };
        let mut document = Document::new_with(settings);
        document.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .creator("RALINE".to_string()),
        );
        let page_settings =
            PageSettings::from_wh(A4_WIDTH_PT, A4_HEIGHT_PT).ok_or_else(|| CardError::Pdf {
                reason: "invalid page size".to_string(),
            })?;

        for (index, slices) in pages.iter().enumerate() {
            let mut page = document.start_page_with(page_settings.clone());
            let mut surface = page.surface();

            if index == 0 {
                self.letterhead.draw(&mut surface, self.fonts);
            }
            for slice in slices {
                layout.draw_slice(&mut surface, self.fonts, slice);
            }
            if pages.len() > 1 {
                draw_page_number(&mut surface, self.fonts, index + 1, pages.len());
            }

            surface.finish();
            page.finish();
        }

        document.finish().map_err(|error| CardError::Pdf {
            reason: error.to_string(),
        })
    }
}

/// One part of the letter's flow, placed by [`paginate`].
enum Part {
    /// Paragraphs across the content width, such as the title or the body.
    Text {
        block: TextBlock,
        align: Align,
    },
    /// One label and value row. Both use [`FIELD_STYLE`], so their lines share baselines.
    Field {
        label: TextBlock,
        value: TextBlock,
    },
    Signature(SignatureBlock),
}

impl Part {
    /// Name of the part in error messages.
    fn name(&self) -> &'static str {
        match self {
            Part::Text { .. } => "text",
            Part::Field { .. } => "field row",
            Part::Signature(_) => "signature block",
        }
    }
}

/// The letter's parts laid out, with the metrics the paginator needs.
struct LetterLayout {
    parts: Vec<Part>,
    metrics: Vec<PartMetrics>,
    /// Width of the label column, from [`FIELD_INDENT`] to the colon.
    label_width: f32,
    colon: TextBlock,
}

impl LetterLayout {
    fn prepare(
        fonts: &FontSet,
        letter: &StatementLetter<'_>,
        title: &str,
    ) -> Result<LetterLayout, CardError> {
        let opening = paragraphs(letter.opening);
        let body = paragraphs(letter.body);
        let fields: Vec<(String, String)> = letter
            .fields
            .iter()
            .map(|(label, value)| (normalize_line(label), normalize_line(value)))
            .filter(|(label, value)| !label.is_empty() || !value.is_empty())
            .collect();

        // Every paragraph and row takes at least one line. Rejecting a letter with more of
        // them than the pages can hold saves shaping a body of thousands of lines.
        let minimum_lines = 1 + opening.len() + fields.len() + body.len();
        if minimum_lines > MAX_LETTER_PAGES * max_lines_per_page(fonts) {
            return Err(CardError::LetterTooLong {
                max_pages: MAX_LETTER_PAGES,
            });
        }

        let mut layout = LetterLayout {
            parts: Vec::new(),
            metrics: Vec::new(),
            label_width: 0.0,
            colon: TextBlock::wrap(fonts, &[":".to_string()], &FIELD_STYLE, COLON_WIDTH),
        };

        let title = TextBlock::wrap(fonts, &[title.to_string()], &TITLE_STYLE, CONTENT_WIDTH);
        layout.push_text(title, Align::Center, 0.0);
        let opening = TextBlock::wrap(fonts, &opening, &BODY_STYLE, CONTENT_WIDTH);
        layout.push_text(opening, Align::Left, OPENING_SPACE);
        layout.push_fields(fonts, &fields);
        let body = TextBlock::wrap(fonts, &body, &BODY_STYLE, CONTENT_WIDTH);
        layout.push_text(body, Align::Left, BODY_SPACE);

        let texts = SignatureTexts {
            place_and_date: letter.place_and_date,
            signer_caption: letter.signer_caption,
            stamp_caption: letter.stamp_caption,
            signer_name: letter.signer_name,
        };
        let signature = SignatureBlock::prepare(fonts, &texts, &BODY_STYLE);
        layout.metrics.push(PartMetrics {
            space_before: SIGNATURE_BLOCK_SPACE,
            lines: 1,
            line_height: signature.height_pt(),
            steps: Vec::new(),
            keep_together: true,
            carry_lines: SIGNATURE_CARRY_LINES,
        });
        layout.parts.push(Part::Signature(signature));

        Ok(layout)
    }

    fn push_text(&mut self, block: TextBlock, align: Align, space_before: f32) {
        self.metrics.push(text_metrics(&block, space_before));
        self.parts.push(Part::Text { block, align });
    }

    /// Adds one part per row. Labels share a column as wide as the widest label, up to
    /// [`LABEL_MAX_WIDTH`], and values wrap in the rest of the line.
    fn push_fields(&mut self, fonts: &FontSet, fields: &[(String, String)]) {
        let labels: Vec<TextBlock> = fields
            .iter()
            .map(|(label, _)| wrap_single(fonts, label, LABEL_MAX_WIDTH))
            .collect();
        let widest = labels
            .iter()
            .flat_map(TextBlock::line_widths_pt)
            .fold(0.0_f32, f32::max);
        self.label_width = widest + LABEL_GAP;
        let value_width = CONTENT_WIDTH - FIELD_INDENT - self.label_width - COLON_WIDTH;

        for (index, (label, (_, value))) in labels.into_iter().zip(fields).enumerate() {
            let value = wrap_single(fonts, value, value_width);
            let longer = if value.line_count() >= label.line_count() {
                &value
            } else {
                &label
            };
            let space_before = if index == 0 {
                FIELDS_SPACE
            } else {
                FIELD_ROW_SPACE
            };
            self.metrics.push(text_metrics(longer, space_before));
            self.parts.push(Part::Field { label, value });
        }
    }

    fn draw_slice(&self, surface: &mut Surface<'_>, fonts: &FontSet, slice: &Slice) {
        let Some(part) = self.parts.get(slice.part) else {
            return;
        };
        set_fill(surface, INK);
        match part {
            Part::Text { block, align } => block.draw_lines(
                surface,
                fonts,
                slice.lines.clone(),
                SIDE_MARGIN,
                slice.top,
                CONTENT_WIDTH,
                *align,
            ),
            Part::Field { label, value } => {
                let label_left = SIDE_MARGIN + FIELD_INDENT;
                let colon_left = label_left + self.label_width;
                let value_left = colon_left + COLON_WIDTH;
                label.draw_lines(
                    surface,
                    fonts,
                    slice.lines.clone(),
                    label_left,
                    slice.top,
                    self.label_width,
                    Align::Left,
                );
                // The colon belongs to the row's first line only.
                if slice.lines.start == 0 {
                    self.colon.draw(
                        surface,
                        fonts,
                        colon_left,
                        slice.top,
                        COLON_WIDTH,
                        Align::Left,
                    );
                }
                value.draw_lines(
                    surface,
                    fonts,
                    slice.lines.clone(),
                    value_left,
                    slice.top,
                    CONTENT_WIDTH - (value_left - SIDE_MARGIN),
                    Align::Left,
                );
            }
            Part::Signature(signature) => {
                let left = SIDE_MARGIN + CONTENT_WIDTH - signature::COLUMN_WIDTH;
                signature.draw(surface, fonts, left, slice.top);
            }
        }
    }
}

/// Splits `text` into paragraphs, one per line, normalised, without empty lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(normalize_line)
        .filter(|line| !line.is_empty())
        .collect()
}

/// Wraps one already normalised field text in [`FIELD_STYLE`]. Empty text gives no lines.
fn wrap_single(fonts: &FontSet, text: &str, width_pt: f32) -> TextBlock {
    let paragraphs = if text.is_empty() {
        Vec::new()
    } else {
        vec![text.to_string()]
    };
    TextBlock::wrap(fonts, &paragraphs, &FIELD_STYLE, width_pt)
}

fn text_metrics(block: &TextBlock, space_before: f32) -> PartMetrics {
    PartMetrics {
        space_before,
        lines: block.line_count(),
        line_height: block.line_box_height_pt(),
        steps: block.baseline_steps_pt(),
        keep_together: false,
        carry_lines: 0,
    }
}

/// Upper bound of the 11 pt lines on a page without letterhead, at the tightest line
/// spacing used.
fn max_lines_per_page(fonts: &FontSet) -> usize {
    let fit = FitBox {
        width_pt: CONTENT_WIDTH,
        height_pt: CONTENT_BOTTOM - TOP_MARGIN,
        max_lines: usize::MAX,
        max_size_pt: BODY_STYLE.size_pt,
        min_size_pt: BODY_STYLE.size_pt,
        line_spacing: BODY_STYLE.line_spacing.min(FIELD_STYLE.line_spacing),
    };
    fit.lines_that_fit(fonts, BODY_STYLE.size_pt)
}

/// Draws "page / pages" centred in the bottom margin.
fn draw_page_number(surface: &mut Surface<'_>, fonts: &FontSet, page: usize, pages: usize) {
    let number = TextBlock::fit(
        fonts,
        &format!("{page} / {pages}"),
        Weight::Regular,
        &FitBox {
            width_pt: CONTENT_WIDTH,
            height_pt: mm(5.0),
            max_lines: 1,
            max_size_pt: 8.0,
            min_size_pt: 8.0,
            line_spacing: 1.0,
        },
    );
    set_fill(surface, MUTED);
    number.draw(
        surface,
        fonts,
        SIDE_MARGIN,
        PAGE_NUMBER_TOP,
        CONTENT_WIDTH,
        Align::Center,
    );
}

// Both body sizes match, so `max_lines_per_page` bounds the lines of both styles.
const _: () = assert!(BODY_STYLE.size_pt == FIELD_STYLE.size_pt);

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn renderer_is_send_and_sync() {
        assert_send_sync::<LetterRenderer>();
    }

    #[test]
    fn a4_in_points() {
        assert!((A4_WIDTH_PT - mm(210.0)).abs() < 0.01);
        assert!((A4_HEIGHT_PT - mm(297.0)).abs() < 0.01);
    }

    #[test]
    fn paragraphs_drop_blank_lines() {
        assert_eq!(
            paragraphs("1. Satu\n\n  \n2.  Dua\r\n"),
            vec!["1. Satu".to_string(), "2. Dua".to_string()]
        );
        assert!(paragraphs("").is_empty());
    }

    #[test]
    fn page_holds_about_fifty_lines() {
        let fonts = FontSet::get().expect("fonts");
        let lines = max_lines_per_page(fonts);
        assert!((40..=60).contains(&lines), "{lines} lines per page");
    }
}
