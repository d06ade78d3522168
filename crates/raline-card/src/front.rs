//! Front page: the header with logo, library name and title, then the photo, name, member
//! fields, Code 39 barcode with its number in text, and QR code.

use krilla::geom::{PathBuilder, Rect, Size, Transform};
use krilla::image::Image;
use krilla::paint::FillRule;
use krilla::surface::Surface;

use crate::code39::{self, Code39};
use crate::fonts::{FontSet, Weight};
use crate::layout::{
    ACCENT, BLACK, BRAND, CARD_HEIGHT_PT, CARD_WIDTH_PT, FRAME, INK, MARGIN, MUTED, WHITE,
    draw_image_contain, fill_rect, mm, rounded_rect, set_fill, stroke_rect,
};
use crate::qr::{self, QrSymbol};
use crate::text::{Align, FitBox, TextBlock, normalize_line, uppercase};
use crate::{CardError, CardMember};

const HEADER_HEIGHT: f32 = mm(12.5);
const STRIPE_HEIGHT: f32 = mm(0.8);
const LOGO_SIZE: f32 = mm(8.5);
const LOGO_GAP: f32 = mm(2.2);

const PHOTO_TOP: f32 = mm(15.5);
const PHOTO_WIDTH: f32 = mm(18.0);
/// 3:4 portrait, the shape of an Indonesian "pas foto".
const PHOTO_HEIGHT: f32 = mm(24.0);

const DETAILS_X: f32 = MARGIN + PHOTO_WIDTH + mm(3.0);
const NAME_TOP: f32 = mm(15.0);
const NAME_HEIGHT: f32 = mm(9.5);
const FIELDS_GAP: f32 = mm(1.4);
const FIELD_PITCH: f32 = mm(3.3);
const LABEL_SIZE: f32 = 5.2;
const VALUE_SIZE: f32 = 6.8;

/// Side of the QR symbol without its quiet zone.
const QR_SIZE: f32 = mm(15.0);
const QR_RIGHT: f32 = CARD_WIDTH_PT - mm(3.2);
const QR_BOTTOM: f32 = CARD_HEIGHT_PT - mm(3.2);
const QR_LEFT: f32 = QR_RIGHT - QR_SIZE;
const QR_TOP: f32 = QR_BOTTOM - QR_SIZE;
/// Smallest QR module printed, 0.3 mm (3.5 pixels at 300 dpi). It allows payloads of about
/// 150 bytes (version 8 at level M) in the 15 mm symbol.
const QR_MIN_MODULE: f32 = mm(0.3);

const BARCODE_TOP: f32 = mm(40.6);
const BARCODE_HEIGHT: f32 = mm(6.8);
const BARCODE_LEFT: f32 = MARGIN;
/// Largest narrow module: at this width the leading quiet zone (10 modules) exactly fills
/// the left margin, so the bars still align with the photo.
const BARCODE_MAX_MODULE: f32 = MARGIN / code39::QUIET_ZONE_MODULES;
/// Smallest narrow module, 0.6 pt (0.21 mm, 2.5 pixels at 300 dpi). With `pdftoppm -r 300`
/// and `zbarimg` (zbar 0.23), the longest member number still decoded at 0.5 pt and failed at
/// 0.4 pt, so 0.6 pt leaves a margin for printers and scanners.
const BARCODE_MIN_MODULE: f32 = 0.6;
const NUMBER_SIZE: f32 = 6.5;

/// Space from the barcode's left edge to the QR symbol, which contains the bars and the
/// trailing quiet zone, in points.
const BARCODE_SPACE: f32 = QR_LEFT - BARCODE_LEFT;

// These assertions fail the build if a change to the constants makes parts of the layout
// overlap. The fields end at most three rows below the tallest name.
const _: () = assert!(NAME_TOP + NAME_HEIGHT + FIELDS_GAP + 3.0 * FIELD_PITCH < BARCODE_TOP);
const _: () = assert!(PHOTO_TOP + PHOTO_HEIGHT < BARCODE_TOP);
const _: () = assert!(DETAILS_X < QR_LEFT && NAME_TOP + NAME_HEIGHT < QR_TOP);
const _: () = assert!(BARCODE_TOP + BARCODE_HEIGHT < QR_BOTTOM);

/// Maximum member number length whose barcode fits at [`BARCODE_MIN_MODULE`].
pub(crate) const fn max_member_number_length() -> usize {
    let mut length = 1;
    // The leading quiet zone lies in the margin, so only the trailing one counts here.
    while (code39::total_width_for_length(length + 1) - code39::QUIET_ZONE_MODULES)
        * BARCODE_MIN_MODULE
        <= BARCODE_SPACE
    {
        length += 1;
    }
    length
}

