//! The message catalogue (`locales/id` first, `locales/en` second) and date formatting.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use time::{Date, OffsetDateTime};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        // Without this, Fluent wraps every argument in U+2068/U+2069 isolation marks, which
        // end up as invisible characters in HTML, e-mail subjects and card text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static INDONESIAN: LanguageIdentifier = langid!("id");
static ENGLISH: LanguageIdentifier = langid!("en");

/// A language of the user interface. Indonesian is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Id,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }

    pub fn parse(value: &str) -> Option<Locale> {
        match value {
            "id" => Some(Locale::Id),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    fn language(self) -> &'static LanguageIdentifier {
        match self {
            Locale::Id => &INDONESIAN,
            Locale::En => &ENGLISH,
        }
    }

    /// Returns the other locale, for the language switch link.
    pub fn other(self) -> Locale {
        match self {
            Locale::Id => Locale::En,
            Locale::En => Locale::Id,
        }
    }
}

/// An argument of a catalogue message.
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(value))
    }
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Arg::Text(Cow::Owned(value))
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Number(value)
    }
}

/// Looks up a message. A missing key returns the key itself, so a gap shows up on screen and
/// in the catalogue test rather than as an empty string.
pub fn t(locale: Locale, key: &str) -> String {
    LOCALES
        .try_lookup(locale.language(), key)
        .unwrap_or_else(|| key.to_owned())
}

