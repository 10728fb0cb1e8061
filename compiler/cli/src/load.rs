//! Reading sources: the only place the front end touches the file system. Follows imports,
//! reads each file once, detects cycles, and parses every file.

use infrac_diag::{Diagnostic, FileId, SourceMap, Span, codes};
use infrac_syntax::ast::{self, ValueKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Every file of a model, parsed.
pub struct Loaded {
    /// Source texts; names are relative to `root`.
    pub sources: SourceMap,
    /// Parsed files in load order.
    pub files: Vec<(FileId, ast::File)>,
    /// Parse and import diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// The project root: the directory given, or the directory of the file given.
    pub root: PathBuf,
}

impl Loaded {
    /// The parsed files as the checker takes them.
    pub fn file_refs(&self) -> Vec<(FileId, &ast::File)> {
        self.files.iter().map(|(id, f)| (*id, f)).collect()
    }
}

/// An error reading the input given on the command line (exit code 2).
#[derive(Debug)]
pub struct LoadError(pub String);

/// When the first [`load`] began and ended (for `INFRAC_TIMINGS`).
static LOAD_TIMES: std::sync::OnceLock<(Instant, Instant)> = std::sync::OnceLock::new();

/// When the first [`load`] of the process began and ended.
pub fn load_times() -> Option<(Instant, Instant)> {
    LOAD_TIMES.get().copied()
}

/// Loads a `.infra` file with its imports, or every `*.infra` file of a directory.
pub fn load(path: &Path, extra: &[PathBuf]) -> Result<Loaded, LoadError> {
    let started = Instant::now();
    let loaded = load_inner(path, extra)?;
    let _ = LOAD_TIMES.set((started, Instant::now()));
    Ok(loaded)
}

fn load_inner(path: &Path, extra: &[PathBuf]) -> Result<Loaded, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        LoadError(format!(
            "cannot read `{}`: {}",
            path.display(),
            io_reason(&e)
        ))
    })?;
    let (root, entries) = if meta.is_dir() {
        (path.to_path_buf(), infra_files(path)?)
    } else {
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (root, vec![path.to_path_buf()])
    };
    let mut loader = Loader {
        root: root.clone(),
        loaded: Loaded {
            sources: SourceMap::new(),
            files: Vec::new(),
            diagnostics: Vec::new(),
            root,
        },
        seen: BTreeMap::new(),
        stack: Vec::new(),
    };
    for e in entries.iter().chain(extra) {
        let text = std::fs::read(e).map_err(|err| {
            LoadError(format!(
                "cannot read `{}`: {}",
                e.display(),
                io_reason(&err)
            ))
        })?;
        loader.file(e, text, None);
    }
    Ok(loader.loaded)
}

/// The `*.infra` files of a directory (and of `extra` policy directories), sorted by name.
pub fn infra_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        LoadError(format!(
            "cannot read directory `{}`: {}",
            dir.display(),
            io_reason(&e)
        ))
    })?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "infra") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(LoadError(format!(
            "`{}` holds no .infra file",
            dir.display()
        )));
    }
    Ok(files)
}

struct Loader {
    root: PathBuf,
    loaded: Loaded,
    seen: BTreeMap<PathBuf, FileId>,
    stack: Vec<PathBuf>,
}

impl Loader {
    fn name(&self, path: &Path) -> String {
        let path = normalize(path);
        let root = normalize(&self.root);
        let rel = match path.strip_prefix(&root) {
            Ok(rel) => rel.to_path_buf(),
            // A file outside the model's directory (an imported policy pack): relative to the
            // root through `..`, so that root + name is where the file is.
            Err(_) if path.is_absolute() == root.is_absolute() => {
                let common = path
                    .components()
                    .zip(root.components())
                    .take_while(|(a, b)| a == b)
                    .count();
                let ups = root.components().count() - common;
                std::iter::repeat_n(std::path::Component::ParentDir, ups)
                    .chain(path.components().skip(common))
                    .collect()
            }
            Err(_) => path.clone(),
        };
        rel.to_string_lossy().replace('\\', "/")
    }

