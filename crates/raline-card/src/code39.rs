//! Code 39 symbols as lists of bars, for drawing as vector rectangles.
//!
//! `barcoders` supplies the character patterns. It draws a wide element as exactly two
//! narrow modules, so this module re-times its output to [`WIDE_RATIO`].

use barcoders::sym::code39::Code39 as Encoder;

use crate::CardError;

/// Minimum light margin on each side of the symbol, in narrow modules, as Code 39
/// specifications require.
pub(crate) const QUIET_ZONE_MODULES: f32 = 10.0;

/// Width of a wide element in narrow modules. Code 39 allows ratios from 2:1 to 3:1, and 3:1
/// gives the largest difference between wide and narrow, so small symbols read most reliably.
pub(crate) const WIDE_RATIO: f32 = 3.0;

/// Returns an error for the first character of `value` outside the basic Code 39 set
/// (0-9, A-Z, space and `- . $ / + %`), or for an empty value.
pub(crate) fn validate(value: &str) -> Result<(), CardError> {
    if value.is_empty() {
        return Err(CardError::MissingField {
            field: "member_number",
        });
    }
    for (position, character) in value.chars().enumerate() {
        let allowed = character.is_ascii_digit()
            || character.is_ascii_uppercase()
            || matches!(character, '-' | '.' | ' ' | '$' | '/' | '+' | '%');
        if !allowed {
            return Err(CardError::InvalidMemberNumber {
                character,
                position,
            });
        }
    }
    Ok(())
}

/// One bar or space of the symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Element {
    bar: bool,
    wide: bool,
}

/// An encoded Code 39 symbol: start character, data, stop character. No check character is
/// added, because scanners would then report it as part of the member number.
#[derive(Clone, Debug)]
pub(crate) struct Code39 {
    elements: Vec<Element>,
}

impl Code39 {
    /// Encodes `value` after [`validate`] has accepted it.
    pub(crate) fn encode(value: &str) -> Result<Code39, CardError> {
        validate(value)?;
        let modules = Encoder::new(value)
            .map_err(|_| CardError::MemberNumberTooLong {
                length: value.chars().count(),
                max: 255,
            })?
            .encode();

        // Runs of equal modules: a run of 1 is a narrow element, a run of 2 a wide one.
        let mut elements = Vec::with_capacity(modules.len());
        let mut index = 0;
        while let Some(&module) = modules.get(index) {
            let run = modules[index..]
                .iter()
                .take_while(|&&other| other == module)
                .count();
            elements.push(Element {
                bar: module == 1,
                wide: run >= 2,
            });
            index += run;
        }
        Ok(Code39 { elements })
    }

    /// Width of the symbol without quiet zones, in narrow modules.
    pub(crate) fn width_modules(&self) -> f32 {
        self.elements.iter().map(element_width).sum()
    }

    /// Width of the symbol with both quiet zones, in narrow modules.
    pub(crate) fn total_width_modules(&self) -> f32 {
        self.width_modules() + 2.0 * QUIET_ZONE_MODULES
    }

    /// Bars as `(left edge, width)` in narrow modules from the start of the symbol (the end
    /// of the leading quiet zone).
    pub(crate) fn bars(&self) -> Vec<(f32, f32)> {
        let mut x = 0.0;
        let mut bars = Vec::with_capacity(self.elements.len() / 2 + 1);
        for element in &self.elements {
            let width = element_width(element);
            if element.bar {
                bars.push((x, width));
            }
            x += width;
        }
        bars
    }
}

fn element_width(element: &Element) -> f32 {
    if element.wide { WIDE_RATIO } else { 1.0 }
}

/// Number of narrow modules, quiet zones included, that a value of `length` characters needs.
/// Each character, and the start and stop characters, has 6 narrow and 3 wide elements. A
/// narrow space separates neighbouring characters.
pub(crate) const fn total_width_for_length(length: usize) -> f32 {
    let characters = length as f32 + 2.0;
    characters * (6.0 + 3.0 * WIDE_RATIO) + (characters - 1.0) + 2.0 * QUIET_ZONE_MODULES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_accepts_code39_set() {
        assert!(validate("26120400001").is_ok());
        assert!(validate("ABC-123 .$/+%").is_ok());
    }

    #[test]
    fn validate_rejects_lowercase() {
        assert_eq!(
            validate("26a"),
            Err(CardError::InvalidMemberNumber {
                character: 'a',
                position: 2
            })
        );
    }

    #[test]
    fn validate_rejects_asterisk_and_unicode() {
        // `*` is the start and stop character and cannot appear in data.
        assert!(matches!(
            validate("12*3"),
            Err(CardError::InvalidMemberNumber { character: '*', .. })
        ));
        assert!(matches!(
            validate("١٢٣"),
            Err(CardError::InvalidMemberNumber { position: 0, .. })
        ));
        assert!(matches!(
            validate("12_3"),
            Err(CardError::InvalidMemberNumber { character: '_', .. })
        ));
    }

    #[test]
    fn validate_rejects_empty() {
        assert_eq!(
            validate(""),
            Err(CardError::MissingField {
                field: "member_number"
            })
        );
    }

    #[test]
    fn each_character_has_nine_elements_three_wide() {
        let symbol = Code39::encode("26120400001").expect("valid");
        // 13 characters (start, 11 digits, stop) of 9 elements, and 12 gaps between them.
        assert_eq!(symbol.elements.len(), 13 * 9 + 12);
        for character in symbol.elements.chunks(10) {
            let wide = character[..9].iter().filter(|e| e.wide).count();
            assert_eq!(wide, 3, "{character:?}");
            assert!(character[0].bar, "{character:?} starts with a bar");
            assert!(character[8].bar, "{character:?} ends with a bar");
        }
        assert_eq!(symbol.bars().len(), 13 * 5);
    }

    #[test]
    fn width_matches_formula() {
        let symbol = Code39::encode("26120400001").expect("valid");
        assert_eq!(symbol.total_width_modules(), total_width_for_length(11));
        // 13 × (6 + 9) + 12 + 20
        assert_eq!(total_width_for_length(11), 227.0);
    }

    #[test]
    fn bars_start_and_end_inside_symbol() {
        let symbol = Code39::encode("A1").expect("valid");
        let bars = symbol.bars();
        assert_eq!(bars.first().map(|bar| bar.0), Some(0.0));
        let (x, width) = *bars.last().expect("bars");
        assert_eq!(x + width, symbol.width_modules());
    }
}
