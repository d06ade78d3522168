//! Region choices of the address fields: cascading lists that work without JavaScript, and
//! the JSON list that the form's script uses to fill them in place.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use raline_domain::region::{Level, RegionCode, RegionDirectory};
use raline_domain::{ApplicationInput, region};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiError;
use crate::error::WebError;

/// One option of a region list.
#[derive(Debug, Clone, Serialize)]
pub struct RegionChoice {
    pub value: String,
    pub label: String,
}

/// The four lists of one address block and the code chosen in each.
#[derive(Debug, Default, Serialize)]
pub struct Cascade {
    pub provinces: Vec<RegionChoice>,
    pub regencies: Vec<RegionChoice>,
    pub districts: Vec<RegionChoice>,
    pub villages: Vec<RegionChoice>,
    /// Chosen codes by field suffix (`province_code`, …), empty where nothing is chosen. A
    /// choice that no longer lies in the region chosen above it is dropped.
    pub selected: BTreeMap<&'static str, String>,
}

fn choices(regions: &RegionDirectory, parent: Option<RegionCode>) -> Vec<RegionChoice> {
    regions
        .children(parent)
        .into_iter()
        .map(|region| RegionChoice {
            value: region.code,
            label: region.name.to_owned(),
        })
        .collect()
}

/// Builds the lists of one address block from the codes typed so far, top down. A code
/// sent without its parents (the API sends only the village) selects its parents too.
pub fn cascade(regions: &RegionDirectory, codes: [&str; 4]) -> Cascade {
    let parsed: Vec<Option<RegionCode>> = codes
        .iter()
        .zip(Level::ALL)
        .map(|(code, level)| RegionCode::parse(code.trim()).filter(|code| code.level == level))
        .collect();
    let deepest = parsed.iter().rev().flatten().next().copied();

    let mut chosen: Vec<RegionCode> = Vec::new();
    for (index, level) in Level::ALL.into_iter().enumerate() {
        let candidate = parsed[index].or_else(|| deepest.and_then(|code| code.ancestor(level)));
        let fits = candidate.filter(|code| {
            chosen.last().is_none_or(|parent| code.is_within(*parent))
                && regions.name(*code).is_some()
        });
        match fits {
            Some(code) => chosen.push(code),
            None => break,
        }
    }

    let mut cascade = Cascade {
        provinces: choices(regions, None),
        ..Cascade::default()
    };
    let names = [
        "province_code",
        "regency_code",
        "district_code",
        "village_code",
    ];
    for name in names {
        cascade.selected.insert(name, String::new());
    }
    for (index, code) in chosen.iter().enumerate() {
        cascade.selected.insert(names[index], code.to_string());
        let list = choices(regions, Some(*code));
        match index {
            0 => cascade.regencies = list,
            1 => cascade.districts = list,
            2 => cascade.villages = list,
            _ => {}
        }
    }
    cascade
}

/// Builds the cascades of both address blocks of a form.
pub fn form_cascades(regions: &RegionDirectory, values: &ApplicationInput) -> [Cascade; 2] {
    [
        cascade(
            regions,
            [
                &values.province_code,
                &values.regency_code,
                &values.district_code,
                &values.village_code,
            ],
        ),
        cascade(
            regions,
            [
                &values.current_province_code,
                &values.current_regency_code,
                &values.current_district_code,
                &values.current_village_code,
            ],
        ),
    ]
}

/// Lists for the form built on the built-in table: Jawa Timur's regencies to choose from,
/// the provinces by name, and Kota Mojokerto's districts and villages as typing hints.
pub fn built_in_lists(regions: &RegionDirectory) -> minijinja::Value {
    let names = |parent: &str| -> Vec<String> {
        RegionCode::parse(parent)
            .map(|code| {
                regions
                    .children(Some(code))
                    .into_iter()
                    .map(|region| region.name.to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let regencies = RegionCode::parse(region::JAWA_TIMUR)
        .map(|code| choices(regions, Some(code)))
        .unwrap_or_default();
    let provinces: Vec<RegionChoice> = regions
        .children(None)
        .into_iter()
        .map(|region| RegionChoice {
            value: region.name.to_owned(),
            label: region.name.to_owned(),
        })
        .collect();
    let districts = names(region::KOTA_MOJOKERTO);
    let villages: Vec<String> = RegionCode::parse(region::KOTA_MOJOKERTO)
        .map(|city| regions.children(Some(city)))
        .unwrap_or_default()
        .iter()
        .flat_map(|district| names(&district.code))
        .collect();
    minijinja::context! {
        regencies,
        provinces,
        villages,
        districts,
    }
}

#[derive(Deserialize)]
pub struct ChildrenQuery {
    parent: Option<String>,
}

/// `GET /api/v1/regions?parent=35.76`: the regions inside `parent`, or the provinces.
/// The lists change only with an import, so browsers may keep them for a day.
pub async fn children(
    State(state): State<AppState>,
    Query(query): Query<ChildrenQuery>,
) -> Result<Response, ApiError> {
    let regions = &state.policy().regions;
    let parent = match query.parent.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(RegionCode::parse(code).ok_or_else(|| {
            ApiError::from(WebError::BadRequest(format!(
                "`parent` must be a region code like 35.76, not {code:?}"
            )))
        })?),
    };
    let list = choices(regions, parent);
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        )],
        Json(serde_json::json!({
            "complete": regions.is_complete(),
            "regions": list.iter().map(|choice| serde_json::json!({
                "code": choice.value,
                "name": choice.label,
            })).collect::<Vec<_>>(),
        })),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RegionDirectory {
        RegionDirectory::from_table(
            [
                ("35", "Jawa Timur"),
                ("35.16", "Kabupaten Mojokerto"),
                ("35.16.01", "Jatirejo"),
                ("35.76", "Kota Mojokerto"),
                ("35.76.01", "Prajuritkulon"),
                ("35.76.01.1004", "Kauman"),
                ("36", "Banten"),
            ],
            [],
        )
        .unwrap()
    }

    #[test]
    fn cascade_follows_choices() {
        let regions = table();
        let empty = cascade(&regions, ["", "", "", ""]);
        assert_eq!(empty.provinces.len(), 2);
        assert!(empty.regencies.is_empty());

        let chosen = cascade(&regions, ["35", "35.76", "35.76.01", ""]);
        assert_eq!(chosen.regencies.len(), 2);
        assert_eq!(chosen.villages.len(), 1);
        assert_eq!(chosen.selected["district_code"], "35.76.01");

        // Changing the province drops the choices below it.
        let changed = cascade(&regions, ["36", "35.76", "35.76.01", "35.76.01.1004"]);
        assert_eq!(changed.selected["province_code"], "36");
        assert_eq!(changed.selected["regency_code"], "");
        assert!(changed.regencies.is_empty());

        // A village alone selects its parents.
        let village = cascade(&regions, ["", "", "", "35.76.01.1004"]);
        assert_eq!(village.selected["province_code"], "35");
        assert_eq!(village.selected["regency_code"], "35.76");
    }
}
