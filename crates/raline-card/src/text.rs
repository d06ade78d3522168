//! Text shaping with per-character font fallback, line breaking and shrink-to-fit.
//!
//! Widths inside this module are in em (multiples of the font size) unless a name says `pt`,
//! so one shaping pass serves every font size tried while fitting.

use std::ops::Range;

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::fonts::{FaceId, FontSet, Weight};

/// Printed in place of a character that no built-in font has.
const REPLACEMENT: char = '\u{FFFD}';
const ELLIPSIS: &str = "\u{2026}";
/// Slack for comparing float widths, in em.
const EPSILON: f32 = 1e-4;
/// Step between font sizes tried while shrinking, in points.
const SIZE_STEP_PT: f32 = 0.25;
/// Text is set up to this much smaller when that saves a line: a one-line name at 88 % of
/// the size reads better than the same name broken over two lines.
const FEWER_LINES_MIN_SCALE: f32 = 0.88;

/// Normalises one line of input for printing: NFC, every whitespace or control character
/// becomes a space, runs of spaces collapse to one, and both ends are trimmed.
pub(crate) fn normalize_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfc() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Uppercases with Unicode rules (for example `ß` becomes `SS`) and keeps the result in NFC,
/// because uppercasing can produce decomposed sequences.
pub(crate) fn uppercase(text: &str) -> String {
    text.to_uppercase().nfc().collect()
}

/// Code points that shaping hides (zero width), such as joiners, variation selectors and
/// bidi controls. They stay in the current font run instead of being replaced.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Ideographs, kana and Hangul, between which a line may break without a space.
fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{1100}'..='\u{11FF}'
            | '\u{2E80}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7AF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FF00}'..='\u{FFEF}'
            | '\u{20000}'..='\u{3FFFF}'
    )
}

/// One positioned glyph. Advances and offsets are in em.
#[derive(Clone, Debug)]
struct ShapedGlyph {
    face: FaceId,
    glyph_id: u32,
    /// Bytes of `ShapedText::text` that this glyph's cluster covers.
    cluster: Range<usize>,
    x_advance: f32,
    x_offset: f32,
    y_offset: f32,
}

/// A possible line end: the line stops at `end` and the next one starts at `next`, which
/// skips the spaces between them.
#[derive(Clone, Copy, Debug)]
struct Break {
    end: usize,
    next: usize,
}

/// Text shaped once at 1 em, with the cluster boundaries needed to measure any part of it.
#[derive(Clone, Debug)]
pub(crate) struct ShapedText {
    text: String,
    glyphs: Vec<ShapedGlyph>,
    /// Sorted byte offsets where a cluster starts, plus `text.len()`. Lines only start and
    /// end on these, so no cluster (a letter with its marks, a ligature) is split.
    boundaries: Vec<usize>,
    /// `advance_before[i]` is the summed advance of all clusters before `boundaries[i]`.
    advance_before: Vec<f32>,
    /// Possible line ends in text order, ending with the end of the text.
    breaks: Vec<Break>,
}

