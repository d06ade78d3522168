//! Message texts that the admin edits: plain text with `{variable}` placeholders.
//!
//! The syntax is deliberately small, with no code, loops or filters, so an admin's text can
//! never run anything. `{{` and `}}` write a literal brace.

use std::collections::BTreeMap;

/// Problem found in a template text, reported to the admin with the position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error("unknown variable {{{name}}}")]
    UnknownVariable { name: String },
    #[error("a {{ at character {position} is not closed")]
    Unclosed { position: usize },
    #[error("a }} at character {position} has no opening brace")]
    UnexpectedClose { position: usize },
    #[error("the text is empty")]
    Empty,
}

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Brace(char),
    Variable(&'a str),
}

fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateProblem> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut chars = template.char_indices().peekable();
    while let Some((index, character)) = chars.next() {
        match character {
            '{' | '}' if chars.peek().map(|(_, next)| *next) == Some(character) => {
                pieces.push(Piece::Text(&template[text_start..index]));
                pieces.push(Piece::Brace(character));
                chars.next();
                text_start = index + 2;
            }
            '{' => {
                pieces.push(Piece::Text(&template[text_start..index]));
                let rest = &template[index + 1..];
                let end = rest
                    .find(['}', '{', '\n'])
                    .filter(|end| rest[*end..].starts_with('}'))
                    .ok_or(TemplateProblem::Unclosed {
                        position: template[..index].chars().count() + 1,
                    })?;
                pieces.push(Piece::Variable(rest[..end].trim()));
                for _ in 0..rest[..=end].chars().count() {
                    chars.next();
                }
                text_start = index + 1 + end + 1;
            }
            '}' => {
                return Err(TemplateProblem::UnexpectedClose {
                    position: template[..index].chars().count() + 1,
                });
            }
            _ => {}
        }
    }
    pieces.push(Piece::Text(&template[text_start..]));
    Ok(pieces)
}

/// Checks a template against the variables it may use.
pub fn validate(template: &str, known: &[&str]) -> Result<(), TemplateProblem> {
    if template.trim().is_empty() {
        return Err(TemplateProblem::Empty);
    }
    for piece in parse(template)? {
        if let Piece::Variable(name) = piece
            && !known.contains(&name)
        {
            return Err(TemplateProblem::UnknownVariable {
                name: name.to_owned(),
            });
        }
    }
    Ok(())
}

/// Fills in a template. A variable without a value becomes empty text, and a template that
/// does not parse is returned unchanged, so a stored text can never stop a message.
pub fn render(template: &str, values: &BTreeMap<&str, String>) -> String {
    let Ok(pieces) = parse(template) else {
        return template.to_owned();
    };
    let mut output = String::with_capacity(template.len() + 64);
    for piece in pieces {
        match piece {
            Piece::Text(text) => output.push_str(text),
            Piece::Brace(brace) => output.push(brace),
            Piece::Variable(name) => {
                if let Some(value) = values.get(name) {
                    output.push_str(value);
                }
            }
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 2] = ["nama", "nomor_anggota"];

    fn values() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("nama", "Siti Aminah".to_owned()),
            ("nomor_anggota", "3576.2026.00001".to_owned()),
        ])
    }

    #[test]
    fn render_fills_variables() {
        let text = render("Yth. {nama}, nomor {nomor_anggota}.", &values());
        assert_eq!(text, "Yth. Siti Aminah, nomor 3576.2026.00001.");
    }

    #[test]
    fn render_allows_spaces_in_braces() {
        assert_eq!(render("{ nama }", &values()), "Siti Aminah");
    }

    #[test]
    fn render_keeps_doubled_braces() {
        assert_eq!(render("{{nama}} {nama}", &values()), "{nama} Siti Aminah");
    }

    #[test]
    fn render_leaves_missing_values_empty() {
        assert_eq!(render("a{alasan}b", &values()), "ab");
    }

    #[test]
    fn render_returns_broken_text_unchanged() {
        assert_eq!(render("Yth. {nama", &values()), "Yth. {nama");
    }

    #[test]
    fn render_handles_multibyte_text() {
        let text = render("Salam — {nama} ✓", &values());
        assert_eq!(text, "Salam — Siti Aminah ✓");
    }

    #[test]
    fn values_are_not_parsed_again() {
        let values = BTreeMap::from([("nama", "{nomor_anggota}".to_owned())]);
        assert_eq!(render("{nama}", &values), "{nomor_anggota}");
    }

    #[test]
    fn validate_accepts_known_variables() {
        assert_eq!(validate("Yth. {nama} ({nomor_anggota})", &KNOWN), Ok(()));
    }

    #[test]
    fn validate_names_unknown_variable() {
        assert_eq!(
            validate("Yth. {name}", &KNOWN),
            Err(TemplateProblem::UnknownVariable {
                name: "name".to_owned()
            })
        );
    }

    #[test]
    fn validate_reports_unclosed_brace() {
        assert_eq!(
            validate("Yth. {nama", &KNOWN),
            Err(TemplateProblem::Unclosed { position: 6 })
        );
        assert_eq!(
            validate("Yth. {nama\n}", &KNOWN),
            Err(TemplateProblem::Unclosed { position: 6 })
        );
    }

    #[test]
    fn validate_reports_stray_close() {
        assert_eq!(
            validate("Yth. nama}", &KNOWN),
            Err(TemplateProblem::UnexpectedClose { position: 10 })
        );
    }

    #[test]
    fn validate_rejects_empty_text() {
        assert_eq!(validate("  \n", &KNOWN), Err(TemplateProblem::Empty));
    }
}