/// Narrow module width for `symbol`: as wide as the space allows, up to
/// [`BARCODE_MAX_MODULE`], in points.
fn barcode_module(symbol: &Code39) -> f32 {
    // The leading quiet zone lies in the margin, so only the trailing one counts here.
    let modules = symbol.total_width_modules() - code39::QUIET_ZONE_MODULES;
    (BARCODE_SPACE / modules).min(BARCODE_MAX_MODULE)
}

/// The library's part of the front page, laid out once per renderer.
pub(crate) struct FrontTemplate {
    library_name: TextBlock,
    logo: Option<Image>,
}

impl FrontTemplate {
    pub(crate) fn prepare(
        fonts: &FontSet,
        library_name: &str,
        logo: Option<Image>,
    ) -> FrontTemplate {
        let text_left = header_text_left(logo.is_some());
        let fit = FitBox {
            width_pt: CARD_WIDTH_PT - MARGIN - text_left,
            height_pt: mm(6.6),
            max_lines: 2,
            max_size_pt: 8.0,
            min_size_pt: 5.0,
            line_spacing: 1.05,
        };
        let library_name = TextBlock::fit(fonts, &uppercase(library_name), Weight::Bold, &fit);
        FrontTemplate { library_name, logo }
    }
}

fn header_text_left(has_logo: bool) -> f32 {
    if has_logo {
        MARGIN + LOGO_SIZE + LOGO_GAP
    } else {
        MARGIN
    }
}

/// One label and value row, such as "No. Anggota  26120400001".
struct Field {
    label: TextBlock,
    value: TextBlock,
}

/// The member's part of the front page, checked and laid out.
pub(crate) struct FrontContent {
    title: TextBlock,
    name: TextBlock,
    fields: Vec<Field>,
    label_width: f32,
    photo: Image,
    barcode: Code39,
    barcode_module: f32,
    number: TextBlock,
    qr: QrSymbol,
    qr_module: f32,
}

impl FrontContent {
    /// Checks the member's data and lays it out. Fails on an empty name, a member number
    /// that Code 39 cannot encode or that does not fit, an invalid photo, or a QR payload
    /// that is empty or too long.
    pub(crate) fn prepare(
        fonts: &FontSet,
        template: &FrontTemplate,
        member: &CardMember<'_>,
    ) -> Result<FrontContent, CardError> {
        let full_name = uppercase(&normalize_line(member.full_name));
        if full_name.is_empty() {
            return Err(CardError::MissingField { field: "full_name" });
        }

        code39::validate(member.member_number)?;
        let max = crate::MAX_MEMBER_NUMBER_LENGTH;
        let length = member.member_number.chars().count();
        if length > max {
            return Err(CardError::MemberNumberTooLong { length, max });
        }
        let barcode = Code39::encode(member.member_number)?;
        let barcode_module = barcode_module(&barcode);

        let qr = QrSymbol::encode(member.qr_payload)?;
        let qr_module = QR_SIZE / (qr.total_width_modules() - 2 * qr::QUIET_ZONE_MODULES) as f32;
        if qr_module < QR_MIN_MODULE {
            return Err(CardError::QrPayloadTooLong {
                bytes: member.qr_payload.len(),
            });
        }

        let photo = crate::images::photo(member.photo_jpeg)?;

        let text_left = header_text_left(template.logo.is_some());
        let title = TextBlock::fit(
            fonts,
            &normalize_line(member.labels.title),
            Weight::Bold,
            &FitBox {
                width_pt: CARD_WIDTH_PT - MARGIN - text_left,
                height_pt: mm(3.4),
                max_lines: 1,
                max_size_pt: 7.0,
                min_size_pt: 5.0,
                line_spacing: 1.0,
            },
        );

        let name = TextBlock::fit(
            fonts,
            &full_name,
            Weight::Bold,
            &FitBox {
                width_pt: CARD_WIDTH_PT - MARGIN - DETAILS_X,
                height_pt: NAME_HEIGHT,
                max_lines: 3,
                max_size_pt: 10.0,
                min_size_pt: 6.0,
                line_spacing: 1.08,
            },
        );

        let (fields, label_width) = prepare_fields(fonts, member);

        let number = TextBlock::fit(
            fonts,
            member.member_number,
            Weight::Regular,
            &FitBox {
                width_pt: barcode.width_modules() * barcode_module,
                height_pt: mm(3.0),
                max_lines: 1,
                max_size_pt: NUMBER_SIZE,
                min_size_pt: 4.5,
                line_spacing: 1.0,
            },
        );

        Ok(FrontContent {
            title,
            name,
            fields,
            label_width,
            photo,
            barcode,
            barcode_module,
            number,
            qr,
            qr_module,
        })
    }
}