impl ShapedText {
    /// Shapes `text`, choosing a face per character from the fallback chain of `weight`.
    /// Characters that no face has become U+FFFD, or are dropped if no face has that either.
    pub(crate) fn shape(fonts: &FontSet, text: &str, weight: Weight) -> ShapedText {
        let text = substitute_missing(fonts, text, weight);
        let mut glyphs = Vec::with_capacity(text.len());

        for run in split_runs(fonts, &text, weight) {
            let face = fonts.face(run.face);
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(&text[run.range.clone()]);
            buffer.guess_segment_properties();
            buffer.set_direction(if run.right_to_left {
                rustybuzz::Direction::RightToLeft
            } else {
                rustybuzz::Direction::LeftToRight
            });
            let output = rustybuzz::shape(&face.shaping, &[], buffer);

            for (info, position) in output.glyph_infos().iter().zip(output.glyph_positions()) {
                let start = run.range.start + info.cluster as usize;
                glyphs.push(ShapedGlyph {
                    face: run.face,
                    glyph_id: info.glyph_id,
                    // The end is filled in below, once all cluster starts are known.
                    cluster: start..start,
                    x_advance: position.x_advance as f32 / face.units_per_em,
                    x_offset: position.x_offset as f32 / face.units_per_em,
                    y_offset: position.y_offset as f32 / face.units_per_em,
                });
            }
        }

        let mut boundaries: Vec<usize> = glyphs.iter().map(|glyph| glyph.cluster.start).collect();
        boundaries.push(text.len());
        boundaries.sort_unstable();
        boundaries.dedup();

        let mut advance_at = vec![0.0_f32; boundaries.len()];
        for glyph in &mut glyphs {
            let index = boundaries.partition_point(|&b| b <= glyph.cluster.start) - 1;
            glyph.cluster.end = boundaries.get(index + 1).copied().unwrap_or(text.len());
            advance_at[index] += glyph.x_advance;
        }
        let mut advance_before = Vec::with_capacity(boundaries.len());
        let mut sum = 0.0;
        for advance in advance_at {
            advance_before.push(sum);
            sum += advance;
        }

        let mut shaped = ShapedText {
            text,
            glyphs,
            boundaries,
            advance_before,
            breaks: Vec::new(),
        };
        shaped.breaks = shaped.find_breaks();
        shaped
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Width of the clusters in `start..end`, in em. Offsets that are not cluster boundaries
    /// round down to the previous boundary.
    pub(crate) fn width(&self, start: usize, end: usize) -> f32 {
        self.advance_at(end) - self.advance_at(start)
    }

    fn advance_at(&self, offset: usize) -> f32 {
        let index = self.boundaries.partition_point(|&b| b <= offset);
        index
            .checked_sub(1)
            .and_then(|i| self.advance_before.get(i))
            .copied()
            .unwrap_or(0.0)
    }

    fn is_boundary(&self, offset: usize) -> bool {
        self.boundaries.binary_search(&offset).is_ok()
    }

    /// Finds the possible line ends: at spaces, after hyphens and slashes, and next to CJK
    /// characters.
    fn find_breaks(&self) -> Vec<Break> {
        let mut breaks = Vec::new();
        let mut previous: Option<(usize, char)> = None;
        let mut chars = self.text.char_indices().peekable();

        while let Some((offset, c)) = chars.next() {
            if c == ' ' {
                let mut next = offset + 1;
                while let Some(&(o, ' ')) = chars.peek() {
                    next = o + 1;
                    chars.next();
                }
                breaks.push(Break { end: offset, next });
                previous = Some((offset, ' '));
                continue;
            }
            if let Some((_, before)) = previous {
                let cjk_pair = is_cjk(before) || is_cjk(c);
                let after_hyphen = matches!(before, '-' | '\u{2010}' | '/');
                if (cjk_pair || after_hyphen) && before != ' ' && self.is_boundary(offset) {
                    breaks.push(Break {
                        end: offset,
                        next: offset,
                    });
                }
            }
            previous = Some((offset, c));
        }

        breaks.push(Break {
            end: self.text.len(),
            next: self.text.len(),
        });
        breaks
    }

    /// Breaks the text into lines. The first line may be `first_width` em wide, later lines
    /// `rest_width` em. Returns `None` if a word is wider than its line and `split_words` is
    /// false. With `split_words`, such a word is cut at a cluster boundary instead.
    fn wrap(
        &self,
        first_width: f32,
        rest_width: f32,
        split_words: bool,
    ) -> Option<Vec<Range<usize>>> {
        let mut lines: Vec<Range<usize>> = Vec::new();
        let mut start = 0;
        let mut last_fit: Option<Break> = None;
        let mut index = 0;

        while let Some(&candidate) = self.breaks.get(index) {
            if candidate.end <= start {
                index += 1;
                continue;
            }
            let available = if lines.is_empty() {
                first_width
            } else {
                rest_width
            };
            if self.width(start, candidate.end) <= available + EPSILON {
                last_fit = Some(candidate);
                index += 1;
                continue;
            }
            match last_fit.take() {
                // Close the line at the last break that fitted, then try this break again.
                Some(fit) => {
                    lines.push(start..fit.end);
                    start = fit.next;
                }
                None if split_words => {
                    let cut = self.last_fitting_boundary(start, candidate.end, available);
                    lines.push(start..cut);
                    start = cut;
                }
                None => return None,
            }
        }
        if let Some(fit) = last_fit {
            lines.push(start..fit.end);
        }
        Some(lines)
    }

    /// Re-wraps into at most `lines.len()` lines of the most even width, so a two-line name
    /// does not end with one short word. Finds the narrowest width that still needs no more
    /// lines by bisection.
    fn balance(&self, lines: Vec<Range<usize>>, width: f32) -> Vec<Range<usize>> {
        let count = lines.len();
        if count < 2 {
            return lines;
        }
        let mut best = lines;
        let mut low = 0.0;
        let mut high = width;
        for _ in 0..12 {
            let middle = (low + high) / 2.0;
            match self.wrap(middle, middle, false) {
                Some(candidate) if candidate.len() <= count => {
                    best = candidate;
                    high = middle;
                }
                _ => low = middle,
            }
        }
        best
    }

    /// Returns the last cluster boundary in `start+1..=end` up to which the text fits in
    /// `available` em, or the first boundary after `start` if not even one cluster fits, so
    /// that wrapping always makes progress.
    fn last_fitting_boundary(&self, start: usize, end: usize, available: f32) -> usize {
        let first = self.boundaries.partition_point(|&b| b <= start);
        let mut cut = self.boundaries.get(first).copied().unwrap_or(end).min(end);
        for &boundary in &self.boundaries[first..] {
            if boundary > end || self.width(start, boundary) > available + EPSILON {
                break;
            }
            cut = boundary;
        }
        cut
    }

    /// Draws the clusters in `range` with the left end of the baseline at `origin`. The fill
    /// of `surface` gives the colour.
    pub(crate) fn draw(
        &self,
        surface: &mut Surface<'_>,
        fonts: &FontSet,
        range: Range<usize>,
        origin: Point,
        size_pt: f32,
    ) {
        let mut x = origin.x;
        let mut run: Vec<KrillaGlyph> = Vec::new();
        let mut run_face: Option<FaceId> = None;
        let mut run_x = x;

        let in_range = self
            .glyphs
            .iter()
            .filter(|glyph| glyph.cluster.start >= range.start && glyph.cluster.start < range.end);
        for glyph in in_range {
            if run_face != Some(glyph.face) {
                if let Some(face) = run_face {
                    let start = Point::from_xy(run_x, origin.y);
                    let font = fonts.face(face).pdf.clone();
                    surface.draw_glyphs(start, &run, font, &self.text, size_pt, false);
                    run.clear();
                }
                run_face = Some(glyph.face);
                run_x = x;
            }
            run.push(KrillaGlyph::new(
                GlyphId::new(glyph.glyph_id),
                glyph.x_advance,
                glyph.x_offset,
                glyph.y_offset,
                0.0,
                glyph.cluster.clone(),
                None,
            ));
            x += glyph.x_advance * size_pt;
        }
        if let Some(face) = run_face {
            let start = Point::from_xy(run_x, origin.y);
            let font = fonts.face(face).pdf.clone();
            surface.draw_glyphs(start, &run, font, &self.text, size_pt, false);
        }
    }
}

/// Replaces characters that no face of the chain has, so shaping never emits `.notdef`.
fn substitute_missing(fonts: &FontSet, text: &str, weight: Weight) -> String {
    let replacement = fonts
        .face_for_char(REPLACEMENT, weight)
        .map(|_| REPLACEMENT);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' || is_default_ignorable(c) || fonts.face_for_char(c, weight).is_some() {
            out.push(c);
        } else if let Some(replacement) = replacement {
            out.push(replacement);
        }
    }
    out
}

