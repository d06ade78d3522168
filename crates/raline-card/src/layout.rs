//! Card geometry, colours and small drawing helpers shared by the front and back pages.
//!
//! krilla places the origin at the top-left corner of the page with y growing downwards, and
//! measures in PDF points (1/72 inch). Layout constants are in millimetres and converted with
//! [`mm`].

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;

/// Converts millimetres to PDF points.
pub(crate) const fn mm(value: f32) -> f32 {
    value * 72.0 / 25.4
}

/// ID-1 (ISO/IEC 7810, the size of a bank card) width: 85.60 mm.
pub const CARD_WIDTH_PT: f32 = mm(85.6);
/// ID-1 height: ISO/IEC 7810 gives 53.98 mm, rounded here to 54 mm (153.07 pt).
pub const CARD_HEIGHT_PT: f32 = mm(54.0);

const _: () = assert!(CARD_WIDTH_PT > CARD_HEIGHT_PT, "the card is landscape");

/// Distance from the card edge to text and images, 3 mm, which keeps them clear of the rounded
/// corners (radius 3.18 mm) of ID-1 cards.
pub(crate) const MARGIN: f32 = mm(3.0);

/// An sRGB colour as red, green and blue bytes.
pub(crate) type Rgb = [u8; 3];

/// Deep blue of the header bands.
pub(crate) const BRAND: Rgb = [0x0B, 0x3D, 0x7A];
/// Gold of the title and the thin stripes.
pub(crate) const ACCENT: Rgb = [0xE3, 0xA8, 0x2B];
/// Near-black for names and values.
pub(crate) const INK: Rgb = [0x1A, 0x1C, 0x20];
/// Grey-blue for field labels and the address.
pub(crate) const MUTED: Rgb = [0x55, 0x60, 0x70];
/// Pale grey for the photo frame.
pub(crate) const FRAME: Rgb = [0xC8, 0xCD, 0xD4];
/// Barcodes and QR codes are pure black on white for the best scanner contrast.
pub(crate) const BLACK: Rgb = [0, 0, 0];
pub(crate) const WHITE: Rgb = [0xFF, 0xFF, 0xFF];

/// Sets a solid fill and no stroke.
pub(crate) fn set_fill(surface: &mut Surface<'_>, color: Rgb) {
    let [red, green, blue] = color;
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(red, green, blue).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }));
    surface.set_stroke(None);
}

/// Fills an axis-aligned rectangle. Rectangles with a non-positive or non-finite size are
/// skipped, because krilla cannot represent them.
pub(crate) fn fill_rect(surface: &mut Surface<'_>, color: Rgb, x: f32, y: f32, w: f32, h: f32) {
    let Some(rect) = Rect::from_xywh(x, y, w, h) else {
        return;
    };
    let mut builder = PathBuilder::new();
    builder.push_rect(rect);
    if let Some(path) = builder.finish() {
        set_fill(surface, color);
        surface.draw_path(&path);
    }
}

/// Builds a rectangle with rounded corners of radius `r`.
pub(crate) fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Option<krilla::geom::Path> {
    // Cubic Bézier control distance for a quarter circle.
    const KAPPA: f32 = 0.552_284_8;
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    let k = r * KAPPA;
    let mut b = PathBuilder::new();
    b.move_to(x + r, y);
    b.line_to(x + w - r, y);
    b.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    b.line_to(x + w, y + h - r);
    b.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    b.line_to(x + r, y + h);
    b.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    b.line_to(x, y + r);
    b.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    b.close();
    b.finish()
}

/// Strokes the outline of a rectangle with a hairline of `width` points.
pub(crate) fn stroke_rect(surface: &mut Surface<'_>, color: Rgb, rect: Rect, width: f32) {
    let [red, green, blue] = color;
    let mut builder = PathBuilder::new();
    builder.push_rect(rect);
    if let Some(path) = builder.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(red, green, blue).into(),
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// Draws `image` scaled to fit a `side` × `side` square, centred, keeping its aspect ratio.
pub(crate) fn draw_image_contain(
    surface: &mut Surface<'_>,
    image: &Image,
    x: f32,
    y: f32,
    side: f32,
) {
    let (width, height) = image.size();
    if width == 0 || height == 0 {
        return;
    }
    let scale = side / width.max(height) as f32;
    let (w, h) = (width as f32 * scale, height as f32 * scale);
    let Some(size) = Size::from_wh(w, h) else {
        return;
    };
    surface.push_transform(&Transform::from_translate(
        x + (side - w) / 2.0,
        y + (side - h) / 2.0,
    ));
    surface.draw_image(image.clone(), size);
    surface.pop();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_is_id1_in_points() {
        assert!((CARD_WIDTH_PT - 242.65).abs() < 0.01, "{CARD_WIDTH_PT}");
        assert!((CARD_HEIGHT_PT - 153.07).abs() < 0.01, "{CARD_HEIGHT_PT}");
    }
}
