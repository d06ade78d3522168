//! The card's Code 39 barcode and QR code as SVG, for the virtual card on the member page.
//!
//! Sizes are in modules (`viewBox` units); the page scales them. A desk scanner reads a
//! barcode from a phone screen when a narrow bar is at least about 0.25 mm wide, so the page
//! shows the barcode across the screen's full width.

use std::fmt::Write;

use crate::CardError;
use crate::code39::{Code39, QUIET_ZONE_MODULES};
use crate::qr::QrSymbol;

/// Height of the barcode's bars, in narrow modules.
const BAR_HEIGHT_MODULES: f32 = 40.0;

/// Draws the member number as a Code 39 barcode with quiet zones, black on white.
pub fn code39_svg(value: &str) -> Result<String, CardError> {
    let symbol = Code39::encode(value)?;
    let width = symbol.total_width_modules();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {BAR_HEIGHT_MODULES}\" \
         preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\">\
         <rect width=\"{width}\" height=\"{BAR_HEIGHT_MODULES}\" fill=\"#fff\"/><path d=\""
    );
    for (left, bar_width) in symbol.bars() {
        let x = left + QUIET_ZONE_MODULES;
        let _ = write!(svg, "M{x} 0h{bar_width}v{BAR_HEIGHT_MODULES}h-{bar_width}z");
    }
    svg.push_str("\" fill=\"#000\"/></svg>");
    Ok(svg)
}

/// Draws `payload` as a QR code with its quiet zone, black on white.
pub fn qr_svg(payload: &str) -> Result<String, CardError> {
    let symbol = QrSymbol::encode(payload)?;
    let size = symbol.total_width_modules();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path d=\""
    );
    for (column, row, width, height) in symbol.rects() {
        let _ = write!(svg, "M{column} {row}h{width}v{height}h-{width}z");
    }
    svg.push_str("\" fill=\"#000\"/></svg>");
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svgs_have_bars_and_modules() {
        let barcode = code39_svg("26120400001").unwrap();
        assert!(barcode.starts_with("<svg"));
        // Start, 11 characters and stop, each with 5 bars.
        assert_eq!(barcode.matches('M').count(), 13 * 5);
        let qr = qr_svg("26120400001").unwrap();
        assert!(qr.contains("viewBox=\"0 0 29 29\""), "{qr}");
        assert!(code39_svg("bad number!").is_err());
    }
}