/// Looks up a message with named arguments.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.to_string()),
                Arg::Number(number) => FluentValue::from(*number),
            };
            (Cow::Owned((*name).to_owned()), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(locale.language(), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

/// Checks that a key exists and formats in the given locale, without falling back. Every
/// variable the catalogues use gets a placeholder, because Fluent reports a missing argument
/// as an error.
pub fn has_key(locale: Locale, key: &str) -> bool {
    let placeholders: HashMap<Cow<'static, str>, FluentValue<'_>> = [
        "field",
        "max",
        "count",
        "library",
        "number",
        "date",
        "reference",
        "name",
        "url",
        "size",
        "reason",
        "serials",
        "closes",
        "fee",
        "registration",
        "type",
        "card_url",
        "status_url",
        "hours",
        "from",
        "to",
    ]
    .into_iter()
    .map(|name| (Cow::Borrowed(name), FluentValue::from("x")))
    .collect();
    LOCALES
        .lookup_single_language(locale.language(), key, Some(&placeholders))
        .is_ok()
}

/// "29 Juli 2022": a calendar date, such as a birth date or a card's end date.
/// Formats an amount of rupiah with thousands separators: `Rp10.000` in Indonesian,
/// `Rp10,000` in English.
pub fn format_rupiah(locale: Locale, amount: i64) -> String {
    let separator = match locale {
        Locale::Id => '.',
        Locale::En => ',',
    };
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}Rp{grouped}")
}

pub fn format_date(locale: Locale, date: Date) -> String {
    let month = t(locale, &format!("month-{}", date.month() as u8));
    match locale {
        Locale::Id => format!("{} {} {}", date.day(), month, date.year()),
        Locale::En => format!("{} {} {}", date.day(), month, date.year()),
    }
}

/// "Jumat, 29 Juli 2022".
pub fn format_date_with_weekday(locale: Locale, date: Date) -> String {
    let weekday = t(
        locale,
        &format!("weekday-{}", date.weekday().number_from_monday()),
    );
    format!("{weekday}, {}", format_date(locale, date))
}

/// "Jumat, 29 Juli 2022 14.05 WIB": an instant shown in Western Indonesian Time.
pub fn format_instant(locale: Locale, instant: OffsetDateTime) -> String {
    let local = instant.to_offset(raline_domain::dates::WIB);
    let separator = match locale {
        Locale::Id => '.',
        Locale::En => ':',
    };
    format!(
        "{} {:02}{separator}{:02} {}",
        format_date_with_weekday(locale, local.date()),
        local.hour(),
        local.minute(),
        t(locale, "time-zone")
    )
}

/// "2 hari 3 jam": how long something has waited, at most two units.
pub fn format_waiting(locale: Locale, duration: time::Duration) -> String {
    let minutes = duration.whole_minutes().max(0);
    if minutes < 1 {
        return t(locale, "duration-now");
    }
    let days = minutes / (24 * 60);
    let hours = minutes / 60 % 24;
    let minutes = minutes % 60;
    let unit = |key: &str, count: i64| t_args(locale, key, &[("count", count.into())]);

    let parts: Vec<String> = if days > 0 {
        vec![unit("duration-days", days), unit("duration-hours", hours)]
    } else if hours > 0 {
        vec![
            unit("duration-hours", hours),
            unit("duration-minutes", minutes),
        ]
    } else {
        vec![unit("duration-minutes", minutes)]
    };
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    /// Message keys of every `.ftl` file of a locale.
    fn keys(locale: &str) -> Vec<String> {
        let folder = format!("{}/locales/{locale}", env!("CARGO_MANIFEST_DIR"));
        let mut keys = Vec::new();
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|extension| extension != "ftl") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            keys.extend(
                text.lines()
                    .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim().to_owned()))
                    .filter(|key| !key.starts_with('#') && !key.is_empty()),
            );
        }
        keys
    }

    #[test]
    fn rupiah_grouping() {
        assert_eq!(format_rupiah(Locale::Id, 0), "Rp0");
        assert_eq!(format_rupiah(Locale::Id, 500), "Rp500");
        assert_eq!(format_rupiah(Locale::Id, 10_000), "Rp10.000");
        assert_eq!(format_rupiah(Locale::Id, 1_250_000), "Rp1.250.000");
        assert_eq!(format_rupiah(Locale::En, 1_250_000), "Rp1,250,000");
    }

    #[test]
    fn catalogues_have_same_keys() {
        let indonesian = keys("id");
        let english = keys("en");
        let missing: Vec<_> = indonesian.iter().filter(|k| !english.contains(k)).collect();
        assert!(missing.is_empty(), "missing in en: {missing:?}");
        let extra: Vec<_> = english.iter().filter(|k| !indonesian.contains(k)).collect();
        assert!(extra.is_empty(), "only in en: {extra:?}");
        for key in &indonesian {
            assert!(has_key(Locale::Id, key), "{key} does not parse in id");
            assert!(has_key(Locale::En, key), "{key} does not parse in en");
        }
    }

    /// Quoted snake_case words that follow `marker` within a short distance in `source`.
    fn codes_after(source: &str, marker: &str) -> Vec<String> {
        let mut codes = Vec::new();
        for (start, _) in source.match_indices(marker) {
            let window: String = source[start..].chars().take(120).collect();
            let window = window.split(';').next().unwrap_or_default();
            // A word cut by the window end has no closing quote; drop it.
            let window = window.rfind('"').map_or("", |end| &window[..=end]);
            codes.extend(
                window
                    .split('"')
                    .skip(1)
                    .step_by(2)
                    .filter(|word| {
                        !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    })
                    .map(str::to_owned),
            );
        }
        codes
    }

    #[test]
    fn every_domain_code_has_a_message() {
        let domain = concat!(env!("CARGO_MANIFEST_DIR"), "/../raline-domain/src");
        let read = |file: &str| std::fs::read_to_string(format!("{domain}/{file}")).unwrap();
        let application = read("application.rs");
        let identity = read("identity.rs");
        let phone = read("phone.rs");

        let mut codes = codes_after(&application, ".fail(");
        codes.extend(codes_after(&application, "FieldError {"));
        codes.extend(codes_after(&identity, "Err(\""));
        codes.extend(codes_after(&identity, "=> \""));
        codes.extend(codes_after(&phone, "=> \""));
        codes.retain(|code| {
            !raline_domain::IdentityType::ALL
                .iter()
                .any(|t| t.as_str() == code)
        });
        codes.sort();
        codes.dedup();
        assert!(codes.len() > 30, "the scan found too few codes: {codes:?}");

        let fields: Vec<&String> = codes
            .iter()
            .filter(|code| has_key(Locale::Id, &format!("field-{code}")))
            .collect();
        for code in &codes {
            let is_field = fields.contains(&code);
            assert!(
                is_field || has_key(Locale::Id, &format!("error-{code}")),
                "no message error-{code}"
            );
        }
        for kind in raline_domain::IdentityType::ALL {
            assert!(has_key(
                Locale::Id,
                &format!("identity-type-{}", kind.as_str())
            ));
        }
        for code in raline_domain::FindingCode::ALL {
            for key in [
                format!("finding-{}", code.as_str()),
                format!("finding-{}-check", code.as_str()),
            ] {
                assert!(has_key(Locale::Id, &key), "no message {key}");
                assert!(has_key(Locale::En, &key), "no message {key}");
            }
        }
    }

    #[test]
    fn dates_in_indonesian() {
        assert_eq!(
            format_date_with_weekday(Locale::Id, date!(2022 - 07 - 29)),
            "Jumat, 29 Juli 2022"
        );
        assert_eq!(
            format_instant(Locale::Id, datetime!(2022-07-29 07:05 UTC)),
            "Jumat, 29 Juli 2022 14.05 WIB"
        );
        assert_eq!(
            format_date_with_weekday(Locale::En, date!(2022 - 07 - 29)),
            "Friday, 29 July 2022"
        );
    }

    #[test]
    fn arguments_have_no_isolation_marks() {
        let text = t_args(Locale::Id, "error-required", &[("field", "NIK".into())]);
        assert_eq!(text, "NIK wajib diisi.");
    }

    #[test]
    fn waiting_time_units() {
        let cases = [
            (time::Duration::seconds(20), "baru saja"),
            (time::Duration::minutes(5), "5 menit"),
            (time::Duration::minutes(125), "2 jam 5 menit"),
            (time::Duration::hours(50), "2 hari 2 jam"),
        ];
        for (duration, expected) in cases {
            assert_eq!(format_waiting(Locale::Id, duration), expected);
        }
    }
}
