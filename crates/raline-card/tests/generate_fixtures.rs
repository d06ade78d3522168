//! Regenerates the synthetic images in `tests/fixtures/`. They are drawn from simple shapes,
//! so no real person's photo is in the repository.
//!
//! Run: `cargo test -p raline-card --test generate_fixtures -- --ignored`

use std::path::PathBuf;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage, Rgba, RgbaImage};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// True if (x, y) lies inside the ellipse centred at (cx, cy) with radii rx and ry.
fn in_ellipse(x: u32, y: u32, cx: f32, cy: f32, rx: f32, ry: f32) -> bool {
    let dx = (x as f32 - cx) / rx;
    let dy = (y as f32 - cy) / ry;
    dx * dx + dy * dy <= 1.0
}

/// Draws a 354 × 472 px (30 × 40 mm at 300 dpi) portrait of a faceless head-and-shoulders figure
/// on a blue gradient, like a normalised member photo.
fn synthetic_photo() -> RgbImage {
    let (width, height) = (354, 472);
    RgbImage::from_fn(width, height, |x, y| {
        let t = y as f32 / height as f32;
        let background = Rgb([
            (200.0 - 50.0 * t) as u8,
            (215.0 - 40.0 * t) as u8,
            (235.0 - 25.0 * t) as u8,
        ]);
        let collar = y > 350 && (x as i32 - 177).abs() < (y as i32 - 350) / 2 + 4;
        if in_ellipse(x, y, 177.0, 530.0, 175.0, 170.0) {
            if collar {
                Rgb([245, 245, 245])
            } else {
                Rgb([38, 52, 86])
            }
        } else if (150..205).contains(&x) && (290..380).contains(&y) {
            Rgb([214, 170, 140])
        } else if in_ellipse(x, y, 177.0, 205.0, 78.0, 98.0) {
            if y < 150 && in_ellipse(x, y, 177.0, 160.0, 84.0, 70.0) {
                Rgb([52, 40, 34])
            } else {
                Rgb([228, 188, 158])
            }
        } else if in_ellipse(x, y, 177.0, 160.0, 86.0, 74.0) {
            Rgb([52, 40, 34])
        } else {
            background
        }
    })
}

/// Draws a 240 px round emblem with an open book, on a transparent background.
fn synthetic_logo() -> RgbaImage {
    RgbaImage::from_fn(240, 240, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        if !in_ellipse(x, y, 120.0, 120.0, 116.0, 116.0) {
            return Rgba([0, 0, 0, 0]);
        }
        if !in_ellipse(x, y, 120.0, 120.0, 104.0, 104.0) {
            return Rgba([227, 168, 43, 255]);
        }
        // Two pages rising towards the spine at x = 120.
        let page_top = 95.0 - (fx - 120.0).abs() * 0.25;
        let left_page = (62.0..117.0).contains(&fx) && fy > page_top && fy < page_top + 58.0;
        let right_page = (123.0..178.0).contains(&fx) && fy > page_top && fy < page_top + 58.0;
        if left_page || right_page {
            Rgba([255, 255, 255, 255])
        } else {
            Rgba([11, 61, 122, 255])
        }
    })
}

#[test]
#[ignore = "rewrites files under tests/fixtures; run by hand when the fixtures must change"]
fn regenerate_fixtures() {
    let dir = fixtures_dir();
    std::fs::create_dir_all(&dir).expect("create tests/fixtures");

    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&synthetic_photo())
        .expect("encode photo");
    std::fs::write(dir.join("photo-synthetic.jpg"), jpeg).expect("write photo");

    synthetic_logo()
        .save(dir.join("logo-synthetic.png"))
        .expect("write logo");
}
