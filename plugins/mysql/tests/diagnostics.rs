//! Every MYSQL0xx code fires, at the most specific IR path, and nothing is rendered.

mod common;

use common::{errors, model};
use infrac_plugin_mysql::Mysql;
use infrac_sdk::{Backend, Model, Target};

const GOOD: &str = r#"
database main {
  flavour mariadb
  primary db1
  replica db2
  replica db3
  replication { user repl; password db-repl }
  databases [shop]
  user app { password db-app; grant [shop] }
  backup { every 2w; kind incremental; at "02:00"; keep 4 }
}
"#;

/// The (code, IR path) pairs of compiling `main`.
fn codes(model: &Model) -> Vec<(String, String)> {
    errors(model, "main")
        .into_iter()
        .map(|d| {
            assert_eq!(d.severity, infrac_sdk::Severity::Error);
            (d.code, d.ir_path)
        })
        .collect()
}

fn one(code: &str, path: &str) -> Vec<(String, String)> {
    vec![(code.to_string(), path.to_string())]
}

#[test]
fn the_good_cluster_compiles() {
    let m = model(GOOD);
    assert!(Mysql::compile(&m, &Target::unit("mysql", "main")).is_ok());
}

#[test]
fn mysql001_unknown_unit() {
    let d = errors(&model(GOOD), "nope");
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].code.as_str(), d[0].ir_path.as_str()),
        ("MYSQL001", "")
    );
    assert!(d[0].message.contains("`nope`"), "{}", d[0].message);
}

#[test]
fn mysql002_replicas_without_gtid() {
    let m = model(&GOOD.replace("primary db1", "primary db1\n  gtid false"));
    assert_eq!(codes(&m), one("MYSQL002", "/databases/0/gtid"));
    // Without replicas there is nothing to position, so `gtid false` is fine.
    let m = model("database main { flavour mysql8; primary db1; gtid false }");
    let files = common::files(&m);
    let cnf = common::file(&files, "mysql/main/db1/infrac.cnf");
    assert!(!cnf.contains("gtid"), "{cnf}");
}

#[test]
fn mysql003_a_period_cron_cannot_express() {
    for every in ["36h", "5h", "90m", "7m", "1500ms"] {
        let m = model(&GOOD.replace("every 2w", &format!("every {every}")));
        assert_eq!(
            codes(&m),
            one("MYSQL003", "/databases/0/backup/every_ms"),
            "{every}"
        );
    }
    for every in ["1d", "3d", "1w", "6h", "15m"] {
        let m = model(&GOOD.replace("every 2w", &format!("every {every}")));
        assert!(
            Mysql::compile(&m, &Target::unit("mysql", "main")).is_ok(),
            "{every}"
        );
    }
}

#[test]
fn mysql004_incremental_backups_keeping_one() {
    let m = model(&GOOD.replace("keep 4", "keep 1"));
    assert_eq!(codes(&m), one("MYSQL004", "/databases/0/backup/keep"));
    // A full backup kept alone is fine.
    let m = model(
        &GOOD
            .replace("keep 4", "keep 1")
            .replace("incremental", "full"),
    );
    assert!(Mysql::compile(&m, &Target::unit("mysql", "main")).is_ok());
}

#[test]
fn mysql005_a_replica_without_the_primarys_address_family() {
    // db5 has only an IPv6 address; the primary db1 only an IPv4 one.
    let mut m = model(GOOD);
    let ipv6 = model("database six { flavour mariadb; primary db5 }").databases[0]
        .primary
        .clone();
    m.databases[0].replicas[1] = infrac_sdk::DbNode {
        server_id: 3,
        ..ipv6
    };
    assert_eq!(codes(&m), one("MYSQL005", "/databases/0/replicas/1"));
}

