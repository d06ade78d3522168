//! Contact details a member may change without staff: e-mail, phone and current address.

use crate::application::{FieldError, is_email};
use crate::phone::normalize_phone;

/// Longest accepted current address, in characters.
pub const MAX_ADDRESS_CHARS: usize = 300;

/// Contact details as typed on the member page or the renewal form.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub email: String,
    pub phone: String,
    pub address: String,
}

/// Checked contact details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub email: String,
    /// Lower-cased, for logins and duplicate checks.
    pub email_normalized: String,
    pub phone: String,
    /// E.164 form (`+62…`), for WhatsApp.
    pub phone_e164: String,
    /// One line; whitespace runs are collapsed.
    pub address: String,
}

/// Checks contact details. Every field is required; errors name the field.
pub fn validate_contact(input: &ContactInput) -> Result<Contact, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail =
        |field: &'static str, code: &'static str| errors.push(FieldError { field, code });

    let email = input.email.trim().to_owned();
    if email.is_empty() {
        fail("email", "required");
    } else if !is_email(&email) {
        fail("email", "email_format");
    }

    let phone = input.phone.trim().to_owned();
    let phone_e164 = if phone.is_empty() {
        fail("phone", "required");
        String::new()
    } else {
        normalize_phone(&phone).unwrap_or_else(|error| {
            fail("phone", error.code());
            String::new()
        })
    };

    let address = input
        .address
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if address.is_empty() {
        fail("contact_address", "required");
    } else if address.chars().count() > MAX_ADDRESS_CHARS {
        fail("contact_address", "too_long");
    } else if address
        .chars()
        .any(|c| c.is_control() || is_invisible_format(c))
    {
        fail("contact_address", "invalid_characters");
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Contact {
        email_normalized: email.to_lowercase(),
        email,
        phone,
        phone_e164,
        address,
    })
}

/// Zero-width and text-direction characters: invisible in the address, but they can reorder
/// or hide what staff read.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_rules() {
        let contact = validate_contact(&ContactInput {
            email: " Siti@Example.ORG ".into(),
            phone: "0812-3456-7890".into(),
            address: "Jl. Majapahit  12,\n Kranggan".into(),
        })
        .unwrap();
        assert_eq!(contact.email_normalized, "siti@example.org");
        assert_eq!(contact.phone_e164, "+6281234567890");
        assert_eq!(contact.address, "Jl. Majapahit 12, Kranggan");

        let errors = validate_contact(&ContactInput {
            email: "bukan-email".into(),
            phone: "12".into(),
            address: "x".repeat(MAX_ADDRESS_CHARS + 1),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|error| error.field).collect();
        assert_eq!(fields, ["email", "phone", "contact_address"]);

        for email in [
            "a\u{200B}b@example.id",
            "ab\u{202E}x@example.id",
            "s\u{ED}ti@example.id",
        ] {
            let errors = validate_contact(&ContactInput {
                email: email.into(),
                phone: "081234567890".into(),
                address: "Jl. Mawar 21".into(),
            })
            .unwrap_err();
            assert_eq!((errors[0].field, errors[0].code), ("email", "email_format"));
        }
        for hidden in ["Jl. Mawar\u{202E}21", "Jl.\u{200B}Mawar 21"] {
            let errors = validate_contact(&ContactInput {
                email: "siti@example.org".into(),
                phone: "081234567890".into(),
                address: hidden.into(),
            })
            .unwrap_err();
            assert_eq!(errors[0].code, "invalid_characters", "{hidden:?}");
        }
    }
}
