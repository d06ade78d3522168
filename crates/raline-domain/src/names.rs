//! Comparing people's names as staff would: without case, accents or punctuation.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Returns the form of a name used to find duplicates. Letters lose case and accents
/// ("Nguyễn" and "NGUYEN" match), apostrophes disappear ("Nur'aini" matches "Nuraini"),
/// dots, commas and hyphens separate words, and runs of spaces become one. The spelling typed
/// is stored unchanged; only this key is compared.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.nfkd() {
        if is_combining_mark(c) || matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`') {
            continue;
        }
        if c.is_whitespace() || matches!(c, '.' | ',' | '-') {
            pending_space = !key.is_empty();
            continue;
        }
        if pending_space {
            key.push(' ');
            pending_space = false;
        }
        key.extend(c.to_lowercase());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_match() {
        let cases = [
            ("Nguyễn Thị Hằng", "NGUYEN THI HANG"),
            ("Nur'aini", "Nuraini"),
            ("Nur\u{2019}aini", "nur'aini"),
            ("Drs. Bambang,  M.Pd.", "drs bambang m pd"),
            ("Siti-Aminah", "Siti Aminah"),
            ("  Budi  ", "budi"),
            ("Çağlar", "caglar"),
        ];
        for (left, right) in cases {
            assert_eq!(name_key(left), name_key(right), "{left} / {right}");
        }
    }

    #[test]
    fn names_that_differ() {
        let cases = [
            ("Budi", "Budiman"),
            ("Siti Aminah", "Siti Aminah Putri"),
            ("李娜", "李挪"),
        ];
        for (left, right) in cases {
            assert_ne!(name_key(left), name_key(right), "{left} / {right}");
        }
        assert_eq!(name_key("李娜"), "李娜");
        assert_eq!(name_key("..."), "");
    }
}
