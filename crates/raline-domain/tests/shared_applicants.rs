//! Runs the synthetic applicants of the shared test data through validation.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use raline_domain::{ApplicationInput, MemberType, Policy, RegionDirectory, validate_application};
use serde_json::Value;
use time::macros::date;

/// "Today" in the shared test data.
const TODAY: time::Date = date!(2026 - 12 - 01);

fn shared_file(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("skipped: {} is not available", path.display());
            None
        }
    }
}

/// The full Kemendagri table of the shared data, with the historical district list.
static FULL_TABLE: LazyLock<Option<Arc<RegionDirectory>>> = LazyLock::new(|| {
    let current = shared_file("data/wilayah/wilayah.csv")?;
    let historical = shared_file("data/wilayah/historical-districts.csv")?;
    let read = |text: &str| -> Vec<Vec<String>> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|record| record.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let current = read(&current);
    let historical = read(&historical);
    let directory = RegionDirectory::from_table(
        current.iter().map(|row| (row[0].as_str(), row[1].as_str())),
        historical.iter().map(|row| row[0].as_str()),
    )
    .unwrap();
    Some(Arc::new(directory))
});

/// Runs `check` with the built-in region table and, when the shared data is there, with the
/// full table.
fn with_each_table(check: impl Fn(&Policy)) {
    check(&policy(Arc::new(RegionDirectory::built_in())));
    match FULL_TABLE.as_ref() {
        Some(full) => check(&policy(full.clone())),
        None => eprintln!("skipped: the full region table is not available"),
    }
}

fn policy(regions: Arc<RegionDirectory>) -> Policy {
    let kind = |code: &str, days| MemberType::new(code, code, days);
    Policy {
        member_types: vec![
            kind("umum", 365),
            kind("pelajar", 365),
            kind("mahasiswa", 365),
        ],
        statement_letter_outside: true,
        regions,
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
    let Some(text) = shared_file("testdata/applicants.jsonl") else {
        return;
    };
    with_each_table(|policy| {
        let mut count = 0;
        for line in text.lines() {
            let record: Value = serde_json::from_str(line).unwrap();
            let case = record["case"].as_str().unwrap();
            let application = validate_application(&to_input(&record), policy, TODAY)
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
    });
}

#[test]
fn invalid_applicants_name_field() {
    let Some(text) = shared_file("testdata/invalid-applicants.jsonl") else {
        return;
    };
    with_each_table(|policy| {
        for line in text.lines() {
            let record: Value = serde_json::from_str(line).unwrap();
            let case = record["case"].as_str().unwrap();
            let errors = validate_application(&to_input(&record), policy, TODAY)
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
    });
}