/// A stretch of text shaped in one call: one face and one direction.
#[derive(Clone, Debug, PartialEq)]
struct Run {
    range: Range<usize>,
    face: FaceId,
    right_to_left: bool,
}

/// Splits text into runs of one face and one direction. Spaces, hidden code points and
/// combining marks that the current face covers stay in the current run, so marks are
/// positioned on their base letter.
///
/// NOTE: This is not the full Unicode bidirectional algorithm. Runs are laid out left to
/// right, and each right-to-left run (Hebrew, Arabic and similar letters) is reversed on its
/// own. That prints a Hebrew or Arabic name inside Latin text correctly, but digits inside a
/// right-to-left run are reversed too.
fn split_runs(fonts: &FontSet, text: &str, weight: Weight) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (offset, c) in text.char_indices() {
        let end = offset + c.len_utf8();
        if let Some(run) = runs.last_mut() {
            let covered = fonts.face(run.face).shaping.glyph_index(c).is_some();
            let stays = c == ' ' || is_default_ignorable(c) || (is_combining_mark(c) && covered);
            if stays {
                run.range.end = end;
                continue;
            }
        }
        let face = fonts
            .face_for_char(c, weight)
            .unwrap_or(FontSet::primary(weight));
        let right_to_left = is_right_to_left(c);
        match runs.last_mut() {
            Some(run) if run.face == face && run.right_to_left == right_to_left => {
                run.range.end = end
            }
            _ => runs.push(Run {
                range: offset..end,
                face,
                right_to_left,
            }),
        }
    }

    // Spaces at the end of a right-to-left run belong between it and the next run. Inside
    // the run, shaping would move them to its left side.
    let mut split = Vec::with_capacity(runs.len());
    for mut run in runs {
        let trimmed_end = run.range.start + text[run.range.clone()].trim_end_matches(' ').len();
        if run.right_to_left && trimmed_end < run.range.end && trimmed_end > run.range.start {
            split.push(Run {
                range: trimmed_end..run.range.end,
                face: run.face,
                right_to_left: false,
            });
            run.range.end = trimmed_end;
            let spaces = split.pop();
            split.push(run);
            split.extend(spaces);
        } else {
            split.push(run);
        }
    }
    split
}

/// Letters of scripts written right to left.
fn is_right_to_left(c: char) -> bool {
    matches!(
        c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}'
    )
}

/// One line of a [`TextBlock`]: a range of its paragraph's text and an indent in em.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    paragraph: usize,
    range: Range<usize>,
    indent: f32,
    /// Extra space above this line, in em, used between paragraphs.
    space_before: f32,
}

/// Text broken into lines at one font size, ready to draw.
#[derive(Clone, Debug)]
pub(crate) struct TextBlock {
    paragraphs: Vec<ShapedText>,
    lines: Vec<Line>,
    size_pt: f32,
    /// Baseline-to-baseline distance as a multiple of the font size.
    line_spacing: f32,
    ascent: f32,
    descent: f32,
    /// True if text was cut and an ellipsis added because it did not fit at the minimum size.
    #[cfg_attr(not(test), allow(dead_code))]
    truncated: bool,
}

/// Horizontal alignment of lines inside their box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
}

/// Limits for fitting text into a box. Sizes are in points.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FitBox {
    pub(crate) width_pt: f32,
    pub(crate) height_pt: f32,
    pub(crate) max_lines: usize,
    pub(crate) max_size_pt: f32,
    pub(crate) min_size_pt: f32,
    /// Baseline-to-baseline distance as a multiple of the font size.
    pub(crate) line_spacing: f32,
}

