//! The registration form: raw input, validation rules and the validated application.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::choices::{self, find_choice};
use crate::dates::age_on;
use crate::finding::FindingCode;
use crate::identity::{IdentityType, Nik, strip_separators};
use crate::phone::normalize_phone;
use crate::region::{self, Domicile};
use crate::sex::Sex;

/// Minimum password length, counted in characters.
pub const MIN_PASSWORD_CHARS: usize = 6;

/// Age from which an applicant counts as an adult for KIA and guardian rules.
pub const ADULT_AGE: i32 = 17;

/// Longest accepted text field, in characters; keeps rows and cards bounded.
pub const MAX_TEXT_CHARS: usize = 200;

/// Form input exactly as typed, every field trimmed by the caller or not at all.
///
/// Field names match the JSON API and the HTML form. Booleans arrive as text (`true`, `on`,
/// `1`, `ya`) because both the form and the API send multipart text fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub identity_type: String,
    pub identity_number: String,
    #[serde(skip_serializing)]
    pub password: String,
    #[serde(skip_serializing)]
    pub password_confirmation: Option<String>,
    pub email: String,
    pub full_name: String,
    pub mother_maiden_name: String,
    pub birth_place: String,
    pub birth_date: String,
    pub sex: String,
    pub religion: String,
    pub marital_status: String,
    pub occupation: String,
    pub education: String,
    pub phone: String,
    pub address: String,
    pub rt: String,
    pub rw: String,
    pub village_code: String,
    pub village: String,
    pub district: String,
    pub regency_code: String,
    pub regency: String,
    pub province: String,
    pub current_address_same: String,
    pub current_address: String,
    pub current_rt: String,
    pub current_rw: String,
    pub current_village: String,
    pub current_district: String,
    pub current_regency_code: String,
    pub current_regency: String,
    pub current_province: String,
    pub member_type: String,
    pub consent: String,
    pub uses_guardian_identity: String,
    pub guardian_name: String,
    pub guardian_relationship: String,
    pub guardian_identity_number: String,
}

/// A field that failed validation, with a stable code for API clients and the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

/// An address as written on the identity card or where the applicant lives now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub rt: String,
    pub rw: String,
    pub village: String,
    pub village_code: Option<String>,
    pub district: String,
    pub regency: String,
    pub regency_code: Option<String>,
    pub province: String,
}

/// The parent or guardian whose KTP an under-17 applicant registers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    pub name: String,
    pub relationship: String,
    pub identity_number: String,
}

/// A password kept out of `Debug` output and logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A member type the library offers, with the validity of a new card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberType {
    pub code: String,
    pub name: String,
    pub validity_days: u32,
}

/// Library rules that validation depends on.
#[derive(Debug, Clone)]
pub struct Policy {
    pub member_types: Vec<MemberType>,
    /// Whether people living outside Kota Mojokerto must upload a statement letter.
    pub statement_letter_outside: bool,
}

impl Policy {
    pub fn member_type(&self, code: &str) -> Option<&MemberType> {
        self.member_types.iter().find(|kind| kind.code == code)
    }
}

/// The upload slots of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadSlot {
    Photo,
    IdentityDocument,
    GuardianIdentityDocument,
    StatementLetter,
}

impl UploadSlot {
    pub const ALL: [UploadSlot; 4] = [
        UploadSlot::Photo,
        UploadSlot::IdentityDocument,
        UploadSlot::GuardianIdentityDocument,
        UploadSlot::StatementLetter,
    ];

    /// Returns the multipart field name, which is also the stored kind.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadSlot::Photo => "photo",
            UploadSlot::IdentityDocument => "identity_document",
            UploadSlot::GuardianIdentityDocument => "guardian_identity_document",
            UploadSlot::StatementLetter => "statement_letter",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|slot| slot.as_str() == value)
    }
}

/// A validated application, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub identity_type: IdentityType,
    /// The applicant's own number, or the parent's NIK when `guardian` is set.
    pub identity_number: String,
    pub password: Password,
    pub email: String,
    /// Lower-cased e-mail used to find duplicates.
    pub email_normalized: String,
    pub full_name: String,
    pub mother_maiden_name: String,
    pub birth_place: String,
    pub birth_date: Date,
    pub sex: Sex,
    pub religion: Option<String>,
    pub marital_status: Option<String>,
    pub occupation: String,
    pub education: String,
    pub phone: String,
    /// The phone number in E.164 form (`+62…`), used for WhatsApp.
    pub phone_e164: String,
    pub id_address: Address,
    /// `None` when the applicant lives at the address on the identity card.
    pub current_address: Option<Address>,
    pub domicile: Domicile,
    pub member_type: String,
    pub guardian: Option<Guardian>,
    /// Findings the applicant and staff see but which do not block the application.
    pub warnings: Vec<FindingCode>,
}

