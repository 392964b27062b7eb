//! New tree objects made by splicing the changed entries into the raw bytes
//! of the old ones. libgit2's tree builder re-creates every entry of a tree
//! in a hash map before writing it; the 10,000-entry `tickets/` tree is
//! rewritten on every action, so splicing its bytes matters.
//!
//! A tree object is a sequence of `<octal mode> <name>\0<20-byte id>`,
//! sorted by name with directories compared as if their name ended in `/`.

use git2::{ObjectType, Odb, Oid};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

pub const FILE_MODE: u32 = 0o100644;
pub const DIR_MODE: u32 = 0o40000;

/// A path split into components, and the blob it should hold (none: removed).
pub type PathChange<'a> = (&'a [&'a str], Option<Oid>);

/// One entry of a tree object.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry<'a> {
    mode: u32,
    name: &'a [u8],
    oid: Oid,
}

impl Entry<'_> {
    fn is_dir(&self) -> bool {
        self.mode == DIR_MODE
    }
}

/// Writes the trees along the changed paths below `base` (none: an empty
/// tree) and returns the new tree's id, or `None` when it ends up empty.
#[cfg(test)]
pub fn update(
    odb: &Odb,
    base: Option<Oid>,
    changes: &[PathChange],
) -> Result<Option<Oid>, git2::Error> {
    update_in(odb, base, changes, "", &mut HashMap::new())
}

/// [`update`], also returning what the changed paths held before
/// (`/`-separated path → object id; absent paths are missing), read from
/// the trees the update reads anyway.
pub fn update_recording(
    odb: &Odb,
    base: Option<Oid>,
    changes: &[PathChange],
) -> Result<(Option<Oid>, HashMap<String, Oid>), git2::Error> {
    let mut previous = HashMap::new();
    let tree = update_in(odb, base, changes, "", &mut previous)?;
    Ok((tree, previous))
}

fn update_in(
    odb: &Odb,
    base: Option<Oid>,
    changes: &[PathChange],
    prefix: &str,
    previous: &mut HashMap<String, Oid>,
) -> Result<Option<Oid>, git2::Error> {
    let object = base.map(|oid| odb.read(oid)).transpose()?;
    let data = object.as_ref().map_or(&[][..], |o| o.data());
    let mut entries = parse(data)?;

    let mut replacements: BTreeMap<&[u8], Option<(u32, Oid)>> = BTreeMap::new();
    let mut subdirs: BTreeMap<&str, Vec<PathChange>> = BTreeMap::new();
    for (path, blob) in changes {
        match path {
            [name] => {
                if let Some(old) = entries
                    .iter()
                    .find(|e| e.name == name.as_bytes() && !e.is_dir())
                {
                    previous.insert(format!("{prefix}{name}"), old.oid);
                }
                replacements.insert(name.as_bytes(), blob.map(|oid| (FILE_MODE, oid)));
            }
            [dir, rest @ ..] => subdirs.entry(dir).or_default().push((rest, *blob)),
            [] => {}
        }
    }
    for (dir, sub_changes) in subdirs {
        let sub_base = entries
            .iter()
            .find(|e| e.name == dir.as_bytes() && e.is_dir())
            .map(|e| e.oid);
        let new = update_in(
            odb,
            sub_base,
            &sub_changes,
            &format!("{prefix}{dir}/"),
            previous,
        )?;
        replacements.insert(dir.as_bytes(), new.map(|oid| (DIR_MODE, oid)));
    }

    entries.retain(|e| !replacements.contains_key(e.name));
    for (name, value) in &replacements {
        if let Some((mode, oid)) = *value {
            let entry = Entry { mode, name, oid };
            let at = entries.partition_point(|e| order(e, &entry) == Ordering::Less);
            entries.insert(at, entry);
        }
    }
    if entries.is_empty() {
        return Ok(None);
    }
    odb.write(ObjectType::Tree, &serialise(&entries)).map(Some)
}

