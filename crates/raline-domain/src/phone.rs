//! Indonesian phone numbers as people type them, normalised to E.164 for WhatsApp.

/// Why a phone number was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the number is not an Indonesian (+62) number")]
    NotIndonesian,
    #[error("the number has too few or too many digits")]
    Length,
    #[error("the number contains characters other than digits, spaces, hyphens and +")]
    Characters,
}

impl PhoneError {
    pub fn code(self) -> &'static str {
        match self {
            PhoneError::NotIndonesian => "phone_not_indonesian",
            PhoneError::Length => "phone_length",
            PhoneError::Characters => "phone_characters",
        }
    }
}

/// Normalises `0812…`, `+62 812 …`, `62812…` and `0812-3456-7890` to `+62812…`.
///
/// Mobile numbers (national part starting with 8) have 9 to 12 digits after the country
/// code; fixed lines (area code 2x–9x) have 7 to 11.
pub fn normalize_phone(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    let has_plus = trimmed.starts_with('+');
    let mut digits = String::with_capacity(trimmed.len());
    for (index, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            '+' if index == 0 => {}
            _ => return Err(PhoneError::Characters),
        }
    }

    let national = if has_plus {
        digits.strip_prefix("62").ok_or(PhoneError::NotIndonesian)?
    } else if let Some(rest) = digits.strip_prefix("62") {
        rest
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest
    } else {
        return Err(PhoneError::NotIndonesian);
    };

    let national = national.strip_prefix('0').unwrap_or(national);
    let allowed_lengths = match national.as_bytes().first() {
        Some(b'8') => 9..=12,
        Some(b'2'..=b'9') => 7..=11,
        _ => return Err(PhoneError::Length),
    };
    if !allowed_lengths.contains(&national.len()) {
        return Err(PhoneError::Length);
    }

    Ok(format!("+62{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepted_forms() {
        let cases = [
            ("081234567890", "+6281234567890"),
            ("+62 812 3456 7890", "+6281234567890"),
            ("6281234567890", "+6281234567890"),
            ("0812-3456-7890", "+6281234567890"),
            ("+62 0812 3456 7890", "+6281234567890"),
            ("0321 321234", "+62321321234"),
            ("0856-6446-59189", "+62856644659189"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_phone(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn phone_rejected_forms() {
        let cases = [
            ("+1 415 555 0100", PhoneError::NotIndonesian),
            ("08123", PhoneError::Length),
            ("0812345678901234", PhoneError::Length),
            ("812345678", PhoneError::NotIndonesian),
            ("0812-ABC-7890", PhoneError::Characters),
            ("", PhoneError::NotIndonesian),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_phone(input), Err(expected), "{input}");
        }
    }
}
