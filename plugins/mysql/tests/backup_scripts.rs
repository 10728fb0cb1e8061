//! The generated backup scripts and cron files: `bash -n` and shellcheck on every one, and the
//! scripts' own logic (the every-N-days guard, chains, rotation, failures, the lock, MySQL 8's
//! binary-log incrementals) run by bash against stub database tools that record their
//! arguments. The real `mariadb-backup` runs against a live server in `live_mariadb.rs`.

mod common;

use common::{file, files, model};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Clusters covering both flavours, both kinds, a backup on the primary and on a replica, and
/// day, week, hour and minute periods.
const CLUSTERS: &[&str] = &[
    "database main { flavour mariadb; primary db1; replica db2\n\
     replication { user repl; password db-repl }\n\
     backup { every 2w; kind incremental; at \"02:00\"; keep 2 } }",
    "database main { flavour mariadb; primary db1\n\
     backup { every 6h; kind full; at \"01:30\"; keep 3 } }",
    "database main { flavour mysql8; primary db1; replica db2\n\
     replication { user repl; password db-repl }\n\
     backup { every 1d; kind incremental; at \"03:00\"; keep 3 } }",
    "database main { flavour mysql8; primary db1\n\
     backup { every 15m; kind full; at \"00:05\"; keep 2 } }",
];

