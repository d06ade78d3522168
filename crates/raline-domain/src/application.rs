//! The registration form: raw input, validation rules and the validated application.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::choices::{self, find_choice};
use crate::dates::age_on;
use crate::finding::FindingCode;
use crate::identity::{IdentityType, Nik, normalize_other_identity, strip_separators};
use crate::names::name_key;
use crate::phone::normalize_phone;
use crate::region::{Domicile, Level, RegionCode, RegionDirectory};
use crate::sex::Sex;

/// Minimum password length, counted in characters.
pub const MIN_PASSWORD_CHARS: usize = 6;

/// Age from which an applicant counts as an adult for KIA and guardian rules, and from which
/// a SIM can be held.
pub const ADULT_AGE: i32 = 17;

/// Minimum age of an unmarried KTP holder, because the KTP-el is recorded at 16 and some
/// regions issue it before the 17th birthday. Married people may have one at any age.
pub const EARLY_KTP_AGE: i32 = 16;

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
    pub district_code: String,
    pub district: String,
    pub regency_code: String,
    pub regency: String,
    pub province_code: String,
    pub province: String,
    pub current_address_same: String,
    pub current_address: String,
    pub current_rt: String,
    pub current_rw: String,
    pub current_village_code: String,
    pub current_village: String,
    pub current_district_code: String,
    pub current_district: String,
    pub current_regency_code: String,
    pub current_regency: String,
    pub current_province_code: String,
    pub current_province: String,
    pub member_type: String,
    pub consent: String,
    /// A form flag (see [`parse_flag`]): notices by e-mail only, none by WhatsApp. Stored
    /// with the application, not validated.
    pub whatsapp_opt_out: String,
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

/// A member type the library offers, with the validity of a new card and its renewal rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberType {
    pub code: String,
    pub name: String,
    pub validity_days: u32,
    #[serde(default)]
    pub renewal: crate::renewal::RenewalRules,
}

impl MemberType {
    /// Creates a member type with the default renewal rules.
    pub fn new(code: &str, name: &str, validity_days: u32) -> Self {
        MemberType {
            code: code.to_owned(),
            name: name.to_owned(),
            validity_days,
            renewal: crate::renewal::RenewalRules::default(),
        }
    }
}

/// Library rules and reference data that validation depends on.
#[derive(Debug, Clone)]
pub struct Policy {
    pub member_types: Vec<MemberType>,
    /// Whether people living outside Kota Mojokerto must upload a statement letter.
    pub statement_letter_outside: bool,
    /// The region table: built in, or the full one once imported.
    pub regions: Arc<RegionDirectory>,
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
    /// The name without case, accents or punctuation, used to find duplicates.
    pub name_key: String,
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
    let fields = if same_address {
        AddressFields::on_identity_card(input)
    } else {
        AddressFields::current(input)
    };
    let regency_code = [
        fields.village_code,
        fields.district_code,
        fields.regency_code,
    ]
    .iter()
    .find_map(|(_, value)| RegionCode::parse(value.trim()))
    .and_then(|code| code.ancestor(Level::Regency))
    .map(|code| code.to_string());
    let domicile = Domicile::from_regency_code(regency_code.as_deref());
    // Until a regency is chosen or typed the domicile is unknown; the address fields already
    // carry their own messages then.
    let regency_given = regency_code.is_some() || !fields.regency.1.trim().is_empty();
    if domicile == Domicile::Outside && policy.statement_letter_outside && regency_given {
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
    // The part before the @ is printable ASCII: mail servers without SMTPUTF8 refuse
    // anything else, and invisible characters would make two addresses look alike.
    !local.is_empty()
        && local.len() <= 64
        && value.len() <= 254
        && local.chars().all(|c| c.is_ascii_graphic() && c != '@')
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

    let regions = &policy.regions;
    let id_address = read_address(&mut check, AddressFields::on_identity_card(input), regions);
    let current_address_same =
        input.current_address_same.trim().is_empty() || parse_flag(&input.current_address_same);
    let current_address = if current_address_same {
        None
    } else {
        Some(read_address(
            &mut check,
            AddressFields::current(input),
            regions,
        ))
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
        guardian = read_guardian(&mut check, input, &identity_number, today, age, regions);
    } else if identity_number.is_empty() {
        check.fail("identity_number", "required");
    }

    // Decide by the document the applicant has, not by age alone: a 16-year-old may have a
    // KTP, and a married person may have one at any age.
    let ever_married = marital_status
        .as_deref()
        .is_some_and(|status| status != "belum_kawin");
    let younger_than = |limit: i32| age.is_some_and(|age| age < limit);
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
        Some(IdentityType::Ktp)
            if !uses_guardian && younger_than(EARLY_KTP_AGE) && !ever_married =>
        {
            check.fail("identity_type", "ktp_underage")
        }
        Some(IdentityType::Sim) if younger_than(ADULT_AGE) => {
            check.fail("identity_type", "sim_underage")
        }
        _ => {}
    }

