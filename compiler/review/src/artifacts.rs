//! The generated files that change, grouped by the unit (device, host or cluster) that renders
//! them, each with a unified diff.

use crate::Change;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeMap;

/// Lines of context around each change in a unified diff.
const CONTEXT: usize = 3;

/// One generated file, as a backend rendered it (secret placeholders kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// The unit that rendered it: `PLUGIN UNIT` (`ios paris/sw1`, `haproxy lb1`).
    pub unit: String,
    /// Path in the output tree.
    pub path: String,
    /// Contents (binary contents are compared but not shown).
    pub contents: Vec<u8>,
}

/// One file that changes.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileChange {
    /// Path in the output tree.
    pub path: String,
    /// Added, changed or removed.
    pub change: Change,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
    /// Unified diff (`--- old/PATH`, `+++ new/PATH`, hunks with three lines of context); empty
    /// for a file that is not UTF-8 text.
    pub diff: String,
}

/// The files of one unit that change.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitChange {
    /// `PLUGIN UNIT`, e.g. `ios paris/sw1`.
    pub unit: String,
    /// Added (a new unit), changed, or removed (the unit is gone).
    pub change: Change,
    /// Its files that change, by path.
    pub files: Vec<FileChange>,
}

impl UnitChange {
    /// Lines added and removed over all its files.
    pub fn lines(&self) -> (usize, usize) {
        self.files
            .iter()
            .fold((0, 0), |(a, r), f| (a + f.added, r + f.removed))
    }
}

fn by_unit(files: &[Artifact]) -> BTreeMap<&str, BTreeMap<&str, &[u8]>> {
    let mut out: BTreeMap<&str, BTreeMap<&str, &[u8]>> = BTreeMap::new();
    for f in files {
        out.entry(f.unit.as_str())
            .or_default()
            .insert(f.path.as_str(), f.contents.as_slice());
    }
    out
}

