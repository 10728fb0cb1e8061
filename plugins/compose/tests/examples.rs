//! Native snapshots of the compose backend for every example.

use infrac_sdk::{Backend, Model, Target};
use std::path::{Path, PathBuf};

/// Checks every `.infra` file of an example directory (and its imports) into a model.
pub fn model_of(dir: &Path) -> Model {
    let mut sources = infrac_diag::SourceMap::new();
    let mut files = Vec::new();
    let mut queue: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("example dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "infra"))
        .collect();
    queue.sort();
    let mut seen = std::collections::BTreeSet::new();
    while let Some(p) = queue.pop() {
        let key = std::fs::canonicalize(&p).expect("path");
        if !seen.insert(key) {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("read");
        let id = sources.add(
            p.strip_prefix(dir).unwrap_or(&p).to_string_lossy(),
            text.clone(),
        );
        let (file, diags) = infrac_syntax::parse(id, &text);
        assert!(diags.is_empty(), "{diags:?}");
        for st in file
            .statements
            .iter()
            .filter(|s| s.keyword.name == "import")
        {
            if let Some(infrac_syntax::ast::ValueKind::String(rel)) =
                st.args.first().map(|a| &a.kind)
            {
                queue.push(p.parent().expect("parent").join(rel));
            }
        }
        files.push((id, file));
    }
    let refs: Vec<_> = files.iter().map(|(id, f)| (*id, f)).collect();
    let checked = infrac_check::check(&sources, &refs, &infrac_check::CheckOptions::default());
    checked.model.unwrap_or_else(|| {
        panic!(
            "{} does not check: {:?}",
            dir.display(),
            checked.diagnostics.first()
        )
    })
}

#[test]
fn every_example_renders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 3);
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let model = model_of(&dir);
        let mut out = String::new();
        for unit in infrac_plugin_compose::Compose::units(&model, "compose") {
            let files =
                infrac_plugin_compose::Compose::compile(&model, &Target::unit("compose", &unit))
                    .expect("compiles");
            for f in files {
                let text = String::from_utf8(f.contents).expect("utf-8");
                assert!(text.contains("cap_drop:\n      - ALL"), "{}", f.path);
                assert!(text.contains("no-new-privileges:true"), "{}", f.path);
                out.push_str(&format!("=== {}\n{text}", f.path));
            }
        }
        insta::assert_snapshot!(format!("compose-{name}"), out);
    }
}