/// Weight, size and spacing of text that wraps at one fixed size, such as a letter's body.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextStyle {
    pub(crate) weight: Weight,
    pub(crate) size_pt: f32,
    /// Baseline-to-baseline distance as a multiple of the font size.
    pub(crate) line_spacing: f32,
    /// Extra space between paragraphs, in em.
    pub(crate) paragraph_gap: f32,
}

impl FitBox {
    /// Height of `lines` lines plus `paragraph_gaps` em of extra space, in points.
    fn block_height(
        &self,
        fonts: &FontSet,
        size_pt: f32,
        lines: usize,
        paragraph_gaps: f32,
    ) -> f32 {
        if lines == 0 {
            return 0.0;
        }
        let inner = (lines - 1) as f32 * self.line_spacing + paragraph_gaps;
        size_pt * (fonts.ascent() + fonts.descent() + inner)
    }

    /// Number of lines at `size_pt` that fit both `max_lines` and the height.
    pub(crate) fn lines_that_fit(&self, fonts: &FontSet, size_pt: f32) -> usize {
        let first = size_pt * (fonts.ascent() + fonts.descent());
        if first > self.height_pt + EPSILON {
            return 0;
        }
        let more = ((self.height_pt - first) / (size_pt * self.line_spacing) + EPSILON).floor();
        (1 + more as usize).min(self.max_lines)
    }

    /// Font sizes to try, from the largest down to the smallest.
    fn sizes(&self) -> impl Iterator<Item = f32> {
        let max = self.max_size_pt;
        let min = self.min_size_pt.min(max);
        let steps = ((max - min) / SIZE_STEP_PT).floor() as usize;
        (0..=steps).map(move |i| (max - i as f32 * SIZE_STEP_PT).max(min))
    }
}

impl TextBlock {
    /// Fits one paragraph into `fit`: the largest size at which it wraps at spaces (or
    /// between CJK characters) into the allowed lines, or a size down to
    /// [`FEWER_LINES_MIN_SCALE`] of that if it needs fewer lines. Lines are then balanced.
    /// If no size works, the text is set at the minimum size, long words are cut, and the
    /// last line ends with an ellipsis.
    pub(crate) fn fit(fonts: &FontSet, text: &str, weight: Weight, fit: &FitBox) -> TextBlock {
        let shaped = ShapedText::shape(fonts, text, weight);

        // The largest size that fits, unless a slightly smaller size needs fewer lines.
        let mut best: Option<(f32, Vec<Range<usize>>)> = None;
        for size_pt in fit.sizes() {
            if let Some((best_size, _)) = &best
                && size_pt < best_size * FEWER_LINES_MIN_SCALE
            {
                break;
            }
            let allowed = fit.lines_that_fit(fonts, size_pt);
            if allowed == 0 {
                continue;
            }
            let width = fit.width_pt / size_pt;
            let Some(lines) = shaped.wrap(width, width, false) else {
                continue;
            };
            let fewer = best
                .as_ref()
                .is_none_or(|(_, best_lines)| lines.len() < best_lines.len());
            if lines.len() <= allowed && fewer {
                let single_line = lines.len() == 1;
                best = Some((size_pt, lines));
                if single_line {
                    break;
                }
            }
        }
        if let Some((size_pt, lines)) = best {
            let lines = shaped.balance(lines, fit.width_pt / size_pt);
            return TextBlock::single(fonts, shaped, lines, size_pt, fit, false);
        }

        let size_pt = fit.min_size_pt;
        let width = fit.width_pt / size_pt;
        let allowed = fit.lines_that_fit(fonts, size_pt).max(1);
        let lines = shaped.wrap(width, width, true).unwrap_or_default();
        if lines.len() <= allowed {
            return TextBlock::single(fonts, shaped, lines, size_pt, fit, false);
        }
        let (shaped, lines) =
            truncate_with_ellipsis(fonts, &shaped, &lines[..allowed], width, weight);
        TextBlock::single(fonts, shaped, lines, size_pt, fit, true)
    }

    fn single(
        fonts: &FontSet,
        shaped: ShapedText,
        lines: Vec<Range<usize>>,
        size_pt: f32,
        fit: &FitBox,
        truncated: bool,
    ) -> TextBlock {
        let lines = lines
            .into_iter()
            .map(|range| Line {
                paragraph: 0,
                range,
                indent: 0.0,
                space_before: 0.0,
            })
            .collect();
        TextBlock {
            paragraphs: vec![shaped],
            lines,
            size_pt,
            line_spacing: fit.line_spacing,
            ascent: fonts.ascent(),
            descent: fonts.descent(),
            truncated,
        }
    }