/// Lists the uploads the form must carry. It reads the raw input, so missing files are
/// reported together with the other field errors even when the rest is invalid.
pub fn required_uploads(input: &ApplicationInput, policy: &Policy) -> Vec<UploadSlot> {
    let mut slots = vec![UploadSlot::Photo];
    if parse_flag(&input.uses_guardian_identity) {
        slots.push(UploadSlot::GuardianIdentityDocument);
    } else {
        slots.push(UploadSlot::IdentityDocument);
    }
    let same_address =
        input.current_address_same.trim().is_empty() || parse_flag(&input.current_address_same);
    let regency_code = if same_address {
        &input.regency_code
    } else {
        &input.current_regency_code
    };
    let domicile = Domicile::from_regency_code(Some(regency_code.trim()));
    if domicile == Domicile::Outside && policy.statement_letter_outside {
        slots.push(UploadSlot::StatementLetter);
    }
    slots
}

/// Reads a form boolean: `true`, `on`, `1`, `ya` and `yes` are true.
pub fn parse_flag(value: &str) -> bool {
    matches!(
        value.trim().to_lowercase().as_str(),
        "true" | "on" | "1" | "ya" | "yes"
    )
}

/// Collects errors while validating, one per field.
struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn fail(&mut self, field: &'static str, code: &'static str) {
        if !self.errors.iter().any(|error| error.field == field) {
            self.errors.push(FieldError { field, code });
        }
    }

    /// Returns the trimmed value, or records `required` (empty) or `too_long`.
    fn text(&mut self, field: &'static str, value: &str) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, "required");
        } else if value.chars().count() > MAX_TEXT_CHARS {
            self.fail(field, "too_long");
        } else if value.chars().any(char::is_control) {
            self.fail(field, "invalid_characters");
        }
        value.to_owned()
    }

    fn choice(&mut self, field: &'static str, list: &[&'static str], value: &str) -> String {
        if value.trim().is_empty() {
            self.fail(field, "required");
            return String::new();
        }
        match find_choice(list, value) {
            Some(choice) => choice.to_owned(),
            None => {
                self.fail(field, "unknown_choice");
                String::new()
            }
        }
    }

    fn optional_choice(
        &mut self,
        field: &'static str,
        list: &[&'static str],
        value: &str,
    ) -> Option<String> {
        if value.trim().is_empty() {
            None
        } else {
            Some(self.choice(field, list, value))
        }
    }

    fn person_name(&mut self, field: &'static str, value: &str) -> String {
        let name = self.text(field, value);
        if !name.is_empty() && !is_person_name(&name) {
            self.fail(field, "name_characters");
        }
        collapse_spaces(&name)
    }

    fn neighbourhood_number(&mut self, field: &'static str, value: &str) -> String {
        let value = self.text(field, value);
        let well_formed = value.len() <= 3 && value.chars().all(|c| c.is_ascii_digit());
        if !value.is_empty() && !well_formed {
            self.fail(field, "rt_rw_format");
        }
        value
    }
}

/// Names accept letters of any script, combining marks, spaces, apostrophes, dots, commas and
/// hyphens ("Drs. Bambang, M.Pd.", "Nur'aini", "李娜"), and must contain a letter.
pub fn is_person_name(name: &str) -> bool {
    name.chars().any(char::is_alphabetic)
        && name.chars().all(|c| {
            c.is_alphabetic()
                || is_combining_mark(c)
                || matches!(
                    c,
                    ' ' | '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '.' | ',' | '-'
                )
        })
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks e-mail syntax lightly: one `@`, a non-empty local part, and a domain with a dot and no
/// spaces. Mail servers accept local parts that RFC 5322 calls obsolete (`a..b`), so this
/// check does not reject them.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let valid_domain = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    !local.is_empty()
        && local.len() <= 64
        && value.len() <= 254
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@')
        && valid_domain
}

fn parse_iso_date(value: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value.trim(), &format).ok()
}

