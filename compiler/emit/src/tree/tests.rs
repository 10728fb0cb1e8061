use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use super::write_tree_with;
use crate::{
    EmitError, MANIFEST_NAME, Manifest, OutputFile, PathError, SecretMode, SecretValues, write_tree,
};

fn file(path: &str, contents: &str) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        contents: contents.as_bytes().to_vec(),
        plugin: "test".to_string(),
    }
}

/// Every file under `dir`, recursively, with its contents.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if entry.file_type().unwrap().is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn siblings(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn keep() -> (SecretValues, SecretMode) {
    (SecretValues::new(), SecretMode::Keep)
}

#[test]
fn writes_files_and_sorted_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (secrets, mode) = keep();
    let summary = write_tree(
        &out,
        vec![file("b/x.conf", "x"), file("a.txt", "hello")],
        &secrets,
        mode,
    )
    .unwrap();
    assert_eq!(summary.files, 2);
    assert_eq!(summary.bytes, 6);
    assert!(!summary.replaced);
    let snap = snapshot(&out);
    assert_eq!(snap["a.txt"], b"hello");
    assert_eq!(snap["b/x.conf"], b"x");
    let manifest: Manifest = serde_json::from_slice(&snap[MANIFEST_NAME]).unwrap();
    let paths: Vec<_> = manifest.files.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["a.txt", "b/x.conf"]);
    assert_eq!(
        manifest.files[0].sha256,
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(siblings(tmp.path()), ["out"]);
}

#[test]
fn replacement_removes_stale_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (secrets, mode) = keep();
    write_tree(
        &out,
        vec![file("old.txt", "1"), file("d/keep.txt", "1")],
        &secrets,
        mode,
    )
    .unwrap();
    let summary = write_tree(&out, vec![file("d/keep.txt", "2")], &secrets, mode).unwrap();
    assert!(summary.replaced);
    let snap = snapshot(&out);
    assert!(!snap.contains_key("old.txt"));
    assert_eq!(snap["d/keep.txt"], b"2");
    assert_eq!(siblings(tmp.path()), ["out"]);
}

#[test]
fn failure_mid_write_leaves_previous_tree_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (secrets, mode) = keep();
    write_tree(
        &out,
        vec![file("a.txt", "old a"), file("z/z.txt", "old z")],
        &secrets,
        mode,
    )
    .unwrap();
    let before = snapshot(&out);

    let new = vec![
        file("a.txt", "new a"),
        file("b.txt", "new b"),
        file("c.txt", "new c"),
    ];
    let fail_at_second = |i: usize| match i {
        1 => Err(io::Error::other("disk full (injected)")),
        _ => Ok(()),
    };
    let err = write_tree_with(&out, new, &secrets, mode, &fail_at_second).unwrap_err();
    assert!(matches!(err, EmitError::Io { .. }), "{err}");
    assert!(err.to_string().contains("b.txt"), "{err}");
    assert_eq!(snapshot(&out), before);
    assert_eq!(
        siblings(tmp.path()),
        ["out"],
        "temporary directory left behind"
    );
}

#[test]
fn bad_path_names_path_and_plugin_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (secrets, mode) = keep();
    write_tree(&out, vec![file("a.txt", "old")], &secrets, mode).unwrap();
    let before = snapshot(&out);
    for (bad, reason) in [
        ("../escape", PathError::ParentDir),
        ("/etc/passwd", PathError::Absolute),
        ("a\0b", PathError::Nul),
        ("a\\b", PathError::Backslash),
        ("a//b", PathError::EmptySegment),
        (MANIFEST_NAME, PathError::Reserved),
    ] {
        let mut evil = file(bad, "x");
        evil.plugin = "evil".to_string();
        let err = write_tree(&out, vec![file("ok", "x"), evil], &secrets, mode).unwrap_err();
        match &err {
            EmitError::BadPath {
                path,
                plugin,
                reason: r,
            } => {
                assert_eq!((path.as_str(), plugin.as_str(), r), (bad, "evil", &reason));
            }
            other => panic!("{bad:?}: {other}"),
        }
        assert!(err.to_string().contains("plugin `evil`"), "{err}");
        assert_eq!(snapshot(&out), before);
    }
    assert_eq!(siblings(tmp.path()), ["out"]);
}

#[test]
fn duplicates_and_file_dir_conflicts_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (secrets, mode) = keep();
    let mut second = file("a", "2");
    second.plugin = "other".to_string();
    let err = write_tree(&out, vec![file("a", "1"), second], &secrets, mode).unwrap_err();
    assert!(matches!(err, EmitError::Duplicate { .. }), "{err}");
    assert!(err.to_string().contains("`test` and `other`"), "{err}");

    let err = write_tree(&out, vec![file("a", "1"), file("a/b", "2")], &secrets, mode).unwrap_err();
    assert!(matches!(err, EmitError::FileDirConflict { .. }), "{err}");
    assert!(!out.exists());
}