fn file_change(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> FileChange {
    let change = match (old, new) {
        (None, _) => Change::Added,
        (_, None) => Change::Removed,
        _ => Change::Changed,
    };
    fn text(b: Option<&[u8]>) -> Result<&str, std::str::Utf8Error> {
        b.map_or(Ok(""), std::str::from_utf8)
    }
    let (Ok(a), Ok(b)) = (text(old), text(new)) else {
        return FileChange {
            path: path.to_string(),
            change,
            added: 0,
            removed: 0,
            diff: String::new(),
        };
    };
    let diff = TextDiff::from_lines(a, b);
    let (mut added, mut removed) = (0, 0);
    for c in diff.iter_all_changes() {
        match c.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    let old_name = if old.is_some() {
        format!("old/{path}")
    } else {
        "/dev/null".to_string()
    };
    let new_name = if new.is_some() {
        format!("new/{path}")
    } else {
        "/dev/null".to_string()
    };
    let unified = diff
        .unified_diff()
        .context_radius(CONTEXT)
        .missing_newline_hint(true)
        .header(&old_name, &new_name)
        .to_string();
    FileChange {
        path: path.to_string(),
        change,
        added,
        removed,
        diff: unified,
    }
}

/// `contents` with the line number of every source reference (`site.infra:42`) blanked out:
/// backends cite where each rule was written, and a line moved by an edit elsewhere is not a
/// change of the artifact's meaning.
pub fn without_source_lines(contents: &[u8]) -> Vec<u8> {
    const MARK: &[u8] = b".infra:";
    let mut out = Vec::with_capacity(contents.len());
    let mut i = 0;
    while i < contents.len() {
        if contents[i..].starts_with(MARK) {
            out.extend_from_slice(MARK);
            i += MARK.len();
            let digits = contents[i..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 {
                out.push(b'#');
                i += digits;
            }
        } else {
            out.push(contents[i]);
            i += 1;
        }
    }
    out
}

/// The units whose files differ between `old` and `new`, sorted by unit, files by path; and how
/// many files differ only in the line numbers of their source references (not listed).
pub fn artifact_changes(old: &[Artifact], new: &[Artifact]) -> (Vec<UnitChange>, usize) {
    let (old, new) = (by_unit(old), by_unit(new));
    let mut names: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let empty = BTreeMap::new();
    let mut out = Vec::new();
    let mut moved_only = 0;
    for name in names {
        let (a, b) = (
            old.get(name).unwrap_or(&empty),
            new.get(name).unwrap_or(&empty),
        );
        let mut paths: Vec<&str> = a.keys().chain(b.keys()).copied().collect();
        paths.sort_unstable();
        paths.dedup();
        let mut files = Vec::new();
        for p in paths {
            let (x, y) = (a.get(p).copied(), b.get(p).copied());
            match (x, y) {
                (Some(x), Some(y)) if x == y => {}
                (Some(x), Some(y)) if without_source_lines(x) == without_source_lines(y) => {
                    moved_only += 1
                }
                _ => files.push(file_change(p, x, y)),
            }
        }
        if files.is_empty() {
            continue;
        }
        let change = match (old.contains_key(name), new.contains_key(name)) {
            (false, _) => Change::Added,
            (_, false) => Change::Removed,
            _ => Change::Changed,
        };
        out.push(UnitChange {
            unit: name.to_string(),
            change,
            files,
        });
    }
    (out, moved_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(unit: &str, path: &str, text: &str) -> Artifact {
        Artifact {
            unit: unit.into(),
            path: path.into(),
            contents: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn only_units_with_differing_files_are_listed() {
        let old = [
            art("ios s/sw1", "ios/s/sw1.cfg", "a\nb\nc\n"),
            art("frr s/r1", "frr/s/r1/frr.conf", "same\n"),
            art("haproxy lb1", "haproxy/lb1/haproxy.cfg", "gone\n"),
        ];
        let new = [
            art("ios s/sw1", "ios/s/sw1.cfg", "a\nB\nc\nd\n"),
            art("frr s/r1", "frr/s/r1/frr.conf", "same\n"),
            art("dns ns1", "dns/ns1/db.t", "new\n"),
        ];
        let (changes, moved) = artifact_changes(&old, &new);
        assert_eq!(moved, 0);
        let summary: Vec<(&str, Change, (usize, usize))> = changes
            .iter()
            .map(|u| (u.unit.as_str(), u.change, u.lines()))
            .collect();
        assert_eq!(
            summary,
            [
                ("dns ns1", Change::Added, (1, 0)),
                ("haproxy lb1", Change::Removed, (0, 1)),
                ("ios s/sw1", Change::Changed, (2, 1)),
            ]
        );
        let ios = &changes[2].files[0];
        assert!(
            ios.diff
                .starts_with("--- old/ios/s/sw1.cfg\n+++ new/ios/s/sw1.cfg\n")
        );
        assert!(ios.diff.contains("-b\n+B\n c\n+d\n"), "{}", ios.diff);
        assert!(changes[0].files[0].diff.starts_with("--- /dev/null\n"));
    }

    #[test]
    fn moved_source_lines_are_not_a_change() {
        let old = [art(
            "nftables h",
            "n/h.conf",
            "accept comment \"rule a (site.infra:12)\"\n",
        )];
        let new = [art(
            "nftables h",
            "n/h.conf",
            "accept comment \"rule a (site.infra:15)\"\n",
        )];
        assert_eq!(artifact_changes(&old, &new), (vec![], 1));
        let new = [art(
            "nftables h",
            "n/h.conf",
            "drop comment \"rule a (site.infra:15)\"\n",
        )];
        assert_eq!(artifact_changes(&old, &new).0.len(), 1);
        assert_eq!(
            without_source_lines(b"x.infra:1 y.infra: z.infra:0042."),
            b"x.infra:# y.infra: z.infra:#.".to_vec()
        );
    }

    #[test]
    fn binary_files_are_counted_but_not_shown() {
        let mut a = art("x u", "x/u.bin", "");
        a.contents = vec![0xff, 0x00];
        let mut b = a.clone();
        b.contents = vec![0xfe];
        let (changes, _) = artifact_changes(&[a], &[b]);
        assert_eq!(changes[0].files[0].diff, "");
        assert_eq!(changes[0].change, Change::Changed);
    }
}