    /// Fits several paragraphs, such as numbered rules, at the largest common size. A
    /// paragraph that starts with a list marker (`1.`, `a)`, `-`, `•`) gets a hanging indent
    /// so its wrapped lines align with the text after the marker. `paragraph_gap` is extra
    /// space between paragraphs in em.
    ///
    /// Returns `Err((lines_needed, lines_that_fit))` at the minimum size if the text is too
    /// long, instead of cutting text that the reader must see.
    pub(crate) fn fit_paragraphs(
        fonts: &FontSet,
        paragraphs: &[String],
        weight: Weight,
        fit: &FitBox,
        paragraph_gap: f32,
    ) -> Result<TextBlock, (usize, usize)> {
        let shaped: Vec<ShapedText> = paragraphs
            .iter()
            .map(|text| ShapedText::shape(fonts, text, weight))
            .collect();
        let indents: Vec<f32> = shaped.iter().map(hanging_indent).collect();
        let gaps = paragraph_gap * shaped.len().saturating_sub(1) as f32;

        let mut needed_at_min = 0;
        for size_pt in fit.sizes() {
            let lines =
                wrap_paragraph_lines(&shaped, &indents, fit.width_pt / size_pt, paragraph_gap);
            let height = fit.block_height(fonts, size_pt, lines.len(), gaps);
            if lines.len() <= fit.max_lines && height <= fit.height_pt + EPSILON {
                return Ok(TextBlock {
                    paragraphs: shaped,
                    lines,
                    size_pt,
                    line_spacing: fit.line_spacing,
                    ascent: fonts.ascent(),
                    descent: fonts.descent(),
                    truncated: false,
                });
            }
            needed_at_min = lines.len();
        }
        let available = fit.lines_that_fit(fonts, fit.min_size_pt);
        Err((needed_at_min, available))
    }

    /// Wraps paragraphs at the fixed size of `style` into lines of at most `width_pt`, with
    /// no limit on the number of lines, for text that flows over pages. A word wider than the
    /// line is cut at a cluster boundary. List markers get a hanging indent as in
    /// [`TextBlock::fit_paragraphs`].
    pub(crate) fn wrap(
        fonts: &FontSet,
        paragraphs: &[String],
        style: &TextStyle,
        width_pt: f32,
    ) -> TextBlock {
        let shaped: Vec<ShapedText> = paragraphs
            .iter()
            .map(|text| ShapedText::shape(fonts, text, style.weight))
            .collect();
        let indents: Vec<f32> = shaped.iter().map(hanging_indent).collect();
        let lines = wrap_paragraph_lines(
            &shaped,
            &indents,
            width_pt / style.size_pt,
            style.paragraph_gap,
        );
        TextBlock {
            paragraphs: shaped,
            lines,
            size_pt: style.size_pt,
            line_spacing: style.line_spacing,
            ascent: fonts.ascent(),
            descent: fonts.descent(),
            truncated: false,
        }
    }

    #[cfg(test)]
    pub(crate) fn size_pt(&self) -> f32 {
        self.size_pt
    }

    pub(crate) fn line_count(&self) -> usize {
        self.lines.len()
    }

    #[cfg(test)]
    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }

    /// Text of each line.
    #[cfg(test)]
    pub(crate) fn line_texts(&self) -> Vec<&str> {
        self.lines
            .iter()
            .map(|line| &self.paragraphs[line.paragraph].text[line.range.clone()])
            .collect()
    }

    /// Width of each line including its indent, in points.
    pub(crate) fn line_widths_pt(&self) -> Vec<f32> {
        self.lines
            .iter()
            .map(|line| {
                let text = &self.paragraphs[line.paragraph];
                (line.indent + text.width(line.range.start, line.range.end)) * self.size_pt
            })
            .collect()
    }

    /// Height from the top of the first line box to the bottom of the last, in points.
    pub(crate) fn height_pt(&self) -> f32 {
        let Some(_) = self.lines.first() else {
            return 0.0;
        };
        let gaps: f32 = self.lines.iter().map(|line| line.space_before).sum();
        let inner = (self.lines.len() - 1) as f32 * self.line_spacing + gaps;
        self.size_pt * (self.ascent + self.descent + inner)
    }

    /// Distance from the top of the block to the first baseline, in points.
    pub(crate) fn first_baseline_pt(&self) -> f32 {
        self.size_pt * self.ascent
    }

    /// Height of one line box, from the ascent to the descent, in points.
    pub(crate) fn line_box_height_pt(&self) -> f32 {
        self.size_pt * (self.ascent + self.descent)
    }

    /// Distance from each line's baseline to the next line's baseline, including the gap
    /// before a new paragraph, in points. There is one entry per line after the first.
    pub(crate) fn baseline_steps_pt(&self) -> Vec<f32> {
        self.lines
            .iter()
            .skip(1)
            .map(|line| self.size_pt * (self.line_spacing + line.space_before))
            .collect()
    }

    /// Draws the block with its top-left corner at (`x`, `top`), aligning each line inside
    /// `width_pt`.
    pub(crate) fn draw(
        &self,
        surface: &mut Surface<'_>,
        fonts: &FontSet,
        x: f32,
        top: f32,
        width_pt: f32,
        align: Align,
    ) {
        self.draw_lines(surface, fonts, 0..self.lines.len(), x, top, width_pt, align);
    }

    /// Draws the lines in `lines` with the top of the first one at `top`, as [`Self::draw`]
    /// does for the whole block. The paragraph gap above the first drawn line is left out,
    /// because that line starts a page or a box. Indices past the last line are ignored.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn draw_lines(
        &self,
        surface: &mut Surface<'_>,
        fonts: &FontSet,
        lines: Range<usize>,
        x: f32,
        top: f32,
        width_pt: f32,
        align: Align,
    ) {
        let end = lines.end.min(self.lines.len());
        let start = lines.start.min(end);
        let widths = self.line_widths_pt();
        let mut baseline = top + self.first_baseline_pt();
        let visible = self.lines[start..end]
            .iter()
            .zip(widths[start..end].iter().copied());
        for (index, (line, line_width)) in visible.enumerate() {
            if index > 0 {
                baseline += self.size_pt * (self.line_spacing + line.space_before);
            }
            let offset = match align {
                Align::Left => line.indent * self.size_pt,
                Align::Center => {
                    ((width_pt - line_width) / 2.0).max(0.0) + line.indent * self.size_pt
                }
            };
            self.paragraphs[line.paragraph].draw(
                surface,
                fonts,
                line.range.clone(),
                Point::from_xy(x + offset, baseline),
                self.size_pt,
            );
        }
    }
}

