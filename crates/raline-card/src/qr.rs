//! QR code modules as rectangles, for drawing as vectors.
//!
//! `qrcode` builds the symbol. Its own mask selection allocates per module and took about
//! 0.5 ms per card, more than a quarter of the whole render. This module therefore scores the
//! eight masks itself on a plain grid, with the penalty rules of ISO/IEC 18004.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, bits, ec};

use crate::CardError;

/// Light margin around the symbol, in modules, as the QR specification requires.
pub(crate) const QUIET_ZONE_MODULES: usize = 4;

/// Error correction level M: about 15 % of the symbol may be damaged, a common choice for
/// printed codes that get scuffed.
const EC_LEVEL: EcLevel = EcLevel::M;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A QR symbol as rectangles of dark modules.
#[derive(Clone, Debug)]
pub(crate) struct QrSymbol {
    /// Modules per side, without the quiet zone.
    width: usize,
    /// Dark rectangles as `(column, row, width, height)` in modules, without the quiet zone.
    rects: Vec<Rectangle>,
}

impl QrSymbol {
    /// Encodes `payload` as bytes in the smallest version that fits it, with the mask that
    /// has the lowest penalty.
    pub(crate) fn encode(payload: &str) -> Result<QrSymbol, CardError> {
        if payload.trim().is_empty() {
            return Err(CardError::MissingField {
                field: "qr_payload",
            });
        }
        let too_long = |_| CardError::QrPayloadTooLong {
            bytes: payload.len(),
        };
        let bits = bits::encode_auto(payload.as_bytes(), EC_LEVEL).map_err(too_long)?;
        let version = bits.version();
        let width = version.width().max(0) as usize;
        let (data, error_correction) =
            ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL).map_err(too_long)?;
        let mut canvas = Canvas::new(version, EC_LEVEL);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &error_correction);

        let mut best: Option<(usize, Vec<bool>)> = None;
        for mask in MASKS {
            let mut masked = canvas.clone();
            masked.apply_mask(mask);
            let dark: Vec<bool> = masked
                .into_colors()
                .into_iter()
                .map(|color| color == Color::Dark)
                .collect();
            let score = penalty(&dark, width);
            if best.as_ref().is_none_or(|(lowest, _)| score < *lowest) {
                best = Some((score, dark));
            }
        }
        let dark = best.map(|(_, dark)| dark).unwrap_or_default();

        Ok(QrSymbol {
            width,
            rects: dark_rectangles(&dark, width),
        })
    }

    /// Modules per side including the quiet zone on both sides.
    pub(crate) fn total_width_modules(&self) -> usize {
        self.width + 2 * QUIET_ZONE_MODULES
    }

    /// Dark rectangles as `(column, row, width, height)` in modules, counted from the outer
    /// corner of the quiet zone. Together they cover exactly the dark modules.
    pub(crate) fn rects(&self) -> impl Iterator<Item = Rectangle> + '_ {
        self.rects.iter().map(|&(column, row, width, height)| {
            (
                column + QUIET_ZONE_MODULES,
                row + QUIET_ZONE_MODULES,
                width,
                height,
            )
        })
    }
}

/// `(column, row, width, height)` in modules.
pub(crate) type Rectangle = (usize, usize, usize, usize);

/// Covers the dark modules with rectangles: horizontal runs, merged downwards while the row
/// below has a run with the same start and length. This keeps the PDF path about a third
/// shorter than one rectangle per run.
fn dark_rectangles(dark: &[bool], width: usize) -> Vec<Rectangle> {
    let mut finished = Vec::new();
    let mut open: Vec<Rectangle> = Vec::new();
    for (row, line) in dark.chunks(width.max(1)).enumerate() {
        let mut continued = Vec::with_capacity(open.len());
        let mut column = 0;
        for run in line.chunk_by(|a, b| a == b) {
            if run[0] {
                let length = run.len();
                let matching = open
                    .iter()
                    .position(|&(x, _, w, _)| x == column && w == length);
                match matching {
                    Some(index) => {
                        let (x, y, w, h) = open.swap_remove(index);
                        continued.push((x, y, w, h + 1));
                    }
                    None => continued.push((column, row, length, 1)),
                }
            }
            column += run.len();
        }
        finished.append(&mut open);
        open = continued;
    }
    finished.append(&mut open);
    finished
}

/// Mask penalty of ISO/IEC 18004 section 7.8.3 for a `width` × `width` grid stored row by
/// row, `true` for dark. Lower is better.
fn penalty(dark: &[bool], width: usize) -> usize {
    let grid = Grid::new(dark, width);
    grid.run_penalty() + grid.block_penalty() + grid.finder_penalty() + grid.balance_penalty()
}

/// A square module grid kept both row by row and column by column, so that every rule can
/// scan rows and columns as plain slices.
struct Grid {
    rows: Vec<bool>,
    columns: Vec<bool>,
    width: usize,
}

impl Grid {
    fn new(dark: &[bool], width: usize) -> Grid {
        let width = width.max(1);
        let mut columns = vec![false; dark.len()];
        for (y, row) in dark.chunks_exact(width).enumerate() {
            for (x, &is_dark) in row.iter().enumerate() {
                columns[x * width + y] = is_dark;
            }
        }
        Grid {
            rows: dark.to_vec(),
            columns,
            width,
        }
    }

    /// Returns every row, then every column.
    fn lines(&self) -> impl Iterator<Item = &[bool]> {
        self.rows
            .chunks_exact(self.width)
            .chain(self.columns.chunks_exact(self.width))
    }

    /// N1: five or more equal modules in a row or column score 3, plus 1 per extra module.
    fn run_penalty(&self) -> usize {
        self.lines()
            .flat_map(|line| line.chunk_by(|a, b| a == b))
            .filter(|run| run.len() >= 5)
            .map(|run| 3 + (run.len() - 5))
            .sum()
    }