/// Lays out the three label and value rows. Labels share one column as wide as the widest
/// label, capped at 16 mm.
fn prepare_fields(fonts: &FontSet, member: &CardMember<'_>) -> (Vec<Field>, f32) {
    let rows = [
        (member.labels.member_number, member.member_number),
        (member.labels.member_type, member.member_type),
        (member.labels.valid_until, member.valid_until),
    ];
    let label_fit = FitBox {
        width_pt: mm(16.0),
        height_pt: FIELD_PITCH,
        max_lines: 1,
        max_size_pt: LABEL_SIZE,
        min_size_pt: 4.0,
        line_spacing: 1.0,
    };
    let labels: Vec<TextBlock> = rows
        .iter()
        .map(|(label, _)| {
            TextBlock::fit(fonts, &normalize_line(label), Weight::Regular, &label_fit)
        })
        .collect();
    let label_width = labels
        .iter()
        .flat_map(TextBlock::line_widths_pt)
        .fold(0.0_f32, f32::max)
        + mm(1.5);

    let value_fit = FitBox {
        width_pt: QR_LEFT - mm(1.5) - DETAILS_X - label_width,
        height_pt: FIELD_PITCH,
        max_lines: 1,
        max_size_pt: VALUE_SIZE,
        min_size_pt: 4.5,
        line_spacing: 1.0,
    };
    let fields = labels
        .into_iter()
        .zip(rows)
        .map(|(label, (_, value))| Field {
            label,
            value: TextBlock::fit(fonts, &normalize_line(value), Weight::Bold, &value_fit),
        })
        .collect();
    (fields, label_width)
}

/// Draws the front page.
pub(crate) fn draw(
    surface: &mut Surface<'_>,
    fonts: &FontSet,
    template: &FrontTemplate,
    content: &FrontContent,
) {
    draw_header(surface, fonts, template, content);
    draw_photo(surface, &content.photo);

    set_fill(surface, INK);
    content.name.draw(
        surface,
        fonts,
        DETAILS_X,
        NAME_TOP,
        CARD_WIDTH_PT - MARGIN - DETAILS_X,
        Align::Left,
    );

    let mut row_top = NAME_TOP + content.name.height_pt() + FIELDS_GAP;
    for field in &content.fields {
        // Label and value sit on one baseline although their sizes differ.
        let baseline = row_top
            + field
                .label
                .first_baseline_pt()
                .max(field.value.first_baseline_pt());
        set_fill(surface, MUTED);
        let label_top = baseline - field.label.first_baseline_pt();
        field.label.draw(
            surface,
            fonts,
            DETAILS_X,
            label_top,
            content.label_width,
            Align::Left,
        );
        set_fill(surface, INK);
        let value_top = baseline - field.value.first_baseline_pt();
        field.value.draw(
            surface,
            fonts,
            DETAILS_X + content.label_width,
            value_top,
            0.0,
            Align::Left,
        );
        row_top += FIELD_PITCH;
    }

    draw_barcode(surface, fonts, content);
    draw_qr(surface, content);
}

fn draw_header(
    surface: &mut Surface<'_>,
    fonts: &FontSet,
    template: &FrontTemplate,
    content: &FrontContent,
) {
    fill_rect(surface, BRAND, 0.0, 0.0, CARD_WIDTH_PT, HEADER_HEIGHT);
    fill_rect(
        surface,
        ACCENT,
        0.0,
        HEADER_HEIGHT,
        CARD_WIDTH_PT,
        STRIPE_HEIGHT,
    );

    if let Some(logo) = &template.logo {
        let top = (HEADER_HEIGHT - LOGO_SIZE) / 2.0;
        if let Some(plate) = rounded_rect(MARGIN, top, LOGO_SIZE, LOGO_SIZE, mm(1.2)) {
            set_fill(surface, WHITE);
            surface.draw_path(&plate);
        }
        let inset = mm(0.7);
        draw_image_contain(
            surface,
            logo,
            MARGIN + inset,
            top + inset,
            LOGO_SIZE - 2.0 * inset,
        );
    }

    let text_left = header_text_left(template.logo.is_some());
    let width = CARD_WIDTH_PT - MARGIN - text_left;
    let gap = mm(0.5);
    let total = template.library_name.height_pt() + gap + content.title.height_pt();
    let top = (HEADER_HEIGHT - total) / 2.0;

    set_fill(surface, WHITE);
    template
        .library_name
        .draw(surface, fonts, text_left, top, width, Align::Left);
    set_fill(surface, ACCENT);
    let title_top = top + template.library_name.height_pt() + gap;
    content
        .title
        .draw(surface, fonts, text_left, title_top, width, Align::Left);
}