/// Validates the form against the library's policy on `today` (a WIB calendar date).
///
/// Returns every field error at once so that the form can show them all next to their fields.
pub fn validate_application(
    input: &ApplicationInput,
    policy: &Policy,
    today: Date,
) -> Result<NewApplication, Vec<FieldError>> {
    validate(input, policy, today, PasswordRule::Required)
}

/// Validates a corrected application. The password chosen at registration stays, so the
/// correction form has no password fields and the returned password is empty.
pub fn validate_correction(
    input: &ApplicationInput,
    policy: &Policy,
    today: Date,
) -> Result<NewApplication, Vec<FieldError>> {
    validate(input, policy, today, PasswordRule::Unchanged)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PasswordRule {
    Required,
    Unchanged,
}

fn validate(
    input: &ApplicationInput,
    policy: &Policy,
    today: Date,
    password_rule: PasswordRule,
) -> Result<NewApplication, Vec<FieldError>> {
    let mut check = Checker { errors: Vec::new() };

    let identity_type = match input.identity_type.trim() {
        "" => {
            check.fail("identity_type", "required");
            None
        }
        value => {
            let parsed = IdentityType::parse(&value.to_lowercase());
            if parsed.is_none() {
                check.fail("identity_type", "unknown_choice");
            }
            parsed
        }
    };

    let full_name = check.person_name("full_name", &input.full_name);
    let mother_maiden_name = check.person_name("mother_maiden_name", &input.mother_maiden_name);
    let birth_place = check.text("birth_place", &input.birth_place);

    let birth_date = match input.birth_date.trim() {
        "" => {
            check.fail("birth_date", "required");
            None
        }
        value => match parse_iso_date(value) {
            None => {
                check.fail("birth_date", "date_format");
                None
            }
            Some(date) if date > today => {
                check.fail("birth_date", "date_in_future");
                None
            }
            Some(date) if age_on(date, today) > 120 => {
                check.fail("birth_date", "date_too_old");
                None
            }
            Some(date) => Some(date),
        },
    };

    let sex = match input.sex.trim() {
        "" => {
            check.fail("sex", "required");
            None
        }
        value => {
            let parsed = Sex::parse(value);
            if parsed.is_none() {
                check.fail("sex", "unknown_choice");
            }
            parsed
        }
    };

    let password = input.password.clone();
    if password_rule == PasswordRule::Unchanged {
        // Nothing to check: the stored password hash is kept.
    } else if password.is_empty() {
        check.fail("password", "required");
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        check.fail("password", "password_too_short");
    } else if password.len() > 1024 {
        check.fail("password", "too_long");
    }
    if let Some(confirmation) = &input.password_confirmation
        && password_rule == PasswordRule::Required
        && *confirmation != password
    {
        check.fail("password_confirmation", "password_mismatch");
    }

    let email = input.email.trim().to_owned();
    if email.is_empty() {
        check.fail("email", "required");
    } else if !is_email(&email) {
        check.fail("email", "email_format");
    }

    let phone = input.phone.trim().to_owned();
    let phone_e164 = if phone.is_empty() {
        check.fail("phone", "required");
        String::new()
    } else {
        normalize_phone(&phone).unwrap_or_else(|error| {
            check.fail("phone", error.code());
            String::new()
        })
    };

    let religion = check.optional_choice("religion", choices::RELIGIONS, &input.religion);
    let marital_status = check.optional_choice(
        "marital_status",
        choices::MARITAL_STATUSES,
        &input.marital_status,
    );
    let occupation = check.choice("occupation", choices::OCCUPATIONS, &input.occupation);
    let education = check.choice("education", choices::EDUCATION_LEVELS, &input.education);

    let member_type = input.member_type.trim().to_lowercase();
    if member_type.is_empty() {
        check.fail("member_type", "required");
    } else if policy.member_type(&member_type).is_none() {
        check.fail("member_type", "unknown_choice");
    }

    if !parse_flag(&input.consent) {
        check.fail("consent", "consent_required");
    }

    let id_address = read_address(&mut check, AddressFields::on_identity_card(input));
    let current_address_same =
        input.current_address_same.trim().is_empty() || parse_flag(&input.current_address_same);
    let current_address = if current_address_same {
        None
    } else {
        Some(read_address(&mut check, AddressFields::current(input)))
    };
    let domicile_regency = current_address
        .as_ref()
        .unwrap_or(&id_address)
        .regency_code
        .as_deref();
    let domicile = Domicile::from_regency_code(domicile_regency);

    let age = birth_date.map(|date| age_on(date, today));
    let uses_guardian = parse_flag(&input.uses_guardian_identity);
    let identity_number = strip_separators(input.identity_number.trim());
    let mut warnings = Vec::new();
    let mut guardian = None;

    if uses_guardian {
        guardian = read_guardian(&mut check, input, &identity_number, today, age);
    } else if identity_number.is_empty() {
        check.fail("identity_number", "required");
    }

    match identity_type {
        Some(IdentityType::Kia) if uses_guardian => {
            check.fail("identity_type", "guardian_needs_ktp")
        }
        Some(IdentityType::Kia) if age.is_some_and(|age| age >= ADULT_AGE) => {
            check.fail("identity_type", "kia_adult")
        }
        Some(kind) if uses_guardian && kind != IdentityType::Ktp => {
            check.fail("identity_type", "guardian_needs_ktp")
        }
        _ => {}
    }

    let identity_number = match (identity_type, &guardian) {
        (_, Some(guardian)) => guardian.identity_number.clone(),
        (Some(kind), None) if kind.carries_nik() && !identity_number.is_empty() => {
            match Nik::parse(&identity_number, today) {
                Ok(nik) => {
                    if let Some(birth_date) = birth_date
                        && !nik.matches_birth_date(birth_date)
                    {
                        warnings.push(FindingCode::NikBirthDateMismatch);
                    }
                    if sex.is_some_and(|sex| sex != nik.sex()) {
                        warnings.push(FindingCode::NikSexMismatch);
                    }
                    identity_number
                }
                Err(error) => {
                    check.fail("identity_number", error.code());
                    identity_number
                }
            }
        }
        (Some(_), None) => {
            let plain = input.identity_number.trim();
            if plain.chars().count() > 40
                || !plain
                    .chars()
                    .all(|c| c.is_alphanumeric() || " ./-".contains(c))
            {
                check.fail("identity_number", "identity_number_format");
            }
            plain.to_uppercase()
        }
        (None, None) => identity_number,
    };

    if !check.errors.is_empty() {
        return Err(check.errors);
    }

    // Every `None` below has recorded an error above, so these fallbacks are unreachable.
    let (Some(identity_type), Some(birth_date), Some(sex)) = (identity_type, birth_date, sex)
    else {
        return Err(vec![FieldError {
            field: "identity_type",
            code: "required",
        }]);
    };

    Ok(NewApplication {
        identity_type,
        identity_number,
        password: Password(password),
        email_normalized: email.to_lowercase(),
        email,
        full_name,
        mother_maiden_name,
        birth_place,
        birth_date,
        sex,
        religion,
        marital_status,
        occupation,
        education,
        phone,
        phone_e164,
        id_address,
        current_address,
        domicile,
        member_type,
        guardian,
        warnings,
    })
}

/// The form field names of one address block.
struct AddressFields<'a> {
    street: (&'static str, &'a str),
    rt: (&'static str, &'a str),
    rw: (&'static str, &'a str),
    village: (&'static str, &'a str),
    village_code: &'a str,
    district: (&'static str, &'a str),
    regency: (&'static str, &'a str),
    regency_code: (&'static str, &'a str),
    province: (&'static str, &'a str),
}