fn text(out: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every (name, backup.sh, backup.cron) of the examples and of [`CLUSTERS`].
fn all_backups() -> Vec<(String, String, String)> {
    let mut models: Vec<(String, infrac_sdk::Model)> = infrac_testkit::corpus("MYSQL")
        .into_iter()
        .map(|(name, dir)| (name, infrac_testkit::model_of(&dir)))
        .collect();
    for (i, c) in CLUSTERS.iter().enumerate() {
        models.push((format!("cluster {i}"), model(c)));
    }
    let mut out = Vec::new();
    for (name, m) in models {
        let files = files(&m);
        for db in &m.databases {
            if let Some(b) = &db.backup {
                let dir = format!("mysql/{}/{}", db.name, b.host);
                out.push((
                    format!("{name}: {dir}"),
                    file(&files, &format!("{dir}/backup.sh")).to_string(),
                    file(&files, &format!("{dir}/backup.cron")).to_string(),
                ));
            }
        }
    }
    assert!(out.len() >= CLUSTERS.len() + 2);
    out
}

#[test]
fn every_script_passes_bash_n_and_shellcheck() {
    let bash = infrac_testkit::tool("bash");
    let shellcheck = infrac_testkit::tool("shellcheck");
    let tmp = infrac_testkit::tempdir();
    for (i, (name, script, _)) in all_backups().iter().enumerate() {
        let path = tmp.path().join(format!("backup-{i}.sh"));
        fs::write(&path, script).expect("write");
        let o = infrac_testkit::run(Command::new(&bash).arg("-n").arg(&path));
        assert!(o.status.success(), "{name}: bash -n: {}", text(&o));
        let o = infrac_testkit::run(
            Command::new(&shellcheck)
                .args(["--shell=bash", "--severity=style"])
                .arg(&path),
        );
        assert!(o.status.success(), "{name}: shellcheck: {}", text(&o));
    }
}

#[test]
fn every_cron_file_has_one_job_line_for_root() {
    for (name, _, cron) in all_backups() {
        assert!(cron.ends_with('\n'), "{name}: cron needs a final newline");
        let jobs: Vec<&str> = cron
            .lines()
            .filter(|l| !l.starts_with('#') && !l.contains('='))
            .collect();
        assert_eq!(jobs.len(), 1, "{name}:\n{cron}");
        let fields: Vec<&str> = jobs[0].split_whitespace().collect();
        assert_eq!(fields.len(), 8, "{name}: {}", jobs[0]);
        assert_eq!(fields[5], "root", "{name}: the user field");
        assert!(
            fields[6].starts_with("/usr/local/sbin/infrac-backup-"),
            "{name}"
        );
        assert_eq!(fields[7], "--scheduled");
        // Cron fields: minute, hour, day of month, month, day of week.
        let ok = |f: &str, max: u32| {
            f == "*"
                || f.split(',')
                    .all(|v| v.parse::<u32>().is_ok_and(|n| n <= max))
        };
        assert!(
            ok(fields[0], 59) && ok(fields[1], 23),
            "{name}: {}",
            jobs[0]
        );
        assert_eq!((fields[2], fields[3]), ("*", "*"), "{name}");
        assert!(ok(fields[4], 7), "{name}: {}", jobs[0]);
    }
}

/// A scratch directory with stub tools first in PATH; runs a generated script with bash.
struct Bench {
    _tmp: Box<dyn std::any::Any>, // the temporary directory, deleted on drop
    root: PathBuf,
    script: PathBuf,
    path: String,
}

impl Bench {
    /// `script` with the stubs `(name, body)` in a bin directory first in PATH.
    fn new(script: &str, stubs: &[(&str, &str)]) -> Bench {
        let tmp = infrac_testkit::tempdir();
        let root = tmp.path().to_path_buf();
        let bin = root.join("bin");
        fs::create_dir_all(&bin).expect("mkdir");
        for (name, body) in stubs {
            let p = bin.join(name);
            fs::write(&p, format!("#!/bin/bash\nset -eu\n{body}")).expect("stub");
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let script_path = root.join("backup.sh");
        fs::write(&script_path, script).expect("script");
        fs::create_dir_all(root.join("state")).expect("mkdir");
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Bench {
            _tmp: Box::new(tmp),
            root,
            script: script_path,
            path,
        }
    }

    fn backups(&self) -> PathBuf {
        self.root.join("backups")
    }

    fn state(&self, name: &str) -> PathBuf {
        self.root.join("state").join(name)
    }

    /// The calls the stubs recorded, one per line, then forgets them.
    fn calls(&self) -> Vec<String> {
        let log = self.state("calls");
        let text = fs::read_to_string(&log).unwrap_or_default();
        let _ = fs::remove_file(&log);
        text.lines().map(str::to_string).collect()
    }

    /// `bash SCRIPT ARGS`, run through `prefix` (a program and its arguments) when given.
    fn command_via(&self, prefix: &[&std::ffi::OsStr], args: &[&str]) -> Command {
        let bash = infrac_testkit::tool("bash");
        let mut c = match prefix.split_first() {
            Some((program, rest)) => {
                let mut c = Command::new(program);
                c.args(rest).arg(bash);
                c
            }
            None => Command::new(bash),
        };
        c.arg(&self.script)
            .args(args)
            .env("PATH", &self.path)
            .env("STUB_STATE", self.root.join("state"))
            .env("INFRAC_BACKUP_ROOT", self.backups())
            .env("INFRAC_MYSQL_DEFAULTS_FILE", self.root.join("my.cnf"));
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        infrac_testkit::run(&mut self.command_via(&[], args))
    }

    /// Runs the script, which must succeed silently.
    fn ok(&self, args: &[&str]) {
        let o = self.run(args);
        assert!(o.status.success(), "{}", text(&o));
        assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{}", text(&o));
    }

    /// The backups on disk, `chain-NNNNNN/NNNNNN`, sorted.
    fn tree(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Ok(chains) = fs::read_dir(self.backups()) else {
            return out;
        };
        for c in chains.flatten().filter(|c| c.path().is_dir()) {
            for b in fs::read_dir(c.path()).expect("chain").flatten() {
                out.push(format!(
                    "{}/{}",
                    c.file_name().to_string_lossy(),
                    b.file_name().to_string_lossy()
                ));
            }
        }
        out.sort();
        out
    }
}

fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .to_string()
}

/// `mariadb-backup`: records its arguments, fails when state/fail exists, else creates the
/// target directory and writes what it was based on.
const MARIADB_BACKUP: &str = r#"echo "mariadb-backup $*" >>"$STUB_STATE/calls"
target=; base=full
for a in "$@"; do
	case $a in
	--target-dir=*) target=${a#*=} ;;
	--incremental-basedir=*) base=${a#*=} ;;
	esac
done
if [ -e "$STUB_STATE/fail" ]; then
	echo "stub mariadb-backup: cannot connect" >&2
	exit 1
fi
mkdir "$target"
echo "$base" >"$target/base"
"#;

/// `date` that reports `state/today` as the local date, and is the real `date` otherwise.
fn date_stub() -> String {
    format!(
        "if [ \"$*\" = +%F ]; then cat \"$STUB_STATE/today\"; else exec {} \"$@\"; fi\n",
        infrac_testkit::tool("date").display()
    )
}

/// The local date of day number `day` since 1970-01-01.
fn date_of(day: u64) -> String {
    let o = infrac_testkit::run(
        Command::new(infrac_testkit::tool("date"))
            .args(["-u", "-d"])
            .arg(format!("@{}", day * 86_400))
            .arg("+%F"),
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn backup_script(cluster: &str, host: &str) -> String {
    let m = model(cluster);
    let files = files(&m);
    file(&files, &format!("mysql/main/{host}/backup.sh")).to_string()
}

#[test]
fn mariadb_script_builds_chains_and_rotates_them() {
    let bench = Bench::new(
        &backup_script(CLUSTERS[0], "db2"),
        &[("mariadb-backup", MARIADB_BACKUP)],
    );
    let b = bench.backups();
    bench.ok(&[]);
    let calls = bench.calls();
    assert_eq!(
        calls,
        [format!(
            "mariadb-backup --defaults-file={} --backup --target-dir={}/chain-000001/000001.partial \
             --slave-info --safe-slave-backup",
            bench.root.join("my.cnf").display(),
            b.display()
        )]
    );
    assert_eq!(read(&b.join("chain-000001/000001/base")), "full");
    bench.ok(&[]);
    assert_eq!(
        read(&b.join("chain-000001/000002/base")),
        b.join("chain-000001/000001").display().to_string()
    );
    assert_eq!(bench.tree(), ["chain-000001/000001", "chain-000001/000002"]);

    // A failing tool: the run fails loudly, nothing becomes a backup.
    fs::write(bench.state("fail"), "").expect("fail");
    let o = bench.run(&[]);
    assert!(!o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("stub mariadb-backup: cannot connect"), "{err}");
    assert!(err.contains("failed"), "{err}");
    fs::remove_file(bench.state("fail")).expect("rm");
    assert_eq!(bench.tree(), ["chain-000001/000001", "chain-000001/000002"]);

    // The chain (keep 2) is complete: a new one starts, the old one is still needed.
    bench.calls();
    bench.ok(&[]);
    assert_eq!(read(&b.join("chain-000002/000001/base")), "full");
    assert_eq!(
        bench.tree(),
        [
            "chain-000001/000001",
            "chain-000001/000002",
            "chain-000002/000001"
        ]
    );
    bench.ok(&[]);
    assert_eq!(bench.tree(), ["chain-000002/000001", "chain-000002/000002"]);
}

#[test]
fn a_leftover_partial_backup_is_removed_and_never_a_base() {
    let bench = Bench::new(
        &backup_script(CLUSTERS[0], "db2"),
        &[("mariadb-backup", MARIADB_BACKUP)],
    );
    bench.ok(&[]);
    let partial = bench.backups().join("chain-000001/000002.partial");
    fs::create_dir_all(&partial).expect("mkdir");
    bench.ok(&[]);
    assert!(!partial.exists());
    assert_eq!(bench.tree(), ["chain-000001/000001", "chain-000001/000002"]);
    assert!(
        read(&bench.backups().join("chain-000001/000002/base")).ends_with("chain-000001/000001")
    );
}

#[test]
fn full_backups_on_the_primary_keep_the_newest() {
    let bench = Bench::new(
        &backup_script(CLUSTERS[1], "db1"),
        &[("mariadb-backup", MARIADB_BACKUP)],
    );
    for _ in 0..4 {
        bench.ok(&[]);
    }
    // keep 3, every backup full: chains of one; on the primary no replica options.
    assert_eq!(
        bench.tree(),
        [
            "chain-000002/000001",
            "chain-000003/000001",
            "chain-000004/000001"
        ]
    );
    for call in bench.calls() {
        assert!(!call.contains("--incremental-basedir"), "{call}");
        assert!(!call.contains("--slave-info"), "{call}");
    }
}

#[test]
fn the_scheduled_run_backs_up_only_every_fourteenth_day() {
    let bench = Bench::new(
        &backup_script(CLUSTERS[0], "db2"),
        &[("mariadb-backup", MARIADB_BACKUP), ("date", &date_stub())],
    );
    let day = 20_454; // a multiple of 14: a Thursday, like every day cron fires on
    assert_eq!(day % 14, 0);
    for (offset, backs_up) in [
        (7, false),
        (13, false),
        (0, true),
        (14, true),
        (21, false),
        (28, true),
    ] {
        fs::write(bench.state("today"), date_of(day + offset)).expect("today");
        bench.ok(&["--scheduled"]);
        assert_eq!(
            bench.calls().len(),
            usize::from(backs_up),
            "day {day} + {offset}"
        );
    }
    let o = bench.run(&["--later"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("usage"));
}

#[test]
fn a_run_refuses_while_another_holds_the_lock() {
    let bench = Bench::new(
        &backup_script(CLUSTERS[0], "db2"),
        &[("mariadb-backup", MARIADB_BACKUP)],
    );
    fs::create_dir_all(bench.backups()).expect("mkdir");
    // Hold the script's lock while it runs: it must refuse at once.
    let flock = infrac_testkit::tool("flock");
    let lock = bench.backups().join(".lock");
    let o =
        infrac_testkit::run(&mut bench.command_via(&[flock.as_os_str(), lock.as_os_str()], &[]));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already running"));
    assert!(bench.calls().is_empty());
}

/// MySQL tools over a fake binary log state: state/first and state/current are the oldest and
/// the newest log numbers.
const MYSQLDUMP: &str = r#"echo "mysqldump $*" >>"$STUB_STATE/calls"
out=; flush=
for a in "$@"; do
	case $a in
	--result-file=*) out=${a#*=} ;;
	--flush-logs) flush=1 ;;
	esac
done
cur=$(cat "$STUB_STATE/current")
if [ -n "$flush" ]; then
	cur=$((cur + 1))
	echo "$cur" >"$STUB_STATE/current"
fi
printf -- "-- MySQL dump 10.13\n--\n-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='mysql-bin.%06d', SOURCE_LOG_POS=157;\n" "$cur" >"$out"
"#;

const MYSQL: &str = r#"echo "mysql $*" >>"$STUB_STATE/calls"
case "$*" in
*"FLUSH BINARY LOGS"*)
	cur=$(cat "$STUB_STATE/current")
	echo $((cur + 1)) >"$STUB_STATE/current"
	;;
*"SHOW BINARY LOGS"*)
	for ((n = $(cat "$STUB_STATE/first"); n <= $(cat "$STUB_STATE/current"); n++)); do
		printf 'mysql-bin.%06d\t1234\tNo\n' "$n"
	done
	;;
*)
	echo "stub mysql: unexpected $*" >&2
	exit 1
	;;
