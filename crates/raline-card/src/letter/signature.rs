//! Signature block at the end of the letter: the place and date, the signer caption, a box
//! for the revenue stamp (meterai), the signature line and the signer's name.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Rect};
use krilla::paint::{Stroke, StrokeDash};
use krilla::surface::Surface;

use crate::fonts::{FontSet, Weight};
use crate::layout::{INK, Rgb, fill_rect, mm, set_fill};
use crate::text::{Align, FitBox, TextBlock, TextStyle, normalize_line};

/// Width of the block, which is aligned to the right margin.
pub(super) const COLUMN_WIDTH: f32 = mm(80.0);

// NOTE: The stamp box size leaves room around a stamp. It is not taken from an official
// specification of the Rp10.000 meterai.
const STAMP_WIDTH: f32 = mm(30.0);
const STAMP_HEIGHT: f32 = mm(25.0);
/// Left edge of the stamp box inside the column. The box sits left of the column's centre
/// but reaches past it, so a signature centred over the signature line crosses the box's
/// right part, the way a signature partly covers the stamp on a signed letter.
const STAMP_LEFT: f32 = mm(12.0);
/// Space between the caption and the top of the stamp box.
const STAMP_TOP_GAP: f32 = mm(3.0);
/// Inner padding of the stamp box around its caption.
const STAMP_PADDING: f32 = mm(1.5);
/// Height from the bottom of the caption to the signature line. The stamp box and the
/// signature go in this space.
const SIGNATURE_SPACE: f32 = mm(33.0);
const SIGNATURE_LINE_WIDTH: f32 = mm(62.0);
const SIGNATURE_LINE_THICKNESS: f32 = 0.6;
const NAME_GAP: f32 = mm(1.5);
const STAMP_GREY: Rgb = [0x70, 0x70, 0x70];
/// Dash and gap lengths of the stamp box outline, in points.
const STAMP_DASH: [f32; 2] = [3.0, 2.0];

const _: () = assert!(STAMP_TOP_GAP + STAMP_HEIGHT + mm(2.0) < SIGNATURE_SPACE);
const _: () = assert!(STAMP_LEFT + STAMP_WIDTH / 2.0 < COLUMN_WIDTH / 2.0);
const _: () = assert!(STAMP_LEFT + STAMP_WIDTH > COLUMN_WIDTH / 2.0);
const _: () = assert!(SIGNATURE_LINE_WIDTH <= COLUMN_WIDTH);

/// The texts supplied by the caller for the signature block.
pub(super) struct SignatureTexts<'a> {
    pub(super) place_and_date: &'a str,
    pub(super) signer_caption: &'a str,
    pub(super) stamp_caption: &'a str,
    pub(super) signer_name: &'a str,
}

/// The signature block, laid out. It is never split over pages.
pub(super) struct SignatureBlock {
    /// Place and date, then the signer caption, centred in the column.
    heading: TextBlock,
    stamp_caption: TextBlock,
    name: TextBlock,
}

impl SignatureBlock {
    /// Lays out the block. The heading and the signer's name wrap in the column at the size
    /// of `style`, so long texts make the block taller instead of being cut. The stamp
    /// caption shrinks to fit its box.
    pub(super) fn prepare(
        fonts: &FontSet,
        texts: &SignatureTexts<'_>,
        style: &TextStyle,
    ) -> SignatureBlock {
        let heading: Vec<String> = [texts.place_and_date, texts.signer_caption]
            .into_iter()
            .map(normalize_line)
            .filter(|line| !line.is_empty())
            .collect();
        let heading_style = TextStyle {
            paragraph_gap: 0.0,
            ..*style
        };
        let heading = TextBlock::wrap(fonts, &heading, &heading_style, COLUMN_WIDTH);

        let stamp_caption = TextBlock::fit(
            fonts,
            &normalize_line(texts.stamp_caption),
            Weight::Regular,
            &FitBox {
                width_pt: STAMP_WIDTH - 2.0 * STAMP_PADDING,
                height_pt: STAMP_HEIGHT - 2.0 * STAMP_PADDING,
                max_lines: 4,
                max_size_pt: 7.0,
                min_size_pt: 5.0,
                line_spacing: 1.15,
            },
        );

        let name_style = TextStyle {
            weight: Weight::Bold,
            paragraph_gap: 0.0,
            ..*style
        };
        let name = normalize_line(texts.signer_name);
        let name = if name.is_empty() {
            Vec::new()
        } else {
            vec![name]
        };
        let name = TextBlock::wrap(fonts, &name, &name_style, COLUMN_WIDTH);

        SignatureBlock {
            heading,
            stamp_caption,
            name,
        }
    }

    pub(super) fn height_pt(&self) -> f32 {
        self.heading.height_pt() + SIGNATURE_SPACE + NAME_GAP + self.name.height_pt()
    }

    /// Draws the block with its top-left corner at (`left`, `top`).
    pub(super) fn draw(&self, surface: &mut Surface<'_>, fonts: &FontSet, left: f32, top: f32) {
        set_fill(surface, INK);
        self.heading
            .draw(surface, fonts, left, top, COLUMN_WIDTH, Align::Center);

        let space_top = top + self.heading.height_pt();
        let stamp_left = left + STAMP_LEFT;
        let stamp_top = space_top + STAMP_TOP_GAP;
        if let Some(stamp) = Rect::from_xywh(stamp_left, stamp_top, STAMP_WIDTH, STAMP_HEIGHT) {
            stroke_dashed_rect(surface, STAMP_GREY, stamp, 0.6);
        }
        set_fill(surface, STAMP_GREY);
        let caption_top = stamp_top + (STAMP_HEIGHT - self.stamp_caption.height_pt()) / 2.0;
        self.stamp_caption.draw(
            surface,
            fonts,
            stamp_left + STAMP_PADDING,
            caption_top,
            STAMP_WIDTH - 2.0 * STAMP_PADDING,
            Align::Center,
        );

        let line_top = space_top + SIGNATURE_SPACE;
        fill_rect(
            surface,
            INK,
            left + (COLUMN_WIDTH - SIGNATURE_LINE_WIDTH) / 2.0,
            line_top,
            SIGNATURE_LINE_WIDTH,
            SIGNATURE_LINE_THICKNESS,
        );

        set_fill(surface, INK);
        self.name.draw(
            surface,
            fonts,
            left,
            line_top + NAME_GAP,
            COLUMN_WIDTH,
            Align::Center,
        );
    }
}

/// Strokes the outline of `rect` with a dashed line of `width` points.
fn stroke_dashed_rect(surface: &mut Surface<'_>, color: Rgb, rect: Rect, width: f32) {
    let [red, green, blue] = color;
    let mut builder = PathBuilder::new();
    builder.push_rect(rect);
    let Some(path) = builder.finish() else {
        return;
    };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: rgb::Color::new(red, green, blue).into(),
        width,
        dash: Some(StrokeDash {
            array: STAMP_DASH.to_vec(),
            offset: 0.0,
        }),
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}