impl<'a> AddressFields<'a> {
    fn on_identity_card(input: &'a ApplicationInput) -> Self {
        AddressFields {
            street: ("address", &input.address),
            rt: ("rt", &input.rt),
            rw: ("rw", &input.rw),
            village: ("village", &input.village),
            village_code: &input.village_code,
            district: ("district", &input.district),
            regency: ("regency", &input.regency),
            regency_code: ("regency_code", &input.regency_code),
            province: ("province", &input.province),
        }
    }

    fn current(input: &'a ApplicationInput) -> Self {
        AddressFields {
            street: ("current_address", &input.current_address),
            rt: ("current_rt", &input.current_rt),
            rw: ("current_rw", &input.current_rw),
            village: ("current_village", &input.current_village),
            village_code: "",
            district: ("current_district", &input.current_district),
            regency: ("current_regency", &input.current_regency),
            regency_code: ("current_regency_code", &input.current_regency_code),
            province: ("current_province", &input.current_province),
        }
    }
}

/// Reads an address. A built-in regency code fills in the regency and province names, so the
/// form may send only the code; other regencies need their name typed.
fn read_address(check: &mut Checker, fields: AddressFields<'_>) -> Address {
    let street = check.text(fields.street.0, fields.street.1);
    let rt = check.neighbourhood_number(fields.rt.0, fields.rt.1);
    let rw = check.neighbourhood_number(fields.rw.0, fields.rw.1);
    let village = check.text(fields.village.0, fields.village.1);
    let district = check.text(fields.district.0, fields.district.1);

    let code = fields.regency_code.1.trim();
    let valid_code = region::is_regency_code(code) && region::province(&code[..2]).is_some();
    let regency_code = valid_code.then(|| code.to_owned());

    let built_in = regency_code.as_deref().and_then(region::regency);
    let (regency, province) = match built_in {
        _ if !code.is_empty() && !valid_code => {
            check.fail(fields.regency_code.0, "regency_code_format");
            (String::new(), String::new())
        }
        Some(known) => (
            known.name.to_owned(),
            region::province(&known.code[..2])
                .map(|province| province.name.to_owned())
                .unwrap_or_default(),
        ),
        None => {
            let regency = check.text(fields.regency.0, fields.regency.1);
            let province = match regency_code
                .as_deref()
                .and_then(|c| region::province(&c[..2]))
            {
                Some(known) => known.name.to_owned(),
                None => check.text(fields.province.0, fields.province.1),
            };
            (regency, province)
        }
    };

    let village_code = Some(fields.village_code.trim())
        .filter(|code| !code.is_empty() && code.len() <= 20)
        .map(str::to_owned);

    Address {
        street,
        rt,
        rw,
        village,
        village_code,
        district,
        regency,
        regency_code,
        province,
    }
}

