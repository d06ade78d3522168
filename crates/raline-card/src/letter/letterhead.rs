//! Letterhead ("kop surat") on the first page: the logo at the left, the library's name and
//! address centred on the page, and a double rule under them.

use krilla::image::Image;
use krilla::surface::Surface;

use super::{CONTENT_WIDTH, SIDE_MARGIN, TOP_MARGIN};
use crate::fonts::{FontSet, Weight};
use crate::layout::{INK, draw_image_contain, fill_rect, mm, set_fill};
use crate::text::{Align, FitBox, TextBlock, normalize_line, uppercase};

const LOGO_SIZE: f32 = mm(22.0);
const LOGO_GAP: f32 = mm(4.0);
const NAME_ADDRESS_GAP: f32 = mm(1.2);
/// Space between the logo or text and the double rule.
const RULE_GAP: f32 = mm(3.0);
const THICK_RULE: f32 = 1.5;
const THIN_RULE: f32 = 0.5;
const RULE_SPACING: f32 = 1.2;

/// The letterhead, laid out once per renderer.
pub(super) struct Letterhead {
    logo: Option<Image>,
    name: TextBlock,
    address: TextBlock,
    /// Left edge and width of the text column.
    text_left: f32,
    text_width: f32,
    /// Height of the logo and text band, without the rule.
    band_height: f32,
}

impl Letterhead {
    /// Lays out the letterhead. The name is set in capitals and, like the address, shrinks
    /// to fit two lines, and is cut with an ellipsis only if it still does not fit.
    pub(super) fn prepare(
        fonts: &FontSet,
        library_name: &str,
        address: &str,
        logo: Option<Image>,
    ) -> Letterhead {
        // With a logo, the text column leaves the logo's width free on both sides, so the
        // text stays centred on the page as in a printed letterhead.
        let (text_left, text_width) = if logo.is_some() {
            let inset = LOGO_SIZE + LOGO_GAP;
            (SIDE_MARGIN + inset, CONTENT_WIDTH - 2.0 * inset)
        } else {
            (SIDE_MARGIN, CONTENT_WIDTH)
        };
        let name = TextBlock::fit(
            fonts,
            &uppercase(library_name),
            Weight::Bold,
            &FitBox {
                width_pt: text_width,
                height_pt: mm(13.0),
                max_lines: 2,
                max_size_pt: 15.0,
                min_size_pt: 10.0,
                line_spacing: 1.1,
            },
        );
        let address = TextBlock::fit(
            fonts,
            &normalize_line(address),
            Weight::Regular,
            &FitBox {
                width_pt: text_width,
                height_pt: mm(9.0),
                max_lines: 2,
                max_size_pt: 10.0,
                min_size_pt: 8.0,
                line_spacing: 1.15,
            },
        );

        let logo_height = if logo.is_some() { LOGO_SIZE } else { 0.0 };
        let band_height = logo_height.max(text_height(&name, &address));
        Letterhead {
            logo,
            name,
            address,
            text_left,
            text_width,
            band_height,
        }
    }

    /// Bottom of the double rule, in points from the top of the page.
    pub(super) fn bottom(&self) -> f32 {
        TOP_MARGIN + self.band_height + RULE_GAP + THICK_RULE + RULE_SPACING + THIN_RULE
    }

    pub(super) fn draw(&self, surface: &mut Surface<'_>, fonts: &FontSet) {
        if let Some(logo) = &self.logo {
            let top = TOP_MARGIN + (self.band_height - LOGO_SIZE) / 2.0;
            draw_image_contain(surface, logo, SIDE_MARGIN, top, LOGO_SIZE);
        }

        set_fill(surface, INK);
        let text_top =
            TOP_MARGIN + (self.band_height - text_height(&self.name, &self.address)) / 2.0;
        self.name.draw(
            surface,
            fonts,
            self.text_left,
            text_top,
            self.text_width,
            Align::Center,
        );
        let address_top = text_top + self.name.height_pt() + NAME_ADDRESS_GAP;
        self.address.draw(
            surface,
            fonts,
            self.text_left,
            address_top,
            self.text_width,
            Align::Center,
        );

        let rule_top = TOP_MARGIN + self.band_height + RULE_GAP;
        fill_rect(
            surface,
            INK,
            SIDE_MARGIN,
            rule_top,
            CONTENT_WIDTH,
            THICK_RULE,
        );
        let thin_top = rule_top + THICK_RULE + RULE_SPACING;
        fill_rect(
            surface,
            INK,
            SIDE_MARGIN,
            thin_top,
            CONTENT_WIDTH,
            THIN_RULE,
        );
    }
}

fn text_height(name: &TextBlock, address: &TextBlock) -> f32 {
    if address.line_count() == 0 {
        name.height_pt()
    } else {
        name.height_pt() + NAME_ADDRESS_GAP + address.height_pt()
    }
}

// The text column beside the logo must keep at least half of the content width.
const _: () = assert!(CONTENT_WIDTH - 2.0 * (LOGO_SIZE + LOGO_GAP) > CONTENT_WIDTH / 2.0);