esac
"#;

const MYSQLBINLOG: &str = r#"echo "mysqlbinlog $*" >>"$STUB_STATE/calls"
dir=
for a in "$@"; do
	case $a in
	--result-file=*) dir=${a#*=} ;;
	mysql-bin.*) echo "$a" >"$dir$a" ;;
	esac
done
"#;

#[test]
fn mysql8_script_dumps_then_saves_binary_logs() {
    let bench = Bench::new(
        &backup_script(CLUSTERS[2], "db2"),
        &[
            ("mysqldump", MYSQLDUMP),
            ("mysql", MYSQL),
            ("mysqlbinlog", MYSQLBINLOG),
        ],
    );
    let b = bench.backups();
    let set = |name: &str, n: u32| fs::write(bench.state(name), n.to_string()).expect("state");
    set("first", 1);
    set("current", 5);
    let defaults = format!("--defaults-file={}", bench.root.join("my.cnf").display());

    // Full: the dump starts log 6, so the chain needs every log from 6 on.
    bench.ok(&[]);
    let calls = bench.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        calls[0].starts_with(&format!(
            "mysqldump {defaults} --single-transaction --source-data=2 --flush-logs --all-databases"
        )),
        "{}",
        calls[0]
    );
    assert_eq!(read(&b.join("chain-000001/000001/last-binlog")), "5");

    // Incrementals: each flushes, then saves every closed log after the last saved.
    bench.ok(&[]);
    let calls = bench.calls();
    assert_eq!(
        calls,
        [
            format!("mysql {defaults} -e FLUSH BINARY LOGS"),
            format!("mysql {defaults} --batch --skip-column-names -e SHOW BINARY LOGS"),
            format!(
                "mysqlbinlog {defaults} --read-from-remote-server --raw --result-file={}/ mysql-bin.000006",
                b.join("chain-000001/000002.partial").display()
            ),
        ]
    );
    assert!(b.join("chain-000001/000002/mysql-bin.000006").is_file());
    assert_eq!(read(&b.join("chain-000001/000002/last-binlog")), "6");
    set("current", 9); // logs 7–9 written meanwhile (9 is the current one)
    bench.ok(&[]);
    for n in 7..=9 {
        assert!(
            b.join(format!("chain-000001/000003/mysql-bin.{n:06}"))
                .is_file(),
            "{n}"
        );
    }
    assert_eq!(read(&b.join("chain-000001/000003/last-binlog")), "9");

    // keep 3: a new chain; the old one goes once the newest 3 backups are all in the new one.
    bench.ok(&[]);
    assert_eq!(read(&b.join("chain-000002/000001/last-binlog")), "10");
    bench.ok(&[]);
    assert!(b.join("chain-000001").is_dir());
    bench.ok(&[]);
    assert_eq!(
        bench.tree(),
        [
            "chain-000002/000001",
            "chain-000002/000002",
            "chain-000002/000003"
        ]
    );

    // A chain with a gap is refused: logs after the last saved one were purged.
    bench.ok(&[]);
    assert_eq!(read(&b.join("chain-000003/000001/last-binlog")), "13");
    set("first", 15);
    bench.calls();
    let o = bench.run(&[]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("were purged"),
        "{}",
        text(&o)
    );
    assert!(!b.join("chain-000003/000002").exists());
}
