//! Edits to `helpdesk.yaml` that keep the user's comments and layout: new
//! entries are spliced into the text, then the result is re-parsed to prove
//! the edit meant exactly what was intended.

use crate::domain::model::{Config, Person};

/// Adds `person` at the end of the `people:` list. Falls back to
/// re-serialising the whole file (losing comments) only when the text
/// layout is one this splice does not understand.
pub fn add_person(
    text: &str,
    config: &Config,
    person: &Person,
) -> Result<String, serde_yaml::Error> {
    let mut expected = config.clone();
    expected.people.push(person.clone());
    if let Some(spliced) = splice_person(text, person) {
        if Config::parse(&spliced).is_ok_and(|c| c == expected) {
            return Ok(spliced);
        }
    }
    serde_yaml::to_string(&expected)
}

fn splice_person(text: &str, person: &Person) -> Option<String> {
    let item = serde_yaml::to_string(&[person]).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_end() == "people:") else {
        let mut out = text.trim_end().to_string();
        out.push_str("\npeople:\n");
        out.push_str(&item);
        return Some(out);
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with([' ', '\t', '-', '#']))
        .map_or(lines.len(), |i| start + 1 + i);
    let last_item_line = (start + 1..end)
        .rev()
        .find(|&i| !lines[i].trim().is_empty() && !lines[i].trim_start().starts_with('#'))
        .unwrap_or(start);
    let indent = lines[start + 1..end]
        .iter()
        .find(|l| l.trim_start().starts_with("- "))
        .map_or(2, |l| l.len() - l.trim_start().len());
    let pad = " ".repeat(indent);
    let mut out: Vec<String> = lines[..=last_item_line]
        .iter()
        .map(|l| l.to_string())
        .collect();
    out.extend(item.lines().map(|l| format!("{pad}{l}")));
    out.extend(lines[last_item_line + 1..].iter().map(|l| l.to_string()));
    Some(out.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Role;

    fn zoe() -> Person {
        Person {
            key: "zoe".into(),
            name: "Zoë \"Z\" O'Neil: ops".into(),
            email: "zoe@example.org".into(),
            role: Role::Operator,
        }
    }

    #[test]
    fn keeps_comments() {
        let text = "# my desk\nname: Desk\npeople:\n  # the boss\n  - key: ana\n    name: Ana\n    email: ana@x.org\n    role: admin\n\n# categories below\ncategories:\n  - key: it\n    name: IT\n    responsible: [ana]\n";
        let config = Config::parse(text).unwrap();
        let out = add_person(text, &config, &zoe()).unwrap();
        assert!(
            out.contains("# the boss") && out.contains("# categories below"),
            "{out}"
        );
        assert_eq!(Config::parse(&out).unwrap().people[1], zoe());
    }

    #[test]
    fn handles_flow_style_by_rewriting() {
        let text = "name: Desk\npeople: []\ncategories: [{key: it, name: IT}]\n";
        let config = Config::parse(text).unwrap();
        let out = add_person(text, &config, &zoe()).unwrap();
        assert_eq!(Config::parse(&out).unwrap().people, vec![zoe()]);
    }
}
