//! Splits the parts of a letter over pages. It works on heights only, so its rules are tested
//! without fonts. All lengths are in points, with y growing down the page.

use std::ops::Range;

/// Slack for comparing float heights, in points.
const EPSILON: f32 = 1e-3;

/// Vertical metrics of one part of the letter, such as the body text or one field row.
#[derive(Clone, Debug, Default)]
pub(super) struct PartMetrics {
    /// Space above the part, left out when the part starts a page.
    pub(super) space_before: f32,
    /// Number of lines. A part without lines takes no space.
    pub(super) lines: usize,
    /// Height of one line box, from ascent to descent.
    pub(super) line_height: f32,
    /// Distance from each line's baseline to the next one's, one entry per line after the
    /// first.
    pub(super) steps: Vec<f32>,
    /// The part is never split over pages.
    pub(super) keep_together: bool,
    /// Lines at the end of the previous part that move to the new page with this part when
    /// it does not fit, so that this part never starts a page alone. The previous part keeps
    /// at least one line on its page.
    pub(super) carry_lines: usize,
}

impl PartMetrics {
    /// Height of the lines in `lines`, from the top of the first line box to the bottom of
    /// the last, or 0 for an empty range.
    fn height(&self, lines: Range<usize>) -> f32 {
        if lines.is_empty() {
            return 0.0;
        }
        let steps: f32 = self
            .steps
            .get(lines.start..lines.end - 1)
            .map_or(0.0, |steps| steps.iter().sum());
        self.line_height + steps
    }

    /// Number of lines from `start` on that fit in `available` points, or 0 if not even the
    /// first fits. A part kept together fits whole or not at all.
    fn lines_fitting(&self, start: usize, available: f32) -> usize {
        if self.keep_together {
            let whole = start == 0 && self.height(0..self.lines) <= available + EPSILON;
            return if whole { self.lines } else { 0 };
        }
        let mut count = 0;
        let mut height = self.line_height;
        while start + count < self.lines && height <= available + EPSILON {
            count += 1;
            height += self.steps.get(start + count - 1).copied().unwrap_or(0.0);
        }
        count
    }
}

/// Content area of the pages.
#[derive(Clone, Copy, Debug)]
pub(super) struct PageArea {
    /// Top of the content on the first page, below the letterhead.
    pub(super) first_top: f32,
    /// Top of the content on every later page.
    pub(super) top: f32,
    /// Bottom of the content on every page.
    pub(super) bottom: f32,
    pub(super) max_pages: usize,
}

/// Lines of one part placed on a page, with the top of their first line box at `top`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Slice {
    /// Index of the part in the slice passed to [`paginate`].
    pub(super) part: usize,
    pub(super) lines: Range<usize>,
    pub(super) top: f32,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum PaginationError {
    /// The parts need more than `max_pages` pages.
    TooManyPages,
    /// The first line of a part, or a part kept together, is taller than an empty page.
    PartTooTall { part: usize },
}

/// Places the parts in order, filling each page before starting the next. Returns the
/// slices of each page.
///
/// NOTE: Body paragraphs may split after any line, so a page can end with the first line of
/// a paragraph or start with its last one. Only the part with `carry_lines` (the signature
/// block) pulls lines along to a new page.
pub(super) fn paginate(
    parts: &[PartMetrics],
    area: &PageArea,
) -> Result<Vec<Vec<Slice>>, PaginationError> {
    let mut pages: Vec<Vec<Slice>> = vec![Vec::new()];
    let mut y = area.first_top;

    for (index, part) in parts.iter().enumerate() {
        let mut start = 0;
        while start < part.lines {
            let page_is_empty = pages.last().is_none_or(Vec::is_empty);
            let top = if page_is_empty {
                y
            } else {
                y + part.space_before
            };

            let count = part.lines_fitting(start, area.bottom - top);
            if count == 0 {
                if page_is_empty {
                    return Err(PaginationError::PartTooTall { part: index });
                }
                let carried = take_carried_lines(&mut pages, parts, index);
                start_page(&mut pages, area)?;
                y = area.top;
                if let Some(slice) = carried {
                    y = area.top + parts[slice.part].height(slice.lines.clone());
                    push_slice(&mut pages, slice.part, slice.lines, area.top);
                }
                continue;
            }

            push_slice(&mut pages, index, start..start + count, top);
            y = top + part.height(start..start + count);
            start += count;
            if start < part.lines {
                start_page(&mut pages, area)?;
                y = area.top;
            }
        }
    }
    Ok(pages)
}

fn push_slice(pages: &mut [Vec<Slice>], part: usize, lines: Range<usize>, top: f32) {
    if let Some(page) = pages.last_mut() {
        page.push(Slice { part, lines, top });
    }
}

fn start_page(pages: &mut Vec<Vec<Slice>>, area: &PageArea) -> Result<(), PaginationError> {
    if pages.len() >= area.max_pages {
        return Err(PaginationError::TooManyPages);
    }
    pages.push(Vec::new());
    Ok(())
}

