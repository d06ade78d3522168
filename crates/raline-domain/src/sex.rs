use serde::{Deserialize, Serialize};

/// Sex as recorded on Indonesian identity documents (two values only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// Accepts the API values and the Indonesian words and letters people use (L/P).
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_lowercase().as_str() {
            "male" | "laki-laki" | "l" => Some(Sex::Male),
            "female" | "perempuan" | "p" => Some(Sex::Female),
            _ => None,
        }
    }
}