#[test]
fn refuses_foreign_non_empty_directory_but_accepts_empty_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "mine").unwrap();
    let (secrets, mode) = keep();
    let err = write_tree(&out, vec![file("a", "1")], &secrets, mode).unwrap_err();
    assert!(matches!(err, EmitError::NotOurs(_)), "{err}");
    assert_eq!(std::fs::read(out.join("precious.txt")).unwrap(), b"mine");

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    write_tree(&empty, vec![file("a", "1")], &secrets, mode).unwrap();
    assert_eq!(std::fs::read(empty.join("a")).unwrap(), b"1");
}

#[test]
fn refuses_files_and_symlinks_as_output_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let (secrets, mode) = keep();
    let plain = tmp.path().join("plain");
    std::fs::write(&plain, "x").unwrap();
    let err = write_tree(&plain, vec![file("a", "1")], &secrets, mode).unwrap_err();
    assert!(matches!(err, EmitError::NotADirectory(_)), "{err}");

    #[cfg(unix)]
    {
        let target = tmp.path().join("target");
        std::fs::create_dir(&target).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = write_tree(&link, vec![file("a", "1")], &secrets, mode).unwrap_err();
        assert!(matches!(err, EmitError::NotADirectory(_)), "{err}");
    }
}

#[test]
fn keep_mode_keeps_placeholders_and_reports_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut secrets = SecretValues::new();
    secrets.insert("db.pw", "hunter2");
    let files = vec![file("my.cnf", "pw=@@secret:db.pw@@\n")];
    let summary = write_tree(&out, files, &secrets, SecretMode::Keep).unwrap();
    assert_eq!(
        std::fs::read(out.join("my.cnf")).unwrap(),
        b"pw=@@secret:db.pw@@\n"
    );
    assert_eq!(summary.kept_secrets.len(), 1);
    assert_eq!(summary.kept_secrets[0].name, "db.pw");
    assert_eq!(summary.kept_secrets[0].files, ["my.cnf"]);
}

#[test]
fn resolve_mode_substitutes_and_manifest_hashes_the_placeholder_form() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut secrets = SecretValues::new();
    secrets.insert("db.pw", "hunter2");
    let files = vec![file("my.cnf", "pw=@@secret:db.pw@@\n")];
    let summary = write_tree(&out, files.clone(), &secrets, SecretMode::Resolve).unwrap();
    assert_eq!(std::fs::read(out.join("my.cnf")).unwrap(), b"pw=hunter2\n");
    assert_eq!(summary.resolved_secrets, ["db.pw"]);
    let manifest = std::fs::read(out.join(MANIFEST_NAME)).unwrap();
    assert!(!String::from_utf8_lossy(&manifest).contains("hunter2"));

    let other = tmp.path().join("other");
    write_tree(&other, files, &SecretValues::new(), SecretMode::Keep).unwrap();
    assert_eq!(std::fs::read(other.join(MANIFEST_NAME)).unwrap(), manifest);
}

#[test]
fn resolve_mode_lists_every_missing_secret_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut secrets = SecretValues::new();
    secrets.insert("known", "v");
    let files = vec![
        file("a.conf", "@@secret:one@@ @@secret:known@@"),
        file("b.conf", "@@secret:two@@ @@secret:one@@"),
    ];
    let err = write_tree(&out, files, &secrets, SecretMode::Resolve).unwrap_err();
    let EmitError::MissingSecrets(missing) = &err else {
        panic!("{err}");
    };
    let got: Vec<_> = missing
        .iter()
        .map(|m| (m.name.as_str(), m.files.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("one", vec!["a.conf".to_string(), "b.conf".to_string()]),
            ("two", vec!["b.conf".to_string()]),
        ]
    );
    assert!(
        err.to_string().contains("`one` (in a.conf, b.conf)"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn output_is_deterministic_whatever_the_input_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (secrets, mode) = keep();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    write_tree(&a, vec![file("x", "1"), file("y/z", "2")], &secrets, mode).unwrap();
    write_tree(&b, vec![file("y/z", "2"), file("x", "1")], &secrets, mode).unwrap();
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn relative_output_dir_without_parent_works() {
    let tmp = tempfile::tempdir().unwrap();
    let (secrets, mode) = keep();
    let err = write_tree(Path::new("/"), vec![file("x", "1")], &secrets, mode).unwrap_err();
    assert!(matches!(err, EmitError::BadOutputDir(_)), "{err}");
    let nested = tmp.path().join("new/parent/out");
    write_tree(&nested, vec![file("x", "1")], &secrets, mode).unwrap();
    assert_eq!(std::fs::read(nested.join("x")).unwrap(), b"1");
}