#[test]
fn mysql006_names_that_cannot_be_written_safely() {
    let m = model(&GOOD.replace("[shop]", "[mysql]"));
    assert_eq!(codes(&m), one("MYSQL006", "/databases/0/databases/0"));

    let mut m = model(GOOD);
    m.databases[0].users[0].name = "app'; DROP USER root; --".to_string();
    assert_eq!(codes(&m), one("MYSQL006", "/databases/0/users/0/name"));

    let mut m = model(GOOD);
    m.databases[0].users[0].password.placeholder = "@@secret:x'@@".to_string();
    assert_eq!(codes(&m), one("MYSQL006", "/databases/0/users/0/password"));

    let mut m = model(GOOD);
    m.databases[0].replicas[0].host = "db2/../../etc".to_string();
    let got = codes(&m);
    assert!(
        got.contains(&(
            "MYSQL006".to_string(),
            "/databases/0/replicas/0/host".to_string()
        )),
        "{got:?}"
    );
}

#[test]
fn mysql007_names_longer_than_the_flavour_allows() {
    let long = "u".repeat(33);
    let text = GOOD.replace("user app {", &format!("user {long} {{"));
    // MariaDB takes 33 characters, MySQL 8 at most 32.
    assert!(Mysql::compile(&model(&text), &Target::unit("mysql", "main")).is_ok());
    let m = model(&text.replace("flavour mariadb", "flavour mysql8"));
    assert_eq!(codes(&m), one("MYSQL007", "/databases/0/users/0/name"));

    // MariaDB (10.11 checked) takes at most 128.
    let text = GOOD.replace("user app {", &format!("user {} {{", "u".repeat(129)));
    assert_eq!(
        codes(&model(&text)),
        one("MYSQL007", "/databases/0/users/0/name")
    );

    let long = "d".repeat(65);
    let m = model(&GOOD.replace("shop", &long));
    assert_eq!(codes(&m), one("MYSQL007", "/databases/0/databases/0"));
}

#[test]
fn mysql008_replication_user_is_an_application_user() {
    let m = model(&GOOD.replace("user repl;", "user app;"));
    assert_eq!(codes(&m), one("MYSQL008", "/databases/0/users/0"));
}

#[test]
fn mysql009_a_host_in_two_clusters() {
    let text = format!("{GOOD}\ndatabase other {{ flavour mariadb; primary db3 }}\n");
    let m = model(&text);
    assert_eq!(codes(&m), one("MYSQL009", "/databases/0/replicas/1"));
    let d = errors(&m, "other");
    assert_eq!(
        (d[0].code.as_str(), d[0].ir_path.as_str()),
        ("MYSQL009", "/databases/1/primary")
    );
}

#[test]
fn mysql010_an_inconsistent_ir() {
    let mut m = model(GOOD);
    m.databases[0].replication_password = None;
    assert_eq!(codes(&m), one("MYSQL010", "/databases/0"));

    let mut m = model(GOOD);
    if let Some(b) = m.databases[0].backup.as_mut() {
        b.host = "nowhere".to_string();
    }
    assert_eq!(codes(&m), one("MYSQL010", "/databases/0/backup/host"));

    let mut m = model(GOOD);
    if let Some(b) = m.databases[0].backup.as_mut() {
        b.at = "25:00".to_string();
    }
    assert_eq!(codes(&m), one("MYSQL010", "/databases/0/backup/at"));

    let mut m = model(GOOD);
    if let Some(b) = m.databases[0].backup.as_mut() {
        b.keep = 0;
    }
    assert_eq!(codes(&m), one("MYSQL010", "/databases/0/backup/keep"));

    let mut m = model(GOOD);
    m.databases[0].replicas[1].host = "ghost".to_string();
    assert_eq!(codes(&m), one("MYSQL010", "/databases/0/replicas/1/host"));
}

#[test]
fn every_problem_of_a_cluster_is_reported_at_once() {
    let m = model(
        &GOOD
            .replace("primary db1", "primary db1\n  gtid false")
            .replace("every 2w", "every 36h")
            .replace("[shop]", "[mysql]"),
    );
    let got: Vec<String> = codes(&m).into_iter().map(|(c, _)| c).collect();
    assert_eq!(got, ["MYSQL006", "MYSQL002", "MYSQL003"]);
}