/// Reads the guardian block of an under-17 registering with a parent's or guardian's KTP.
fn read_guardian(
    check: &mut Checker,
    input: &ApplicationInput,
    identity_number: &str,
    today: Date,
    age: Option<i32>,
) -> Option<Guardian> {
    if age.is_some_and(|age| age >= ADULT_AGE) {
        check.fail("uses_guardian_identity", "guardian_adult");
    }

    let name = check.person_name("guardian_name", &input.guardian_name);
    let relationship = check.choice(
        "guardian_relationship",
        choices::GUARDIAN_RELATIONSHIPS,
        &input.guardian_relationship,
    );

    // The API sends the parent's NIK in both fields; the form only in the guardian field.
    let typed = strip_separators(input.guardian_identity_number.trim());
    let nik_field = if typed.is_empty() {
        "identity_number"
    } else {
        "guardian_identity_number"
    };
    let nik = if typed.is_empty() {
        identity_number.to_owned()
    } else {
        typed
    };
    if nik.is_empty() {
        check.fail("guardian_identity_number", "required");
        return None;
    }
    if let Err(error) = Nik::parse(&nik, today) {
        check.fail(nik_field, error.code());
        return None;
    }
    if !identity_number.is_empty() && identity_number != nik {
        check.fail("guardian_identity_number", "guardian_nik_differs");
        return None;
    }

    Some(Guardian {
        name,
        relationship,
        identity_number: nik,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 01);

    fn policy() -> Policy {
        Policy {
            member_types: vec![MemberType {
                code: "umum".into(),
                name: "Umum".into(),
                validity_days: 365,
            }],
            statement_letter_outside: true,
        }
    }

    /// Returns the input of a synthetic adult living in Kota Mojokerto.
    fn resident() -> ApplicationInput {
        ApplicationInput {
            identity_type: "ktp".into(),
            identity_number: "3576014505900001".into(),
            password: "rahasia1".into(),
            email: "Contoh.Warga@Example.ID".into(),
            full_name: "Siti Contoh".into(),
            mother_maiden_name: "Ibu Contoh".into(),
            birth_place: "Mojokerto".into(),
            birth_date: "1990-05-05".into(),
            sex: "female".into(),
            occupation: "Guru".into(),
            education: "S1".into(),
            phone: "0812-3456-7890".into(),
            address: "Jl. Contoh No. 1".into(),
            rt: "001".into(),
            rw: "002".into(),
            village: "Kauman".into(),
            district: "Prajuritkulon".into(),
            regency_code: "35.76".into(),
            member_type: "umum".into(),
            consent: "on".into(),
            ..ApplicationInput::default()
        }
    }

    fn error_fields(input: &ApplicationInput) -> Vec<(&'static str, &'static str)> {
        match validate_application(input, &policy(), TODAY) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    #[test]
    fn resident_accepted_with_derived_fields() {
        let application = validate_application(&resident(), &policy(), TODAY).unwrap();
        assert_eq!(application.domicile, Domicile::KotaMojokerto);
        assert_eq!(application.id_address.regency, "Kota Mojokerto");
        assert_eq!(application.id_address.province, "Jawa Timur");
        assert_eq!(application.email_normalized, "contoh.warga@example.id");
        assert_eq!(application.phone_e164, "+6281234567890");
        assert!(application.warnings.is_empty());
        assert_eq!(
            required_uploads(&resident(), &policy()),
            vec![UploadSlot::Photo, UploadSlot::IdentityDocument]
        );
    }

    #[test]
    fn outside_resident_needs_statement_letter() {
        let mut input = resident();
        input.current_address_same = "false".into();
        input.current_address = "Jl. Lain No. 2".into();
        input.current_rt = "003".into();
        input.current_rw = "004".into();
        input.current_village = "Jembul".into();
        input.current_district = "Jatirejo".into();
        input.current_regency_code = "35.16".into();
        let application = validate_application(&input, &policy(), TODAY).unwrap();
        assert_eq!(application.domicile, Domicile::Outside);
        assert!(required_uploads(&input, &policy()).contains(&UploadSlot::StatementLetter));
    }

    #[test]
    fn field_rules() {
        type Change = fn(&mut ApplicationInput);
        let cases: Vec<(Change, (&str, &str))> = vec![
            (
                |i| i.password = "12345".into(),
                ("password", "password_too_short"),
            ),
            (
                |i| i.password_confirmation = Some("lain".into()),
                ("password_confirmation", "password_mismatch"),
            ),
            (
                |i| i.full_name = "Budi 2".into(),
                ("full_name", "name_characters"),
            ),
            (|i| i.email = "a@b".into(), ("email", "email_format")),
            (
                |i| i.birth_date = "2027-01-01".into(),
                ("birth_date", "date_in_future"),
            ),
            (|i| i.rt = "12a".into(), ("rt", "rt_rw_format")),
            (
                |i| i.regency_code = "3576".into(),
                ("regency_code", "regency_code_format"),
            ),
            (
                |i| i.education = "SMA".into(),
                ("education", "unknown_choice"),
            ),
            (
                |i| i.member_type = "vip".into(),
                ("member_type", "unknown_choice"),
            ),
            (
                |i| i.consent = String::new(),
                ("consent", "consent_required"),
            ),
            (
                |i| i.identity_type = "kia".into(),
                ("identity_type", "kia_adult"),
            ),
            (|i| i.sex = "x".into(), ("sex", "unknown_choice")),
        ];
        for (change, expected) in cases {
            let mut input = resident();
            change(&mut input);
            assert_eq!(error_fields(&input), vec![expected]);
        }
    }

    #[test]
    fn names_in_any_script() {
        for name in [
            "Nguyễn Thị Hằng",
            "李娜",
            "Ma'ruf",
            "Drs. Bambang, M.Pd.",
            "Nur\u{2019}aini",
        ] {
            assert!(is_person_name(name), "{name}");
        }
        for name in ["", "...", "Budi1", "<script>"] {
            assert!(!is_person_name(name), "{name}");
        }
    }

    #[test]
    fn nik_warnings_not_errors() {
        let mut input = resident();
        input.sex = "male".into();
        input.birth_date = "1990-05-06".into();
        let application = validate_application(&input, &policy(), TODAY).unwrap();
        assert_eq!(
            application.warnings,
            vec![
                FindingCode::NikBirthDateMismatch,
                FindingCode::NikSexMismatch
            ]
        );
    }

    #[test]
    fn minor_with_guardian_ktp() {
        let mut input = resident();
        input.birth_date = "2015-03-03".into();
        input.sex = "male".into();
        input.uses_guardian_identity = "true".into();
        input.identity_number = String::new();
        input.guardian_name = "Siti Contoh".into();
        input.guardian_relationship = "ibu".into();
        input.guardian_identity_number = "3576014505900001".into();
        let application = validate_application(&input, &policy(), TODAY).unwrap();
        assert_eq!(application.identity_number, "3576014505900001");
        assert!(application.warnings.is_empty());
        assert_eq!(
            required_uploads(&input, &policy()),
            vec![UploadSlot::Photo, UploadSlot::GuardianIdentityDocument]
        );

        input.birth_date = "2000-03-03".into();
        assert_eq!(
            error_fields(&input),
            vec![("uses_guardian_identity", "guardian_adult")]
        );
    }
}