    /// N2: each 2 × 2 block of one colour scores 3, and overlapping blocks all count.
    fn block_penalty(&self) -> usize {
        let rows: Vec<&[bool]> = self.rows.chunks_exact(self.width).collect();
        let mut score = 0;
        for pair in rows.windows(2) {
            let (upper, lower) = (pair[0], pair[1]);
            for x in 0..self.width - 1 {
                let colour = upper[x];
                if upper[x + 1] == colour && lower[x] == colour && lower[x + 1] == colour {
                    score += 3;
                }
            }
        }
        score
    }

    /// N3: each dark-light-dark-dark-dark-light-dark pattern (1:1:3:1:1) with four light
    /// modules before or after it scores 40. Modules outside the grid are the light quiet
    /// zone, so the three real finder patterns add the same amount to every mask.
    fn finder_penalty(&self) -> usize {
        let mut score = 0;
        for line in self.lines() {
            for (start, window) in line.windows(7).enumerate() {
                let &[a, b, c, d, e, f, g] = window else {
                    continue;
                };
                if !(a && !b && c && d && e && !f && g) {
                    continue;
                }
                let before = &line[start.saturating_sub(4)..start];
                let after = &line[(start + 7).min(line.len())..(start + 11).min(line.len())];
                if !before.contains(&true) || !after.contains(&true) {
                    score += 40;
                }
            }
        }
        score
    }

    /// N4: 10 points per full 5 % by which the share of dark modules differs from 50 %.
    fn balance_penalty(&self) -> usize {
        let total = self.rows.len().max(1);
        let dark = self.rows.iter().filter(|&&is_dark| is_dark).count();
        10 * ((dark * 100 / total).abs_diff(50) / 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encodes_small_version() {
        let symbol =
            QrSymbol::encode("https://perpustakaan.mojokertokota.go.id/anggota/26120400001")
                .expect("encodes");
        // Version 4 (33 modules) encodes up to 62 bytes at level M.
        assert!(symbol.width <= 33, "width {}", symbol.width);
        assert_eq!(symbol.total_width_modules(), symbol.width + 8);
        let top_left = symbol
            .rects()
            .min_by_key(|&(column, row, _, _)| (row, column));
        assert_eq!(
            top_left.map(|(column, row, _, _)| (column, row)),
            Some((4, 4)),
            "finder pattern starts after the quiet zone"
        );
    }

    #[test]
    fn penalty_of_all_dark_grid() {
        // 12 lines with a run of 6 (4 points each), 25 blocks of 2 × 2 (3 points each), no
        // finder-like pattern, and a 50 % deviation from balance (100 points).
        let dark = vec![true; 36];
        let grid = Grid::new(&dark, 6);
        assert_eq!(grid.run_penalty(), 12 * 4);
        assert_eq!(grid.block_penalty(), 25 * 3);
        assert_eq!(grid.finder_penalty(), 0);
        assert_eq!(grid.balance_penalty(), 100);
        assert_eq!(penalty(&dark, 6), 48 + 75 + 100);
    }

    #[test]
    fn finder_like_pattern_scores_40() {
        let width = 11;
        let mut dark = vec![false; width * width];
        for (x, &is_dark) in [true, false, true, true, true, false, true]
            .iter()
            .enumerate()
        {
            dark[5 * width + x] = is_dark;
        }
        let grid = Grid::new(&dark, width);
        assert_eq!(grid.finder_penalty(), 40);

        // Without four light modules on either side it is not finder-like.
        let mut shifted = vec![false; width * width];
        for (x, &is_dark) in [
            true, true, false, true, false, true, true, true, false, true, true,
        ]
        .iter()
        .enumerate()
        {
            shifted[5 * width + x] = is_dark;
        }
        let grid = Grid::new(&shifted, width);
        assert_eq!(grid.finder_penalty(), 0);
    }

    #[test]
    fn matches_qrcode_symbol_size() {
        let payload = "https://perpustakaan.mojokertokota.go.id/anggota/26120400001";
        let ours = QrSymbol::encode(payload).expect("encodes");
        let reference =
            qrcode::QrCode::with_error_correction_level(payload, EC_LEVEL).expect("encodes");
        assert_eq!(ours.width, reference.width());
    }

    #[test]
    fn rectangles_cover_exactly_the_dark_modules() {
        let width = 5;
        #[rustfmt::skip]
        let dark = [
            true, true, false, true, true,
            true, true, false, false, true,
            false, true, true, true, false,
            false, true, true, true, false,
            true, false, false, false, true,
        ];
        let rects = dark_rectangles(&dark, width);
        let mut covered = [0; 25];
        for (x, y, w, h) in &rects {
            for row in *y..y + h {
                for column in *x..x + w {
                    covered[row * width + column] += 1;
                }
            }
        }
        for (index, &is_dark) in dark.iter().enumerate() {
            assert_eq!(covered[index], usize::from(is_dark), "module {index}");
        }
        assert!(rects.contains(&(0, 0, 2, 2)), "{rects:?}");
        assert!(rects.contains(&(1, 2, 3, 2)), "{rects:?}");
    }

    #[test]
    fn empty_payload_rejected() {
        assert_eq!(
            QrSymbol::encode("  ").err(),
            Some(CardError::MissingField {
                field: "qr_payload"
            })
        );
    }

    #[test]
    fn oversized_payload_rejected() {
        let payload = "x".repeat(3000);
        assert_eq!(
            QrSymbol::encode(&payload).err(),
            Some(CardError::QrPayloadTooLong { bytes: 3000 })
        );
    }
}