    fn file(&mut self, path: &Path, bytes: Vec<u8>, import_span: Option<Span>) {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.stack.contains(&key) {
            if let Some(span) = import_span {
                let chain: Vec<String> = self
                    .stack
                    .iter()
                    .chain(std::iter::once(&key))
                    .map(|p| {
                        p.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    })
                    .collect();
                self.loaded.diagnostics.push(
                    Diagnostic::error(
                        codes::E0152,
                        span,
                        format!("import cycle: {}", chain.join(" -> ")),
                    )
                    .with_help("each file is read once; remove one of the imports"),
                );
            }
            return;
        }
        if self.seen.contains_key(&key) {
            return;
        }
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let id = self.loaded.sources.add(self.name(path), text);
        self.seen.insert(key.clone(), id);
        let text = self
            .loaded
            .sources
            .get(id)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let (file, diags) = infrac_syntax::parse(id, &text);
        self.loaded.diagnostics.extend(diags);
        let imports: Vec<(String, Span)> = file
            .statements
            .iter()
            .filter(|s| s.keyword.name == "import")
            .filter_map(|s| match (s.args.as_slice(), &s.block) {
                ([v], None) => match &v.kind {
                    ValueKind::String(p) => Some((p.clone(), v.span)),
                    _ => {
                        self.loaded.diagnostics.push(
                            Diagnostic::error(
                                codes::E0202,
                                v.span,
                                format!(
                                    "expected a file name in quotes, found {}",
                                    v.kind.describe()
                                ),
                            )
                            .with_help("write `import \"other.infra\"`"),
                        );
                        None
                    }
                },
                _ => {
                    self.loaded.diagnostics.push(
                        Diagnostic::error(codes::E0205, s.span, "`import` takes one file name")
                            .with_help("write `import \"other.infra\"`"),
                    );
                    None
                }
            })
            .collect();
        self.loaded.files.push((id, file));
        self.stack.push(key);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for (rel, span) in imports {
            let target = normalize(&dir.join(&rel));
            match std::fs::read(&target) {
                Ok(bytes) => self.file(&target, bytes, Some(span)),
                Err(e) => self.loaded.diagnostics.push(
                    Diagnostic::error(
                        codes::E0151,
                        span,
                        format!("cannot read `{rel}`: {}", io_reason(&e)),
                    )
                    .with_label("imported here")
                    .with_help(format!(
                        "the path is relative to the importing file: `{}`",
                        target.display()
                    )),
                ),
            }
        }
        self.stack.pop();
    }
}

/// Removes `.` and `a/..` segments without touching the file system, so an imported file shows
/// as `policies/baseline.infra` rather than `examples/foobar/../../policies/baseline.infra`.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// A short reason for an I/O error, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        std::io::ErrorKind::InvalidData => "not valid text".into(),
        _ => {
            let text = e.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_string()
        }
    }
}

/// The repository that holds `path` exported at git revision `rev` into a temporary directory
/// (whole, so imports outside `path` resolve), and where `path` is inside it. The directory is
/// removed when the returned handle is dropped.
pub fn at_revision(
    path: &Path,
    rev: &str,
) -> Result<(tempfile::TempDir, std::path::PathBuf), String> {
    use std::process::{Command, Stdio};
    let abs = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(format!("{} is not inside a git repository", path.display()));
    }
    let top = std::path::PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let verified = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])?;
    if !verified.status.success() {
        return Err(format!("`{rev}` is not a revision of {}", top.display()));
    }
    let rel = abs
        .strip_prefix(&top)
        .map_err(|_| format!("{} is outside {}", abs.display(), top.display()))?
        .to_path_buf();
    let tmp = tempfile::tempdir().map_err(|e| format!("a temporary directory: {e}"))?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["archive", "--format=tar", rev])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stdout = archive.stdout.take().ok_or("git archive gave no output")?;
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(tmp.path())
        .stdin(stdout)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let archived = archive.wait().map_err(|e| format!("git archive: {e}"))?;
    if !archived.success() || !untar.status.success() {
        return Err(format!(
            "cannot export {rev}: {}",
            String::from_utf8_lossy(&untar.stderr).trim()
        ));
    }
    let old = tmp.path().join(&rel);
    if !old.exists() {
        return Err(format!("{} does not exist at {rev}", rel.display()));
    }
    Ok((tmp, old))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("examples/foobar/../../policies/b.infra")),
            PathBuf::from("policies/b.infra")
        );
        assert_eq!(normalize(Path::new("./a/./b")), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }
}
