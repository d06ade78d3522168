//! Runs the synthetic applicants of the shared test data through validation.

use std::path::PathBuf;

use raline_domain::{ApplicationInput, MemberType, Policy, validate_application};
use serde_json::Value;
use time::macros::date;

/// "Today" in the shared test data.
const TODAY: time::Date = date!(2026 - 12 - 01);

fn shared_file(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("skipped: {} is not available", path.display());
            None
        }
    }
}

fn policy() -> Policy {
    let kind = |code: &str, days| MemberType {
        code: code.into(),
        name: code.into(),
        validity_days: days,
    };
    Policy {
        member_types: vec![
            kind("umum", 365),
            kind("pelajar", 365),
            kind("mahasiswa", 365),
        ],
        statement_letter_outside: true,
    }
}

/// Converts a test data record to form input the way the API's multipart fields arrive.
fn to_input(record: &Value) -> ApplicationInput {
    let mut fields = serde_json::Map::new();
    for (key, value) in record.as_object().unwrap() {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
            _ => continue,
        };
        fields.insert(key.clone(), Value::String(text));
    }
    if let Some(guardian) = record.get("guardian") {
        for (key, value) in guardian.as_object().unwrap() {
            fields.insert(format!("guardian_{key}"), value.clone());
        }
    }
    serde_json::from_value(Value::Object(fields)).unwrap()
}

#[test]
fn valid_applicants_accepted() {
    let Some(text) = shared_file("applicants.jsonl") else {
        return;
    };
    let mut count = 0;
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let case = record["case"].as_str().unwrap();
        let application = validate_application(&to_input(&record), &policy(), TODAY)
            .unwrap_or_else(|errors| panic!("{case}: {errors:?}"));

        assert_eq!(
            application.domicile.as_str(),
            record["expect"]["domicile"],
            "{case}"
        );
        let warnings: Vec<&str> = application.warnings.iter().map(|w| w.as_str()).collect();
        let expected: Vec<&str> = record["expect"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert_eq!(warnings, expected, "{case}");
        count += 1;
    }
    assert_eq!(count, 124);
}

#[test]
fn invalid_applicants_name_field() {
    let Some(text) = shared_file("invalid-applicants.jsonl") else {
        return;
    };
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let case = record["case"].as_str().unwrap();
        let errors = validate_application(&to_input(&record), &policy(), TODAY)
            .err()
            .unwrap_or_else(|| panic!("{case} was accepted"));
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        for expected in record["expect"]["errors"].as_array().unwrap() {
            assert!(
                fields.contains(&expected.as_str().unwrap()),
                "{case}: {fields:?}"
            );
        }
    }
}
