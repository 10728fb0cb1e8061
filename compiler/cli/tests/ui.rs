//! UI tests as data: every `tests/ui/<area>/<case>.infra` is checked by the real `infrac`
//! binary, the way a user runs it, and its diagnostics are snapshotted (short and human format)
//! under `tests/ui/snapshots/`. See `tests/ui/README.md` for the conventions.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The date rule expiry is judged against, so that the expiry cases never age.
const TODAY: &str = "2026-11-23";

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/ui")
}

/// The cases: `*.infra` files exactly one directory below `tests/ui`, as paths relative to it
/// with `/` separators, sorted. Files deeper down are helpers that cases import.
fn cases() -> Vec<String> {
    let mut out = Vec::new();
    let mut areas: Vec<PathBuf> = std::fs::read_dir(ui_dir())
        .expect("tests/ui exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with("snapshots"))
        .collect();
    areas.sort();
    for area in areas {
        let area_name = area.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<String> = std::fs::read_dir(&area)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "infra"))
            .map(|p| format!("{area_name}/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// One expected diagnostic: its code and, optionally, its line and column in the case file.
/// A `~CODE` is a known follow-on diagnostic: tolerated, and required to still appear so that
/// the case is updated when it goes away.
#[derive(Debug)]
struct Expect {
    code: String,
    at: Option<(usize, usize)>,
    follow_on: bool,
}

impl Expect {
    fn is_warning(&self) -> bool {
        self.code.starts_with('W')
    }
}

/// Reads the first line of a case: `# expect: CODE[@LINE:COL] … ~CODE …`.
fn expectations(case: &str) -> Vec<Expect> {
    let text = std::fs::read_to_string(ui_dir().join(case)).unwrap();
    let first = text.lines().next().unwrap_or_default();
    let Some(list) = first.strip_prefix("# expect:") else {
        panic!("{case}: the first line must be `# expect: CODE …`, found `{first}`");
    };
    let expects: Vec<Expect> = list
        .split([' ', ','])
        .filter(|t| !t.is_empty())
        .map(|t| {
            let (t, follow_on) = match t.strip_prefix('~') {
                Some(rest) => (rest, true),
                None => (t, false),
            };
            let (code, at) = match t.split_once('@') {
                Some((code, pos)) => {
                    let (l, c) = pos
                        .split_once(':')
                        .unwrap_or_else(|| panic!("{case}: `{t}` is not CODE@LINE:COL"));
                    (code, Some((l.parse().unwrap(), c.parse().unwrap())))
                }
                None => (t, None),
            };
            assert!(
                infrac_diag::codes::lookup(code).is_some(),
                "{case}: `{code}` is not a registered diagnostic code"
            );
            Expect {
                code: code.to_string(),
                at,
                follow_on,
            }
        })
        .collect();
    assert!(
        expects.iter().any(|e| !e.follow_on),
        "{case}: `# expect:` names no code"
    );
    expects
}

/// Runs `infrac check` on a case from `tests/ui`, returning the exit code and everything it
/// printed (stdout, then stderr).
fn run(case: &str, format: Option<&str>) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_infrac"));
    cmd.current_dir(ui_dir()).arg("check");
    if let Some(f) = format {
        cmd.args(["--format", f]);
    }
    let out = cmd
        .arg(case)
        .env("INFRAC_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("infrac runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// Parses a diagnostic line of the short format: `file:line:col: severity[CODE]: message`.
fn parse_short(line: &str) -> Option<(String, usize, usize, String)> {
    let i = line.find(": error[").or_else(|| line.find(": warning["))?;
    let mut head = line[..i].rsplitn(3, ':');
    let col = head.next()?.parse().ok()?;
    let ln = head.next()?.parse().ok()?;
    let file = head.next()?.to_string();
    let rest = &line[i..];
    let code = &rest[rest.find('[')? + 1..rest.find(']')?];
    Some((file, ln, col, code.to_string()))
}

/// Checks one case: exit code, expected diagnostics (exactly those, at their positions), and
/// the snapshot.
fn check_case(case: &str) -> Result<(), String> {
    let expects = expectations(case);
    let want_exit = if expects.iter().all(|e| e.is_warning() || e.follow_on) {
        0
    } else {
        1
    };
    let (short_exit, short) = run(case, Some("short"));
    let (human_exit, human) = run(case, None);
    let mut problems = Vec::new();
    if short_exit != want_exit || human_exit != want_exit {
        problems.push(format!(
            "exit code {short_exit} (short) / {human_exit} (human), expected {want_exit}"
        ));
    }
    // Every diagnostic of the short output, as (file, line, column, code).
    let mut found: Vec<(String, usize, usize, String)> =
        short.lines().filter_map(parse_short).collect();
    for e in expects.iter().filter(|e| !e.follow_on) {
        let severity = if e.is_warning() { "warning" } else { "error" };
        let tag = format!("{severity}[{}]", e.code);
        if !human.contains(&e.code) {
            problems.push(format!("no {} in the human output", e.code));
        }
        let hit = found.iter().position(|(file, line, col, code)| {
            *code == e.code
                && e.at
                    .is_none_or(|(l, c)| file == case && *line == l && *col == c)
        });
        match (hit, e.at) {
            (Some(i), _) => {
                found.remove(i);
            }
            (None, Some((l, c))) => {
                problems.push(format!("no `{case}:{l}:{c}: {tag}` in the short output"))
            }
            (None, None) => problems.push(format!("no {tag} in the short output")),
        }
    }
    for e in expects.iter().filter(|e| e.follow_on) {
        let before = found.len();
        found.retain(|(_, _, _, code)| *code != e.code);
        if found.len() == before {
            problems.push(format!(
                "the follow-on diagnostic {} is gone: remove `~{}` from the first line and review the snapshot",
                e.code, e.code
            ));
        }
    }
    for (file, line, col, code) in &found {
        problems.push(format!(
            "unexpected diagnostic {code} at {file}:{line}:{col} (list it in `# expect:`, or `~{code}` if it is a known follow-on)"
        ));
    }
    if !problems.is_empty() {
        return Err(format!(
            "{case}:\n  {}\n--- short output:\n{short}",
            problems.join("\n  ")
        ));
    }
    let snapshot = format!(
        "$ infrac check --format short {case}\nexit: {short_exit}\n{short}\n\
         $ infrac check {case}\nexit: {human_exit}\n{human}"
    );
    let name = case.trim_end_matches(".infra").replace('/', "__");
    let outcome = std::panic::catch_unwind(|| {
        insta::with_settings!({
            snapshot_path => "../../../tests/ui/snapshots",
            prepend_module_to_snapshot => false,
            input_file => ui_dir().join(case),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.as_str(), snapshot);
        });
    });
    outcome.map_err(|_| format!("{case}: the snapshot differs (see above)"))
}

#[test]
fn ui_cases() {
    let cases = cases();
    assert!(!cases.is_empty(), "no UI case found under tests/ui");
    let failures: Vec<String> = cases.iter().filter_map(|c| check_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} UI cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_code_has_a_ui_case() {
    let mut covered = std::collections::BTreeSet::new();
    for case in cases() {
        for e in expectations(&case).into_iter().filter(|e| !e.follow_on) {
            covered.insert(e.code);
        }
    }
    let missing: Vec<&str> = infrac_diag::codes::ALL
        .iter()
        .map(|info| info.code.0)
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "no UI case expects these codes (add tests/ui/<area>/<case>.infra with `# expect: CODE`): {missing:?}"
    );
}

#[test]
fn no_stale_snapshots() {
    let names: std::collections::BTreeSet<String> = cases()
        .iter()
        .map(|c| c.trim_end_matches(".infra").replace('/', "__") + ".snap")
        .collect();
    let stale: Vec<String> = std::fs::read_dir(ui_dir().join("snapshots"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".snap") && !names.contains(n))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        stale.is_empty(),
        "snapshots without a UI case (delete them): {stale:?}"
    );
}