    let identity_number = match (identity_type, &guardian) {
        (_, Some(guardian)) => guardian.identity_number.clone(),
        (Some(kind), None) if kind.carries_nik() && !identity_number.is_empty() => {
            match Nik::parse(&identity_number, today, regions) {
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
        (Some(kind), None) if !identity_number.is_empty() => {
            match normalize_other_identity(kind, &input.identity_number) {
                Ok(stored) => stored,
                Err(code) => {
                    check.fail("identity_number", code);
                    identity_number
                }
            }
        }
        (_, None) => identity_number,
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
        name_key: name_key(&full_name),
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

/// A form field name with its value.
type Field<'a> = (&'static str, &'a str);

/// The form fields of one address block.
struct AddressFields<'a> {
    street: Field<'a>,
    rt: Field<'a>,
    rw: Field<'a>,
    village: Field<'a>,
    village_code: Field<'a>,
    district: Field<'a>,
    district_code: Field<'a>,
    regency: Field<'a>,
    regency_code: Field<'a>,
    province: Field<'a>,
    province_code: Field<'a>,
}

impl<'a> AddressFields<'a> {
    fn on_identity_card(input: &'a ApplicationInput) -> Self {
        AddressFields {
            street: ("address", &input.address),
            rt: ("rt", &input.rt),
            rw: ("rw", &input.rw),
            village: ("village", &input.village),
            village_code: ("village_code", &input.village_code),
            district: ("district", &input.district),
            district_code: ("district_code", &input.district_code),
            regency: ("regency", &input.regency),
            regency_code: ("regency_code", &input.regency_code),
            province: ("province", &input.province),
            province_code: ("province_code", &input.province_code),
        }
    }

    fn current(input: &'a ApplicationInput) -> Self {
        AddressFields {
            street: ("current_address", &input.current_address),
            rt: ("current_rt", &input.current_rt),
            rw: ("current_rw", &input.current_rw),
            village: ("current_village", &input.current_village),
            village_code: ("current_village_code", &input.current_village_code),
            district: ("current_district", &input.current_district),
            district_code: ("current_district_code", &input.current_district_code),
            regency: ("current_regency", &input.current_regency),
            regency_code: ("current_regency_code", &input.current_regency_code),
            province: ("current_province", &input.current_province),
            province_code: ("current_province_code", &input.current_province_code),
        }
    }
}

/// Reads an address.
///
/// Region codes, when sent, must be well formed and agree with each other (a village inside
/// the district chosen). The most specific code fills in the names of its village, district,
/// regency and province from the region table. Levels missing from the table keep the names
/// typed.
/// With the full imported table every code sent must exist and a village code is required,
/// whatever names are typed; with the built-in table only Kota Mojokerto's villages are
/// listed.
fn read_address(
    check: &mut Checker,
    fields: AddressFields<'_>,
    regions: &RegionDirectory,
) -> Address {
    let street = check.text(fields.street.0, fields.street.1);
    let rt = check.neighbourhood_number(fields.rt.0, fields.rt.1);
    let rw = check.neighbourhood_number(fields.rw.0, fields.rw.1);

    // Most specific first, so that a disagreement is reported on the more specific field.
    let code_fields = [
        (fields.village_code, Level::Village),
        (fields.district_code, Level::District),
        (fields.regency_code, Level::Regency),
        (fields.province_code, Level::Province),
    ];
    let mut most_specific: Option<RegionCode> = None;
    let errors_before = check.errors.len();
    for ((field, value), level) in code_fields {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let Some(code) = RegionCode::parse(value).filter(|code| code.level == level) else {
            check.fail(field, "region_code_format");
            continue;
        };
        if regions.is_listed(code) == Some(false) {
            check.fail(field, "region_unknown");
            continue;
        }
        match most_specific {
            Some(inner) if !inner.is_within(code) => {
                let inner_field = code_fields
                    .iter()
                    .find(|(_, level)| *level == inner.level)
                    .map_or(field, |((name, _), _)| name);
                check.fail(inner_field, "region_mismatch");
            }
            Some(_) => {}
            None => most_specific = Some(code),
        }
    }

    // A wrong code already has its message; asking for names as well would only add noise.
    let code_failed = check.errors.len() > errors_before;
    let known_name = |level: Level| {
        most_specific
            .and_then(|code| code.ancestor(level))
            .and_then(|code| regions.name(code))
            .map(str::to_owned)
    };
    // With the full table the form offers one list per level, chosen from the top down, so
    // a missing choice is reported once, at the first list still to choose from.
    let mut choice_missing = false;
    let mut name_at = |level: Level, typed: Field<'_>, code_field: &'static str| {
        if let Some(name) = known_name(level) {
            return name;
        }
        if code_failed || choice_missing {
            return typed.1.trim().to_owned();
        }
        // With the full table only a listed village counts, so typed names cannot move an
        // applicant into or out of the city.
        if regions.is_complete() {
            check.fail(code_field, "required");
            choice_missing = true;
            return String::new();
        }
        check.text(typed.0, typed.1)
    };
    let province = name_at(Level::Province, fields.province, fields.province_code.0);
    let regency = name_at(Level::Regency, fields.regency, fields.regency_code.0);
    let district = name_at(Level::District, fields.district, fields.district_code.0);
    let village = name_at(Level::Village, fields.village, fields.village_code.0);

    let code_at = |level| {
        most_specific
            .and_then(|code| code.ancestor(level))
            .map(|code| code.to_string())
    };

    Address {
        street,
        rt,
        rw,
        village,
        village_code: code_at(Level::Village),
        district,
        regency,
        regency_code: code_at(Level::Regency),
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
    regions: &RegionDirectory,
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
    match Nik::parse(&nik, today, regions) {
        Err(error) => {
            check.fail(nik_field, error.code());
            return None;
        }
        // The holder of the KTP used in place of the child's own card is an adult.
        Ok(parsed) if age_on(parsed.birth_date(), today) < ADULT_AGE => {
            check.fail(nik_field, "guardian_nik_minor");
            return None;
        }
        Ok(_) => {}
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
            member_types: vec![MemberType::new("umum", "Umum", 365)],
            statement_letter_outside: true,
            regions: Arc::new(RegionDirectory::built_in()),
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
                ("regency_code", "region_code_format"),
            ),
            (
                |i| i.regency_code = "35.30".into(),
                ("regency_code", "region_unknown"),
            ),
            (
                |i| i.village_code = "35.16.01.2001".into(),
                ("village_code", "region_mismatch"),
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
    fn identity_document_by_age() {
        // (identity type, birth date, marital status, expected errors); TODAY is 2026-12-01.
        type Case = (
            &'static str,
            &'static str,
            &'static str,
            Vec<(&'static str, &'static str)>,
        );
        let cases: Vec<Case> = vec![
            ("ktp", "2010-12-01", "belum_kawin", vec![]),
            (
                "ktp",
                "2010-12-02",
                "belum_kawin",
                vec![("identity_type", "ktp_underage")],
            ),
            ("ktp", "2012-01-01", "kawin", vec![]),
            ("ktp", "2014-06-30", "cerai_hidup", vec![]),
            ("kia", "2009-12-02", "belum_kawin", vec![]),
            (
                "kia",
                "2009-12-01",
                "belum_kawin",
                vec![("identity_type", "kia_adult")],
            ),
            ("sim", "2009-12-01", "belum_kawin", vec![]),
            (
                "sim",
                "2009-12-02",
                "belum_kawin",
                vec![("identity_type", "sim_underage")],
            ),
            ("kartu_pelajar", "2012-01-01", "belum_kawin", vec![]),
        ];
        for (kind, birth_date, marital, expected) in cases {
            let mut input = resident();
            input.identity_type = kind.into();
            input.birth_date = birth_date.into();
            input.marital_status = marital.into();
            input.identity_number = match kind {
                "sim" => "1234-5678-9012".into(),
                "kartu_pelajar" => "0091234567".into(),
                _ => input.identity_number,
            };
            assert_eq!(
                error_fields(&input),
                expected,
                "{kind} {birth_date} {marital}"
            );
        }
    }

    #[test]
    fn identity_number_formats_by_type() {
        let cases = [
            ("sim", "12345", Some("sim_format")),
            ("paspor", "C1234567", None),
            ("paspor", "C12", Some("passport_format")),
            ("kartu_pelajar", "123", Some("nisn_format")),
            ("kitas", "2C11AB1234", None),
            ("kitap", "??", Some("kitas_format")),
            ("ktp", "3576044505900001", Some("nik_unknown_district")),
        ];
        for (kind, number, code) in cases {
            let mut input = resident();
            input.identity_type = kind.into();
            input.identity_number = number.into();
            let expected: Vec<_> = code
                .map(|code| ("identity_number", code))
                .into_iter()
                .collect();
            assert_eq!(error_fields(&input), expected, "{kind} {number}");
        }
    }

    #[test]
    fn guardian_must_be_adult() {
        let mut input = resident();
        input.birth_date = "2015-03-03".into();
        input.uses_guardian_identity = "true".into();
        input.identity_number = String::new();
        input.guardian_name = "Kakak Contoh".into();
        input.guardian_relationship = "wali".into();
        input.guardian_identity_number = "3576014505100001".into();
        assert_eq!(
            error_fields(&input),
            vec![("guardian_identity_number", "guardian_nik_minor")]
        );
    }

    /// Returns a policy with a table in the shape of the imported one, small enough to read.
    fn full_policy() -> Policy {
        let rows = [
            ("35", "Jawa Timur"),
            ("35.16", "Kabupaten Mojokerto"),
            ("35.16.01", "Jatirejo"),
            ("35.16.01.2001", "Jembul"),
            ("35.76", "Kota Mojokerto"),
            ("35.76.01", "Prajuritkulon"),
            ("35.76.01.1004", "Kauman"),
        ];
        Policy {
            regions: Arc::new(RegionDirectory::from_table(rows, []).unwrap()),
            ..policy()
        }
    }

    #[test]
    fn addresses_with_the_full_table() {
        let full = full_policy();
        let validate = |input: &ApplicationInput| {
            validate_application(input, &full, TODAY)
                .map_err(|errors| errors.iter().map(|e| (e.field, e.code)).collect::<Vec<_>>())
        };

        let mut input = resident();
        input.village = String::new();
        input.district = String::new();
        input.regency_code = String::new();
        input.village_code = "35.76.01.1004".into();
        let application = validate(&input).unwrap();
        assert_eq!(application.id_address.village, "Kauman");
        assert_eq!(application.id_address.district, "Prajuritkulon");
        assert_eq!(application.id_address.regency, "Kota Mojokerto");
        assert_eq!(application.id_address.province, "Jawa Timur");
        assert_eq!(
            application.id_address.regency_code.as_deref(),
            Some("35.76")
        );
        assert_eq!(application.domicile, Domicile::KotaMojokerto);

        type Case = (fn(&mut ApplicationInput), Vec<(&'static str, &'static str)>);
        let cases: Vec<Case> = vec![
            (
                |i| i.village_code = String::new(),
                vec![("province_code", "required")],
            ),
            (
                |i| {
                    i.village_code = String::new();
                    i.district_code = "35.76.01".into();
                },
                vec![("village_code", "required")],
            ),
            (
                |i| i.village_code = "35.76.01.1099".into(),
                vec![("village_code", "region_unknown")],
            ),
            (
                |i| {
                    i.village_code = String::new();
                    i.village = "Kauman".into();
                    i.district = "Prajuritkulon".into();
                    i.regency_code = "35.76".into();
                },
                vec![("district_code", "required")],
            ),
            (
                |i| i.district_code = "35.16.01".into(),
                vec![("village_code", "region_mismatch")],
            ),
            (
                |i| i.province_code = "3x".into(),
                vec![("province_code", "region_code_format")],
            ),
        ];
        for (change, expected) in cases {
            let mut changed = input.clone();
            change(&mut changed);
            assert_eq!(validate(&changed).err().unwrap_or_default(), expected);
        }

        // Living in Kabupaten Mojokerto is living outside the city, whatever the NIK prefix is.
        let mut outside = input.clone();
        outside.current_address_same = "false".into();
        outside.current_address = "Dusun Jembul".into();
        outside.current_rt = "001".into();
        outside.current_rw = "001".into();
        outside.current_village_code = "35.16.01.2001".into();
        let application = validate(&outside).unwrap();
        assert_eq!(application.domicile, Domicile::Outside);
        assert!(required_uploads(&outside, &full).contains(&UploadSlot::StatementLetter));
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
