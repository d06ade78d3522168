//! Back page: library name, address and the rules text. It depends only on the library, so
//! it is laid out once per renderer.

use krilla::surface::Surface;

use crate::CardError;
use crate::fonts::{FontSet, Weight};
use crate::layout::{
    ACCENT, BRAND, CARD_HEIGHT_PT, CARD_WIDTH_PT, FRAME, INK, MARGIN, MUTED, WHITE, fill_rect, mm,
};
use crate::text::{Align, FitBox, TextBlock, normalize_line, uppercase};

const HEADER_HEIGHT: f32 = mm(9.0);
const STRIPE_HEIGHT: f32 = mm(0.8);
const ADDRESS_TOP: f32 = HEADER_HEIGHT + STRIPE_HEIGHT + mm(1.2);
const ADDRESS_HEIGHT: f32 = mm(5.2);
const RULES_BOTTOM: f32 = CARD_HEIGHT_PT - mm(3.5);
const CONTENT_WIDTH: f32 = CARD_WIDTH_PT - 2.0 * MARGIN;
/// Minimum font size of the rules, in points. Rules that would need smaller text are
/// rejected instead of printed too small to read.
const RULES_MIN_SIZE: f32 = 4.5;
/// Extra space between rules paragraphs, in em.
const PARAGRAPH_GAP: f32 = 0.3;

/// The back page, laid out.
pub(crate) struct BackPage {
    library_name: TextBlock,
    address: TextBlock,
    rules: TextBlock,
    rules_top: f32,
}

impl BackPage {
    /// Lays out the back page. Each line of `rules_text` is a paragraph, and empty lines are
    /// dropped. Fails if the rules do not fit at [`RULES_MIN_SIZE`], because cutting rules
    /// would print an incomplete text.
    pub(crate) fn prepare(
        fonts: &FontSet,
        library_name: &str,
        address: &str,
        rules_text: &str,
    ) -> Result<BackPage, CardError> {
        let library_name = TextBlock::fit(
            fonts,
            &uppercase(library_name),
            Weight::Bold,
            &FitBox {
                width_pt: CONTENT_WIDTH,
                height_pt: HEADER_HEIGHT - mm(1.6),
                max_lines: 2,
                max_size_pt: 8.0,
                min_size_pt: 5.0,
                line_spacing: 1.05,
            },
        );
        let address = TextBlock::fit(
            fonts,
            &normalize_line(address),
            Weight::Regular,
            &FitBox {
                width_pt: CONTENT_WIDTH,
                height_pt: ADDRESS_HEIGHT,
                max_lines: 2,
                max_size_pt: 6.5,
                min_size_pt: 4.5,
                line_spacing: 1.1,
            },
        );

        let rules_top = if address.line_count() > 0 {
            ADDRESS_TOP + address.height_pt() + mm(2.4)
        } else {
            ADDRESS_TOP
        };
        let paragraphs: Vec<String> = rules_text
            .lines()
            .map(normalize_line)
            .filter(|line| !line.is_empty())
            .collect();
        let fit = FitBox {
            width_pt: CONTENT_WIDTH,
            height_pt: RULES_BOTTOM - rules_top,
            max_lines: usize::MAX,
            max_size_pt: 7.0,
            min_size_pt: RULES_MIN_SIZE,
            line_spacing: 1.18,
        };
        let rules =
            TextBlock::fit_paragraphs(fonts, &paragraphs, Weight::Regular, &fit, PARAGRAPH_GAP)
                .map_err(|(lines, max_lines)| CardError::RulesTextTooLong {
                    lines,
                    max_lines,
                    min_size_pt: RULES_MIN_SIZE,
                })?;

        Ok(BackPage {
            library_name,
            address,
            rules,
            rules_top,
        })
    }

    pub(crate) fn draw(&self, surface: &mut Surface<'_>, fonts: &FontSet) {
        fill_rect(surface, BRAND, 0.0, 0.0, CARD_WIDTH_PT, HEADER_HEIGHT);
        fill_rect(
            surface,
            ACCENT,
            0.0,
            HEADER_HEIGHT,
            CARD_WIDTH_PT,
            STRIPE_HEIGHT,
        );

        crate::layout::set_fill(surface, WHITE);
        let name_top = (HEADER_HEIGHT - self.library_name.height_pt()) / 2.0;
        self.library_name.draw(
            surface,
            fonts,
            MARGIN,
            name_top,
            CONTENT_WIDTH,
            Align::Center,
        );

        crate::layout::set_fill(surface, MUTED);
        self.address.draw(
            surface,
            fonts,
            MARGIN,
            ADDRESS_TOP,
            CONTENT_WIDTH,
            Align::Center,
        );

        if self.address.line_count() > 0 {
            let rule_y = self.rules_top - mm(1.3);
            fill_rect(surface, FRAME, MARGIN, rule_y, CONTENT_WIDTH, 0.5);
        }

        crate::layout::set_fill(surface, INK);
        self.rules.draw(
            surface,
            fonts,
            MARGIN,
            self.rules_top,
            CONTENT_WIDTH,
            Align::Left,
        );

        fill_rect(
            surface,
            BRAND,
            0.0,
            CARD_HEIGHT_PT - mm(1.6),
            CARD_WIDTH_PT,
            mm(1.6),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "1. Kartu ini berlaku untuk meminjam koleksi di semua layanan perpustakaan.\n\
        2. Kartu tidak boleh dipindahtangankan.\n\
        3. Kehilangan kartu harap segera dilaporkan kepada petugas.";

    #[test]
    fn rules_fit_and_stay_above_bottom() {
        let fonts = FontSet::get().expect("fonts");
        let back =
            BackPage::prepare(fonts, "Perpustakaan Kota", "Jl. Contoh No. 1", RULES).expect("fits");
        // Three paragraphs, and the first wraps once at 7 pt.
        assert_eq!(back.rules.line_count(), 4);
        assert!(back.rules_top + back.rules.height_pt() <= RULES_BOTTOM + 0.01);
        assert_eq!(back.rules.size_pt(), 7.0);
    }

    #[test]
    fn overlong_rules_rejected() {
        let fonts = FontSet::get().expect("fonts");
        let rules = RULES.repeat(20);
        let result = BackPage::prepare(fonts, "Perpustakaan Kota", "Jl. Contoh No. 1", &rules);
        assert!(matches!(result, Err(CardError::RulesTextTooLong { .. })));
    }

    #[test]
    fn empty_rules_and_address_allowed() {
        let fonts = FontSet::get().expect("fonts");
        let back = BackPage::prepare(fonts, "Perpustakaan Kota", "", "").expect("empty is fine");
        assert_eq!(back.rules.line_count(), 0);
        assert_eq!(back.address.line_count(), 0);
    }
}
