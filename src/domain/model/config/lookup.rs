//! Finding a person, category or view by key, and the errors that list
//! what does exist when the key is unknown, so commands that take a key
//! from the user all answer a typo the same way.

use super::{Category, Config, Person, View};

impl Config {
    pub fn person(&self, key: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.key == key)
    }

    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key == key)
    }

    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    /// Looks a person up by key, with an error listing who exists.
    pub fn require_person(&self, key: &str) -> Result<&Person, String> {
        self.person(key).ok_or_else(|| {
            format!(
                "unknown person `{key}`; known: {} (add one with `tkt person add`)",
                join_keys(self.people.iter().map(|p| p.key.as_str()))
            )
        })
    }

    pub fn require_category(&self, key: &str) -> Result<&Category, String> {
        self.category(key).ok_or_else(|| {
            format!(
                "unknown category `{key}`; allowed: {}",
                join_keys(self.categories.iter().map(|c| c.key.as_str()))
            )
        })
    }

    pub fn require_view(&self, name: &str) -> Result<&View, String> {
        self.view(name).ok_or_else(|| {
            if self.views.is_empty() {
                format!("unknown view `{name}`; helpdesk.yaml defines no views")
            } else {
                format!(
                    "unknown view `{name}`; defined: {}",
                    join_keys(self.views.iter().map(|v| v.name.as_str()))
                )
            }
        })
    }
}

fn join_keys<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<_> = keys.collect();
    if list.is_empty() {
        "(none)".into()
    } else {
        list.join(", ")
    }
}
