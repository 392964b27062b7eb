//! Categories and their registration forms: the form fields a category
//! asks for, and the checks a new ticket's answers must pass. Form checking
//! runs when a ticket is filed (`tkt new`), not when the configuration is
//! read, so it sits with the types it checks rather than in `validation`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// People new tickets in this category are assigned to.
    #[serde(default)]
    pub responsible: Vec<String>,
    /// The category's registration form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    #[default]
    Text,
    Choice,
    Date,
    Number,
}

impl FieldSpec {
    /// Checks one form answer against this field's type and choices.
    pub fn check(&self, value: &str) -> Result<(), String> {
        let value = value.trim();
        match self.kind {
            FieldType::Text => Ok(()),
            FieldType::Number if value.parse::<f64>().is_ok_and(f64::is_finite) => Ok(()),
            FieldType::Number => Err(format!(
                "field `{}` must be a number, not `{value}`",
                self.name
            )),
            FieldType::Date if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() => {
                Ok(())
            }
            FieldType::Date => Err(format!(
                "field `{}` must be a date like 2026-03-31, not `{value}`",
                self.name
            )),
            FieldType::Choice if self.choices.iter().any(|c| c == value) => Ok(()),
            FieldType::Choice => Err(format!(
                "field `{}` must be one of: {}; not `{value}`",
                self.name,
                self.choices.join(", ")
            )),
        }
    }
}

impl Category {
    /// Validates a whole form: known fields, valid values, required ones present.
    pub fn check_form(&self, answers: &BTreeMap<String, String>) -> Vec<String> {
        let mut out = Vec::new();
        for (name, value) in answers {
            match self.fields.iter().find(|f| &f.name == name) {
                Some(spec) => out.extend(spec.check(value).err()),
                None if self.fields.is_empty() => out.push(format!(
                    "category `{}` has no form fields; `{name}` is not allowed",
                    self.key
                )),
                None => out.push(format!(
                    "category `{}` has no field `{name}`; its fields: {}",
                    self.key,
                    self.fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        for spec in self.fields.iter().filter(|f| f.required) {
            if answers.get(&spec.name).is_none_or(|v| v.trim().is_empty()) {
                out.push(format!(
                    "field `{}` is required for category `{}` (add --field {}=…)",
                    spec.name, self.key, spec.name
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_checked() {
        let cat = Category {
            key: "it".into(),
            name: "IT".into(),
            description: None,
            responsible: vec![],
            fields: vec![
                FieldSpec {
                    name: "device".into(),
                    label: None,
                    kind: FieldType::Choice,
                    required: true,
                    choices: vec!["scanner".into(), "printer".into()],
                },
                FieldSpec {
                    name: "since".into(),
                    label: None,
                    kind: FieldType::Date,
                    required: false,
                    choices: vec![],
                },
            ],
        };
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(cat.check_form(&form(&[("device", "scanner")])).is_empty());
        assert_eq!(cat.check_form(&form(&[])).len(), 1);
        assert_eq!(
            cat.check_form(&form(&[
                ("device", "fax"),
                ("since", "yesterday"),
                ("x", "1")
            ]))
            .len(),
            3
        );
    }
}