/// Wraps shaped paragraphs into lines of at most `width` em, cutting words that do not fit.
/// Continuation lines of a paragraph are indented by its entry in `indents`, and the first
/// line of every paragraph after the first gets `paragraph_gap` em of space above it.
fn wrap_paragraph_lines(
    shaped: &[ShapedText],
    indents: &[f32],
    width: f32,
    paragraph_gap: f32,
) -> Vec<Line> {
    let mut lines = Vec::new();
    for (index, (text, indent)) in shaped.iter().zip(indents).enumerate() {
        let wrapped = text.wrap(width, width - indent, true).unwrap_or_default();
        for (number, range) in wrapped.into_iter().enumerate() {
            lines.push(Line {
                paragraph: index,
                range,
                indent: if number == 0 { 0.0 } else { *indent },
                space_before: if number == 0 && index > 0 {
                    paragraph_gap
                } else {
                    0.0
                },
            });
        }
    }
    lines
}

/// Width of a leading list marker and the space after it, in em, or 0 without a marker.
fn hanging_indent(shaped: &ShapedText) -> f32 {
    let text = shaped.text();
    let Some(space) = text.find(' ') else {
        return 0.0;
    };
    let marker = &text[..space];
    let is_marker = match marker {
        "-" | "\u{2022}" | "*" | "\u{2013}" => true,
        _ => {
            let body = marker.trim_end_matches(['.', ')']);
            marker.len() > body.len()
                && !body.is_empty()
                && body.len() <= 3
                && (body.chars().all(|c| c.is_ascii_digit())
                    || body.chars().all(|c| c.is_ascii_lowercase()))
        }
    };
    if is_marker {
        shaped.width(0, space + 1)
    } else {
        0.0
    }
}