/// Git's tree order: byte order, a directory's name continuing with `/`.
fn order(a: &Entry, b: &Entry) -> Ordering {
    let common = a.name.len().min(b.name.len());
    a.name[..common].cmp(&b.name[..common]).then_with(|| {
        let next = |e: &Entry| {
            e.name
                .get(common)
                .copied()
                .unwrap_or(if e.is_dir() { b'/' } else { 0 })
        };
        next(a).cmp(&next(b))
    })
}

fn parse(mut data: &[u8]) -> Result<Vec<Entry<'_>>, git2::Error> {
    let bad = || git2::Error::from_str("malformed tree object");
    let mut entries = Vec::new();
    while !data.is_empty() {
        let space = data.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let mode = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|m| u32::from_str_radix(m, 8).ok())
            .ok_or_else(bad)?;
        let rest = &data[space + 1..];
        let nul = rest.iter().position(|&b| b == 0).ok_or_else(bad)?;
        let oid = rest.get(nul + 1..nul + 21).ok_or_else(bad)?;
        entries.push(Entry {
            mode,
            name: &rest[..nul],
            oid: Oid::from_bytes(oid)?,
        });
        data = &rest[nul + 21..];
    }
    Ok(entries)
}

fn serialise(entries: &[Entry]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(entries.len() * (entries.first().map_or(0, |e| e.name.len()) + 28));
    for e in entries {
        out.extend_from_slice(format!("{:o} ", e.mode).as_bytes());
        out.extend_from_slice(e.name);
        out.push(0);
        out.extend_from_slice(e.oid.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::Repository;

    /// Builds the same change with libgit2's tree builder for comparison.
    fn with_builder(
        repo: &Repository,
        base: Option<Oid>,
        name: &str,
        value: Option<(u32, Oid)>,
    ) -> Option<Oid> {
        let base = base.map(|oid| repo.find_tree(oid).unwrap());
        let mut builder = repo.treebuilder(base.as_ref()).unwrap();
        match value {
            Some((mode, oid)) => {
                builder.insert(name, oid, mode as i32).unwrap();
            }
            None => {
                let _ = builder.remove(name);
            }
        }
        (!builder.is_empty()).then(|| builder.write().unwrap())
    }

    #[test]
    fn splices_like_the_tree_builder() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let blob = repo.blob(b"x").unwrap();
        let sub = repo.treebuilder(None).unwrap();
        let mut sub = sub;
        sub.insert("f", blob, 0o100644).unwrap();
        let sub = sub.write().unwrap();
        let mut builder = repo.treebuilder(None).unwrap();
        for name in ["TKT999", "TKT1000", "a.b", "b"] {
            builder.insert(name, sub, 0o040000).unwrap();
        }
        builder.insert("a-file", blob, 0o100644).unwrap();
        let base = builder.write().unwrap();

        for name in [
            "a", "TKT1001", "TKT99", "a.b", "zz", "TKT1000", "a-file", "",
        ] {
            if name.is_empty() {
                continue;
            }
            let path = [name];
            let ours = update(&odb, Some(base), &[(&path, Some(blob))]).unwrap();
            assert_eq!(
                ours,
                with_builder(&repo, Some(base), name, Some((FILE_MODE, blob))),
                "insert {name}"
            );
            let ours = update(&odb, Some(base), &[(&path, None)]).unwrap();
            assert_eq!(
                ours,
                with_builder(&repo, Some(base), name, None),
                "remove {name}"
            );
        }
        // A new directory sorts as if its name ended in `/`.
        let path = ["a", "f"];
        let ours = update(&odb, Some(base), &[(&path, Some(blob))]).unwrap();
        let expected_sub = with_builder(&repo, None, "f", Some((FILE_MODE, blob))).unwrap();
        assert_eq!(
            ours,
            with_builder(&repo, Some(base), "a", Some((DIR_MODE, expected_sub)))
        );
        assert_eq!(update(&odb, None, &[]).unwrap(), None);
    }
}