/// Draws the photo cropped to fill its 3:4 frame, centred, so a photo of another shape is
/// cut rather than stretched.
fn draw_photo(surface: &mut Surface<'_>, photo: &Image) {
    let Some(frame) = Rect::from_xywh(MARGIN, PHOTO_TOP, PHOTO_WIDTH, PHOTO_HEIGHT) else {
        return;
    };
    let (width, height) = photo.size();
    if width > 0 && height > 0 {
        let scale = (PHOTO_WIDTH / width as f32).max(PHOTO_HEIGHT / height as f32);
        let (w, h) = (width as f32 * scale, height as f32 * scale);
        let mut clip = PathBuilder::new();
        clip.push_rect(frame);
        if let (Some(clip), Some(size)) = (clip.finish(), Size::from_wh(w, h)) {
            surface.push_clip_path(&clip, &FillRule::NonZero);
            let x = MARGIN + (PHOTO_WIDTH - w) / 2.0;
            let y = PHOTO_TOP + (PHOTO_HEIGHT - h) / 2.0;
            surface.push_transform(&Transform::from_translate(x, y));
            surface.draw_image(photo.clone(), size);
            surface.pop();
            surface.pop();
        }
    }
    stroke_rect(surface, FRAME, frame, 0.5);
}

fn draw_barcode(surface: &mut Surface<'_>, fonts: &FontSet, content: &FrontContent) {
    let module = content.barcode_module;
    // Bars are drawn in module units (x) and bar heights (y) under a scaling transform, so
    // the content stream contains small whole numbers instead of long decimals.
    let mut bars = PathBuilder::new();
    for (x, width) in content.barcode.bars() {
        if let Some(rect) = Rect::from_xywh(x, 0.0, width, 1.0) {
            bars.push_rect(rect);
        }
    }
    if let Some(path) = bars.finish() {
        set_fill(surface, BLACK);
        surface.push_transform(&Transform::from_row(
            module,
            0.0,
            0.0,
            BARCODE_HEIGHT,
            BARCODE_LEFT,
            BARCODE_TOP,
        ));
        surface.draw_path(&path);
        surface.pop();
    }

    let symbol_width = content.barcode.width_modules() * module;
    set_fill(surface, INK);
    content.number.draw(
        surface,
        fonts,
        BARCODE_LEFT,
        BARCODE_TOP + BARCODE_HEIGHT + mm(0.4),
        symbol_width,
        Align::Center,
    );
}

fn draw_qr(surface: &mut Surface<'_>, content: &FrontContent) {
    let module = content.qr_module;
    let quiet = qr::QUIET_ZONE_MODULES as f32 * module;
    let origin_x = QR_LEFT - quiet;
    let origin_y = QR_TOP - quiet;
    // The card body is already white. The explicit quiet zone keeps the code readable if a
    // later design puts a tint behind it.
    fill_rect(
        surface,
        WHITE,
        origin_x,
        origin_y,
        QR_SIZE + 2.0 * quiet,
        QR_SIZE + 2.0 * quiet,
    );

    // Modules are drawn in module units under a scaling transform, which keeps the content
    // stream short: a QR code has a few hundred rectangles.
    let mut modules = PathBuilder::new();
    for (column, row, width, height) in content.qr.rects() {
        let rect = Rect::from_xywh(column as f32, row as f32, width as f32, height as f32);
        if let Some(rect) = rect {
            modules.push_rect(rect);
        }
    }
    if let Some(path) = modules.finish() {
        set_fill(surface, BLACK);
        surface.push_transform(&Transform::from_row(
            module, 0.0, 0.0, module, origin_x, origin_y,
        ));
        surface.draw_path(&path);
        surface.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_digit_barcode_module() {
        let symbol = Code39::encode("26120400001").expect("valid");
        let module = barcode_module(&symbol);
        assert!(module >= 0.8, "narrow module {module} pt");
        assert!(module <= BARCODE_MAX_MODULE);
        let right_end =
            BARCODE_LEFT + (symbol.total_width_modules() - code39::QUIET_ZONE_MODULES) * module;
        assert!(
            right_end <= QR_LEFT + 0.01,
            "trailing quiet zone ends at {right_end} pt"
        );
    }

    #[test]
    fn member_number_limit_is_consistent() {
        let max = max_member_number_length();
        assert!(max >= 11, "an 11-digit number must fit, max is {max}");
        let at_max =
            (code39::total_width_for_length(max) - code39::QUIET_ZONE_MODULES) * BARCODE_MIN_MODULE;
        let over = (code39::total_width_for_length(max + 1) - code39::QUIET_ZONE_MODULES)
            * BARCODE_MIN_MODULE;
        assert!(at_max <= BARCODE_SPACE);
        assert!(over > BARCODE_SPACE);
    }
}
