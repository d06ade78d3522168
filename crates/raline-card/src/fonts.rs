//! Fonts built into the crate and the per-character fallback between them.
//!
//! Noto Sans covers Latin (including Vietnamese), Greek and Cyrillic. DejaVu Sans adds
//! Armenian, Georgian, Hebrew, Arabic, IPA and many symbols. Droid Sans Fallback adds CJK
//! ideographs, kana and Hangul. Each character takes the first face in its weight's chain that
//! has a glyph for it, so a name mixing scripts still prints. Licences are in `fonts/`.

use std::sync::OnceLock;

use krilla::Data;
use krilla::text::Font as PdfFont;

use crate::CardError;

/// A font file compiled into the binary.
struct EmbeddedFont {
    name: &'static str,
    data: &'static [u8],
}

const EMBEDDED: [EmbeddedFont; 4] = [
    EmbeddedFont {
        name: "NotoSans-Regular.ttf",
        data: include_bytes!("../fonts/NotoSans-Regular.ttf"),
    },
    EmbeddedFont {
        name: "NotoSans-Bold.ttf",
        data: include_bytes!("../fonts/NotoSans-Bold.ttf"),
    },
    EmbeddedFont {
        name: "DejaVuSans.ttf",
        data: include_bytes!("../fonts/DejaVuSans.ttf"),
    },
    EmbeddedFont {
        name: "DroidSansFallbackFull.ttf",
        data: include_bytes!("../fonts/DroidSansFallbackFull.ttf"),
    },
];

/// Index of a face in [`FontSet`], in the order of `EMBEDDED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FaceId(u8);

const NOTO_REGULAR: FaceId = FaceId(0);
const NOTO_BOLD: FaceId = FaceId(1);
const DEJAVU: FaceId = FaceId(2);
const DROID_FALLBACK: FaceId = FaceId(3);

// NOTE: DejaVu Sans and Droid Sans Fallback print in regular weight inside bold text too.
// DejaVu Sans Bold would add 0.7 MB for rarely used scripts, and Droid has no bold face.
const REGULAR_CHAIN: [FaceId; 3] = [NOTO_REGULAR, DEJAVU, DROID_FALLBACK];
const BOLD_CHAIN: [FaceId; 3] = [NOTO_BOLD, DEJAVU, DROID_FALLBACK];

/// Font weight of a piece of text. Each weight has its own fallback chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// One parsed font: the krilla handle that embeds and subsets it, and the rustybuzz face that
/// shapes text and reports glyph coverage.
pub(crate) struct Face {
    pub(crate) pdf: PdfFont,
    pub(crate) shaping: rustybuzz::Face<'static>,
    /// Font design units per em, used to turn shaping output into em fractions.
    pub(crate) units_per_em: f32,
}

/// All built-in faces, parsed once per process.
pub(crate) struct FontSet {
    faces: Vec<Face>,
    /// Distance from baseline to the top of the line box of the primary faces, in em.
    ascent: f32,
    /// Distance from baseline to the bottom of the line box of the primary faces, in em.
    descent: f32,
}

static FONT_SET: OnceLock<Result<FontSet, CardError>> = OnceLock::new();

impl FontSet {
    /// Returns the process-wide font set, parsing the embedded fonts on first use.
    pub(crate) fn get() -> Result<&'static FontSet, CardError> {
        FONT_SET
            .get_or_init(FontSet::parse)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn parse() -> Result<FontSet, CardError> {
        let mut faces = Vec::with_capacity(EMBEDDED.len());
        for font in &EMBEDDED {
            let error = || CardError::Font { name: font.name };
            let shaping = rustybuzz::Face::from_slice(font.data, 0).ok_or_else(error)?;
            let pdf = PdfFont::new(Data::from(font.data), 0).ok_or_else(error)?;
            let units_per_em = shaping.units_per_em() as f32;
            if units_per_em <= 0.0 {
                return Err(error());
            }
            faces.push(Face {
                pdf,
                shaping,
                units_per_em,
            });
        }

        // Noto Sans Regular and Bold share vertical metrics, so one pair serves both weights.
        let primary = &faces[usize::from(NOTO_REGULAR.0)];
        let ascent = f32::from(primary.shaping.ascender()) / primary.units_per_em;
        let descent = -f32::from(primary.shaping.descender()) / primary.units_per_em;

        Ok(FontSet {
            faces,
            ascent,
            descent,
        })
    }

    pub(crate) fn face(&self, id: FaceId) -> &Face {
        &self.faces[usize::from(id.0)]
    }

    /// Returns the face used for `weight` when no other face is preferred, for example for
    /// spaces.
    pub(crate) fn primary(weight: Weight) -> FaceId {
        Self::chain(weight)[0]
    }

    fn chain(weight: Weight) -> &'static [FaceId] {
        match weight {
            Weight::Regular => &REGULAR_CHAIN,
            Weight::Bold => &BOLD_CHAIN,
        }
    }

    /// Returns the first face in the fallback chain of `weight` that has a glyph for `c`.
    pub(crate) fn face_for_char(&self, c: char, weight: Weight) -> Option<FaceId> {
        Self::chain(weight)
            .iter()
            .copied()
            .find(|&id| self.face(id).shaping.glyph_index(c).is_some())
    }

    /// Line-box ascent of the primary faces, in em.
    pub(crate) fn ascent(&self) -> f32 {
        self.ascent
    }

    /// Line-box descent of the primary faces as a positive number, in em.
    pub(crate) fn descent(&self) -> f32 {
        self.descent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_parse() {
        let fonts = FontSet::get().expect("built-in fonts parse");
        assert!(fonts.ascent() > 0.8, "ascent {}", fonts.ascent());
        assert!(fonts.ascent() < 1.3, "ascent {}", fonts.ascent());
        assert!(fonts.descent() > 0.1, "descent {}", fonts.descent());
        assert!(fonts.descent() < 0.5, "descent {}", fonts.descent());
    }

    #[test]
    fn fallback_chain_per_script() {
        let fonts = FontSet::get().expect("built-in fonts parse");
        assert_eq!(
            fonts.face_for_char('A', Weight::Regular),
            Some(NOTO_REGULAR)
        );
        assert_eq!(fonts.face_for_char('A', Weight::Bold), Some(NOTO_BOLD));
        // Vietnamese capital E with circumflex and tilde.
        assert_eq!(
            fonts.face_for_char('\u{1EC4}', Weight::Bold),
            Some(NOTO_BOLD)
        );
        // Hebrew alef is missing from Noto Sans but present in DejaVu Sans.
        assert_eq!(fonts.face_for_char('\u{05D0}', Weight::Bold), Some(DEJAVU));
        assert_eq!(
            fonts.face_for_char('李', Weight::Bold),
            Some(DROID_FALLBACK)
        );
        // A private-use code point is in none of the fonts.
        assert_eq!(fonts.face_for_char('\u{E000}', Weight::Regular), None);
    }
}