/// Removes the last `carry_lines` lines of the previous part from the current page if part
/// `index` has `carry_lines`, and returns them as a slice for the next page. The top of the
/// returned slice is not set yet.
fn take_carried_lines(
    pages: &mut [Vec<Slice>],
    parts: &[PartMetrics],
    index: usize,
) -> Option<Slice> {
    let carry = parts[index].carry_lines;
    let previous = index.checked_sub(1)?;
    if carry == 0 || parts[previous].keep_together {
        return None;
    }
    let last = pages.last_mut()?.last_mut()?;
    if last.part != previous || last.lines.len() <= carry {
        return None;
    }
    let end = last.lines.end;
    last.lines.end -= carry;
    Some(Slice {
        part: previous,
        lines: end - carry..end,
        top: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: PageArea = PageArea {
        first_top: 200.0,
        top: 50.0,
        bottom: 750.0,
        max_pages: 4,
    };

    /// Builds a text part of `lines` lines of 10 pt boxes on a 15 pt pitch.
    fn text(lines: usize, space_before: f32) -> PartMetrics {
        PartMetrics {
            space_before,
            lines,
            line_height: 10.0,
            steps: vec![15.0; lines.saturating_sub(1)],
            ..PartMetrics::default()
        }
    }

    fn signature(height: f32) -> PartMetrics {
        PartMetrics {
            space_before: 30.0,
            lines: 1,
            line_height: height,
            keep_together: true,
            carry_lines: 2,
            ..PartMetrics::default()
        }
    }

    #[test]
    fn height_of_line_ranges() {
        let part = text(4, 0.0);
        assert_eq!(part.height(0..0), 0.0);
        assert_eq!(part.height(0..1), 10.0);
        assert_eq!(part.height(1..4), 40.0);
    }

    #[test]
    fn short_letter_fits_one_page() {
        let parts = [text(3, 0.0), text(10, 12.0), signature(200.0)];
        let pages = paginate(&parts, &AREA).expect("fits");
        assert_eq!(pages.len(), 1);
        let tops: Vec<f32> = pages[0].iter().map(|slice| slice.top).collect();
        // Three lines end at 200 + 40. Ten lines start 12 pt lower and end at 252 + 145.
        assert_eq!(tops, vec![200.0, 252.0, 427.0]);
    }

    #[test]
    fn body_splits_at_last_fitting_line() {
        // 550 pt remain on page one: 1 line of 10 pt plus 36 steps of 15 pt is 550 pt.
        let parts = [text(50, 0.0)];
        let pages = paginate(&parts, &AREA).expect("fits");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0][0].lines, 0..37);
        assert_eq!(
            pages[1][0],
            Slice {
                part: 0,
                lines: 37..50,
                top: AREA.top
            }
        );
    }

    #[test]
    fn space_before_dropped_at_page_top() {
        let parts = [text(37, 0.0), text(2, 40.0)];
        let pages = paginate(&parts, &AREA).expect("fits");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1][0].top, AREA.top);
    }

    #[test]
    fn signature_moves_with_two_lines() {
        let parts = [text(30, 0.0), signature(200.0)];
        let pages = paginate(&parts, &AREA).expect("fits");
        assert_eq!(pages.len(), 2);
        assert_eq!(
            pages[0],
            vec![Slice {
                part: 0,
                lines: 0..28,
                top: 200.0
            }]
        );
        assert_eq!(pages[1][0].lines, 28..30);
        assert_eq!(pages[1][0].top, AREA.top);
        // Two lines end at 50 + 25, then 30 pt of space before the signature.
        assert_eq!(pages[1][1].top, 105.0);
    }

    #[test]
    fn signature_moves_alone_after_short_part() {
        // The one-line part before the signature would leave its page empty, so it stays.
        let parts = [text(30, 0.0), text(1, 5.0), signature(200.0)];
        let pages = paginate(&parts, &AREA).expect("fits");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 2);
        assert_eq!(
            pages[1],
            vec![Slice {
                part: 2,
                lines: 0..1,
                top: AREA.top
            }]
        );
    }

    #[test]
    fn overlong_body_rejected() {
        let parts = [text(1000, 0.0)];
        assert_eq!(paginate(&parts, &AREA), Err(PaginationError::TooManyPages));
    }

    #[test]
    fn part_taller_than_page_rejected() {
        let parts = [text(2, 0.0), signature(800.0)];
        assert_eq!(
            paginate(&parts, &AREA),
            Err(PaginationError::PartTooTall { part: 1 })
        );
    }

    #[test]
    fn empty_parts_take_no_space() {
        let parts = [text(0, 50.0), text(1, 20.0)];
        let pages = paginate(&parts, &AREA).expect("fits");
        assert_eq!(
            pages,
            vec![vec![Slice {
                part: 1,
                lines: 0..1,
                top: 200.0
            }]]
        );
    }
}