/// Keeps `lines` and replaces the end of the last one with an ellipsis so it fits in
/// `width` em. Returns the reshaped text and the new line ranges.
fn truncate_with_ellipsis(
    fonts: &FontSet,
    shaped: &ShapedText,
    lines: &[Range<usize>],
    width: f32,
    weight: Weight,
) -> (ShapedText, Vec<Range<usize>>) {
    let ellipsis_width = ShapedText::shape(fonts, ELLIPSIS, weight).width(0, ELLIPSIS.len());
    let mut lines = lines.to_vec();
    let Some(last) = lines.pop() else {
        return (shaped.clone(), Vec::new());
    };

    let mut cut =
        shaped.last_fitting_boundary(last.start, last.end, (width - ellipsis_width).max(0.0));
    loop {
        let visible = shaped.text[..cut].trim_end();
        let text = format!("{visible}{ELLIPSIS}");
        let reshaped = ShapedText::shape(fonts, &text, weight);
        let fits = reshaped.width(last.start, text.len()) <= width + EPSILON;
        // Kerning at the joint can make the reshaped line a little wider. Then one more
        // cluster is cut, but never the whole line.
        let previous = shaped
            .boundaries
            .partition_point(|&b| b < cut)
            .checked_sub(1);
        match previous.map(|i| shaped.boundaries[i]) {
            Some(earlier) if !fits && earlier > last.start => cut = earlier,
            _ => {
                lines.push(last.start..text.len());
                return (reshaped, lines);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> &'static FontSet {
        FontSet::get().expect("built-in fonts parse")
    }

    fn name_box() -> FitBox {
        FitBox {
            width_pt: 160.0,
            height_pt: 30.0,
            max_lines: 3,
            max_size_pt: 10.0,
            min_size_pt: 6.0,
            line_spacing: 1.1,
        }
    }

    #[test]
    fn normalize_collapses_whitespace() {
        assert_eq!(
            normalize_line("  Sri\t\tHartini \n S.H. "),
            "Sri Hartini S.H."
        );
        assert_eq!(normalize_line("\u{0000}A\u{0007}B"), "A B");
        assert_eq!(normalize_line(""), "");
    }

    #[test]
    fn normalize_composes_nfc() {
        // "ễ" as e + combining circumflex + combining tilde.
        assert_eq!(normalize_line("Nguye\u{0302}\u{0303}n"), "Nguy\u{1EC5}n");
    }

    #[test]
    fn uppercase_is_unicode_aware() {
        assert_eq!(uppercase("Nguyễn Thị Hằng"), "NGUYỄN THỊ HẰNG");
        assert_eq!(uppercase("Ma'ruf Nur’aini"), "MA'RUF NUR’AINI");
        assert_eq!(uppercase("Straße"), "STRASSE");
        assert_eq!(uppercase("李娜"), "李娜");
    }

    #[test]
    fn width_scales_with_text() {
        let shaped = ShapedText::shape(fonts(), "MMMM", Weight::Regular);
        let two = shaped.width(0, 2);
        let four = shaped.width(0, 4);
        assert!(two > 0.5, "two M are at least half an em wide, got {two}");
        assert!((four - 2.0 * two).abs() < 1e-3);
        assert_eq!(shaped.width(4, 4), 0.0);
    }

    #[test]
    fn missing_character_is_replaced() {
        let shaped = ShapedText::shape(fonts(), "A\u{E000}B", Weight::Regular);
        assert_eq!(shaped.text(), "A\u{FFFD}B");
        assert_eq!(shaped.glyphs.len(), 3);
        assert!(shaped.glyphs.iter().all(|glyph| glyph.glyph_id != 0));
    }

    #[test]
    fn mixed_scripts_use_fallback_faces() {
        let shaped = ShapedText::shape(fonts(), "LI 李娜 שלום", Weight::Bold);
        let faces: Vec<FaceId> = shaped.glyphs.iter().map(|glyph| glyph.face).collect();
        assert!(faces.windows(2).any(|pair| pair[0] != pair[1]));
        assert!(shaped.glyphs.iter().all(|glyph| glyph.glyph_id != 0));
    }

    #[test]
    fn hebrew_run_reversed_alone() {
        let text = "AB \u{05E9}\u{05DC}\u{05D5}\u{05DD} CD";
        let runs = split_runs(fonts(), text, Weight::Regular);
        let hebrew: Vec<&Run> = runs.iter().filter(|run| run.right_to_left).collect();
        assert_eq!(hebrew.len(), 1);
        assert_eq!(
            &text[hebrew[0].range.clone()],
            "\u{05E9}\u{05DC}\u{05D5}\u{05DD}"
        );

        let shaped = ShapedText::shape(fonts(), text, Weight::Regular);
        let clusters: Vec<usize> = shaped
            .glyphs
            .iter()
            .map(|glyph| glyph.cluster.start)
            .collect();
        // Latin letters and spaces keep logical order, and the Hebrew letters appear last first.
        assert_eq!(&clusters[..3], &[0, 1, 2]);
        assert_eq!(&clusters[3..7], &[9, 7, 5, 3]);
        assert_eq!(&clusters[7..], &[11, 12, 13]);
    }

    #[test]
    fn short_name_one_line_at_max_size() {
        let block = TextBlock::fit(fonts(), "SITI AMINAH", Weight::Bold, &name_box());
        assert_eq!(block.line_texts(), vec!["SITI AMINAH"]);
        assert_eq!(block.size_pt(), 10.0);
        assert!(!block.truncated());
    }

    #[test]
    fn long_name_wraps_within_box() {
        let name =
            uppercase("Raden Mas Muhammad Abdurrahman Wahyu Kusumaningrat Hadiningrat Santosa");
        assert_eq!(name.chars().count(), 70);
        let fit = name_box();
        let block = TextBlock::fit(fonts(), &name, Weight::Bold, &fit);
        assert!(
            block.line_count() >= 2 && block.line_count() <= 3,
            "{:?}",
            block.line_texts()
        );
        assert!(!block.truncated());
        for width in block.line_widths_pt() {
            assert!(
                width <= fit.width_pt + 0.01,
                "line width {width} pt exceeds box"
            );
        }
        assert!(block.height_pt() <= fit.height_pt + 0.01);
        assert_eq!(block.line_texts().join(" "), name);
    }

    #[test]
    fn shrinks_before_wrapping_beyond_max_lines() {
        let fit = FitBox {
            max_lines: 1,
            ..name_box()
        };
        let name = "PROF. DR. SRI HARTINI, S.H., M.HUM.";
        let block = TextBlock::fit(fonts(), name, Weight::Bold, &fit);
        assert_eq!(block.line_count(), 1);
        assert!(block.size_pt() < 10.0);
        assert!(block.line_widths_pt()[0] <= fit.width_pt + 0.01);
    }

    #[test]
    fn one_line_preferred_if_slightly_smaller() {
        let name = "PROF. DR. SRI HARTINI, S.H., M.HUM.";
        let shaped = ShapedText::shape(fonts(), name, Weight::Bold);
        let width_em = shaped.width(0, name.len());

        // One line fits at 9 pt, 90 % of the 10 pt maximum, so one line wins.
        let fit = FitBox {
            width_pt: width_em * 9.0 + 0.01,
            ..name_box()
        };
        let block = TextBlock::fit(fonts(), name, Weight::Bold, &fit);
        assert_eq!(block.line_count(), 1);
        assert_eq!(block.size_pt(), 9.0);

        // One line would need 8 pt, 80 % of the maximum, so two lines at 10 pt win.
        let fit = FitBox {
            width_pt: width_em * 8.0 + 0.01,
            ..name_box()
        };
        let block = TextBlock::fit(fonts(), name, Weight::Bold, &fit);
        assert_eq!(block.line_count(), 2);
        assert_eq!(block.size_pt(), 10.0);
    }

    #[test]
    fn wrapped_lines_are_balanced() {
        let name = "RADEN MAS MUHAMMAD ABDURRAHMAN SANTOSA";
        let shaped = ShapedText::shape(fonts(), name, Weight::Bold);
        let greedy_first = "RADEN MAS MUHAMMAD ABDURRAHMAN";
        let fit = FitBox {
            width_pt: shaped.width(0, greedy_first.len()) * 10.0 + 0.01,
            max_lines: 2,
            min_size_pt: 10.0,
            ..name_box()
        };
        let block = TextBlock::fit(fonts(), name, Weight::Bold, &fit);
        let lines = block.line_texts();
        assert_eq!(lines.len(), 2);
        assert_ne!(
            lines[0], greedy_first,
            "greedy wrapping leaves one word on line two"
        );
        assert!(
            lines[1].contains(' '),
            "second line {:?} has one word",
            lines[1]
        );
    }

    #[test]
    fn unbreakable_text_is_cut_with_ellipsis() {
        let fit = FitBox {
            width_pt: 60.0,
            height_pt: 20.0,
            max_lines: 2,
            max_size_pt: 8.0,
            min_size_pt: 6.0,
            line_spacing: 1.1,
        };
        let text = "W".repeat(200);
        let block = TextBlock::fit(fonts(), &text, Weight::Bold, &fit);
        assert!(block.truncated());
        assert_eq!(block.line_count(), 2);
        assert!(block.line_texts()[1].ends_with(ELLIPSIS));
        for width in block.line_widths_pt() {
            assert!(
                width <= fit.width_pt + 0.01,
                "line width {width} pt exceeds box"
            );
        }
    }

    #[test]
    fn cjk_breaks_without_spaces() {
        let fit = FitBox {
            width_pt: 40.0,
            height_pt: 40.0,
            max_lines: 3,
            max_size_pt: 8.0,
            min_size_pt: 8.0,
            line_spacing: 1.1,
        };
        let block = TextBlock::fit(fonts(), "李娜李娜李娜李娜李娜", Weight::Regular, &fit);
        assert!(block.line_count() >= 2);
        assert!(!block.truncated());
        assert_eq!(block.line_texts().concat(), "李娜李娜李娜李娜李娜");
    }

    #[test]
    fn hyphen_allows_break() {
        let shaped = ShapedText::shape(fonts(), "SARI-WULANDARI", Weight::Bold);
        let first = shaped.width(0, "SARI-".len());
        let lines = shaped
            .wrap(first + 0.1, 100.0, false)
            .expect("fits after the hyphen");
        assert_eq!(
            lines,
            vec![0.."SARI-".len(), "SARI-".len().."SARI-WULANDARI".len()]
        );
    }

    #[test]
    fn empty_text_has_no_lines() {
        let block = TextBlock::fit(fonts(), "", Weight::Regular, &name_box());
        assert_eq!(block.line_count(), 0);
        assert_eq!(block.height_pt(), 0.0);
    }

    #[test]
    fn numbered_rules_get_hanging_indent() {
        let fit = FitBox {
            width_pt: 120.0,
            height_pt: 200.0,
            max_lines: 40,
            max_size_pt: 7.0,
            min_size_pt: 7.0,
            line_spacing: 1.2,
        };
        let paragraphs = vec![
            "1. Kartu ini wajib dibawa setiap kali meminjam buku di perpustakaan.".to_string(),
            "2. Kartu tidak boleh dipindahtangankan.".to_string(),
        ];
        let block = TextBlock::fit_paragraphs(fonts(), &paragraphs, Weight::Regular, &fit, 0.3)
            .expect("fits");
        assert!(block.line_count() >= 3);
        assert_eq!(block.lines[0].indent, 0.0);
        assert!(block.lines[1].indent > 0.0, "continuation line is indented");
    }

    #[test]
    fn too_many_paragraphs_rejected() {
        let fit = FitBox {
            width_pt: 100.0,
            height_pt: 30.0,
            max_lines: 40,
            max_size_pt: 6.0,
            min_size_pt: 5.0,
            line_spacing: 1.2,
        };
        let paragraphs: Vec<String> = (1..=20)
            .map(|i| format!("{i}. Aturan nomor {i}."))
            .collect();
        let result = TextBlock::fit_paragraphs(fonts(), &paragraphs, Weight::Regular, &fit, 0.3);
        let (needed, available) = result.expect_err("twenty lines do not fit in 30 pt");
        assert!(needed > available);
    }
}
