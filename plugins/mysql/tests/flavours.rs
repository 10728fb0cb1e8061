//! The statement forms of each flavour. MySQL 8 cannot run on this machine (Debian ships only
//! MariaDB), so its files are checked here for the forms MySQL 8.0.23+ requires; MariaDB's
//! are also run for real in `live_mariadb.rs`.

mod common;

use common::{file, files, model};

const CLUSTER: &str = r#"
database main {
  flavour FLAVOUR
  primary db1
  replica db2
  replica db3
  replication { user repl; password db-repl }
  read_only true
  databases [shop, stats]
  user app { password db-app; grant [shop, stats] }
  port 3307
}
"#;

fn cluster(flavour: &str) -> Vec<infrac_sdk::File> {
    files(&model(&CLUSTER.replace("FLAVOUR", flavour)))
}

/// SQL statements of a file, comments dropped, whitespace collapsed.
fn statements(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    code.split(';')
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn mysql8_replica_uses_change_replication_source_with_auto_position() {
    let files = cluster("mysql8");
    let sql = statements(file(&files, "mysql/main/db2/replica.sql"));
    assert_eq!(
        sql,
        [
            "STOP REPLICA",
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '10.40.0.11', SOURCE_PORT = 3307, \
             SOURCE_USER = 'repl', SOURCE_PASSWORD = '@@secret:db-repl@@', \
             SOURCE_AUTO_POSITION = 1, GET_SOURCE_PUBLIC_KEY = 1",
            "START REPLICA",
        ]
    );
    // 8.4 removed CHANGE MASTER TO and START SLAVE; MariaDB's options are not MySQL's.
    let text = file(&files, "mysql/main/db3/replica.sql");
    for word in ["MASTER", "SLAVE", "slave_pos"] {
        assert!(!text.contains(word), "{word} in\n{text}");
    }
}

#[test]
fn mariadb_replica_uses_change_master_with_gtid_slave_pos() {
    let files = cluster("mariadb");
    let sql = statements(file(&files, "mysql/main/db2/replica.sql"));
    assert_eq!(
        sql,
        [
            "STOP REPLICA",
            "CHANGE MASTER TO MASTER_HOST = '10.40.0.11', MASTER_PORT = 3307, \
             MASTER_USER = 'repl', MASTER_PASSWORD = '@@secret:db-repl@@', \
             MASTER_USE_GTID = slave_pos",
            "START REPLICA",
        ]
    );
    // MariaDB rejects CHANGE REPLICATION SOURCE TO and MASTER_AUTO_POSITION.
    let text = file(&files, "mysql/main/db2/replica.sql");
    assert!(
        !text.contains("SOURCE_") && !text.contains("AUTO_POSITION"),
        "{text}"
    );
}

#[test]
fn primary_sql_creates_accounts_databases_and_exact_grants() {
    for flavour in ["mariadb", "mysql8"] {
        let files = cluster(flavour);
        let sql = statements(file(&files, "mysql/main/primary.sql"));
        let repl = |host: &str| {
            vec![
                format!(
                    "CREATE USER IF NOT EXISTS 'repl'@'{host}' IDENTIFIED BY '@@secret:db-repl@@'"
                ),
                format!("ALTER USER 'repl'@'{host}' IDENTIFIED BY '@@secret:db-repl@@'"),
                format!("REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'repl'@'{host}'"),
                format!("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'{host}'"),
            ]
        };
        let mut want = repl("10.40.0.12");
        want.extend(repl("10.40.0.13"));
        want.extend([
            "CREATE DATABASE IF NOT EXISTS `shop`".to_string(),
            "CREATE DATABASE IF NOT EXISTS `stats`".to_string(),
            "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY '@@secret:db-app@@'".to_string(),
            "ALTER USER 'app'@'%' IDENTIFIED BY '@@secret:db-app@@'".to_string(),
            "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'app'@'%'".to_string(),
            "GRANT ALL PRIVILEGES ON `shop`.* TO 'app'@'%'".to_string(),
            "GRANT ALL PRIVILEGES ON `stats`.* TO 'app'@'%'".to_string(),
        ]);
        assert_eq!(sql, want, "{flavour}");
    }
}

#[test]
fn server_fragments_per_flavour() {
    let files = cluster("mysql8");
    let primary = file(&files, "mysql/main/db1/infrac.cnf");
    let replica = file(&files, "mysql/main/db2/infrac.cnf");
    let settings = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    let common = [
        "log_bin = mysql-bin",
        "binlog_format = ROW",
        "relay_log = relay-bin",
        "gtid_mode = ON",
        "enforce_gtid_consistency = ON",
    ];
    let mut want = vec![
        "[mysqld]",
        "server_id = 1",
        "bind_address = 10.40.0.11",
        "port = 3307",
    ];
    want.extend(common);
    assert_eq!(settings(primary), want);
    let mut want = vec![
        "[mysqld]",
        "server_id = 2",
        "bind_address = 10.40.0.12",
        "port = 3307",
    ];
    want.extend(common);
    want.extend(["read_only = ON", "super_read_only = ON"]);
    assert_eq!(settings(replica), want);

    let files = cluster("mariadb");
    let replica = file(&files, "mysql/main/db3/infrac.cnf");
    assert_eq!(
        settings(replica),
        [
            "[mariadbd]",
            "server_id = 3",
            "bind_address = 10.40.0.13",
            "port = 3307",
            "log_bin = mysql-bin",
            "binlog_format = ROW",
            "relay_log = relay-bin",
            "gtid_strict_mode = ON",
            "log_slave_updates = ON",
            "read_only = ON",
        ]
    );
}

#[test]
fn writable_replicas_say_so() {
    let text = CLUSTER
        .replace("FLAVOUR", "mysql8")
        .replace("read_only true", "read_only false");
    let files = files(&model(&text));
    let replica = file(&files, "mysql/main/db2/infrac.cnf");
    assert!(
        replica.contains("read_only = OFF\nsuper_read_only = OFF\n"),
        "{replica}"
    );
}

#[test]
fn replication_account_accepts_any_host_when_a_source_address_is_not_fixed() {
    // db7 has two IPv4 addresses and neither is in the primary's subnet: which one it connects
    // from depends on routes the model does not hold.
    let files = files(&model(
        "database main { flavour mariadb; primary db1; replica db2; replica db7\n\
         replication { user repl; password db-repl } }",
    ));
    let sql = file(&files, "mysql/main/primary.sql");
    assert!(
        sql.contains("CREATE USER IF NOT EXISTS 'repl'@'%'"),
        "{sql}"
    );
    assert!(!sql.contains("'repl'@'10."), "{sql}");
}

#[test]
fn ipv6_clusters() {
    let files = files(&model(
        "database six { flavour mysql8; primary db5; replica db6; replica db4\n\
         replication { user repl; password db-repl } }",
    ));
    let cnf = file(&files, "mysql/six/db5/infrac.cnf");
    assert!(cnf.contains("bind_address = 2001:db8:60::15\n"), "{cnf}");
    let sql = file(&files, "mysql/six/db6/replica.sql");
    assert!(sql.contains("SOURCE_HOST = '2001:db8:60::15',"), "{sql}");
    // db4's IPv6 address is on the primary's link, so it is its source address.
    let sql = file(&files, "mysql/six/primary.sql");
    assert!(sql.contains("'repl'@'2001:db8:60::14'"), "{sql}");
    assert!(sql.contains("'repl'@'2001:db8:60::16'"), "{sql}");
}

#[test]
fn a_cluster_without_replicas_has_no_replication() {
    let files = files(&model(
        "database solo { flavour mariadb; primary db1; databases [shop]\n\
         user app { password db-app; grant [shop] } }",
    ));
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        ["mysql/solo/db1/infrac.cnf", "mysql/solo/primary.sql"]
    );
    let sql = file(&files, "mysql/solo/primary.sql");
    assert!(!sql.contains("REPLICATION SLAVE"), "{sql}");
    let cnf = file(&files, "mysql/solo/db1/infrac.cnf");
    assert!(!cnf.contains("read_only"), "{cnf}");
}

#[test]
fn a_replicas_only_address_of_the_family_is_its_source_even_off_link() {
    // db4's one IPv4 address is in the apps zone, routed to the primary: still the only
    // address it can connect from.
    let files = files(&model(
        "database main { flavour mysql8; primary db1; replica db4\n\
         replication { user repl; password db-repl } }",
    ));
    let sql = file(&files, "mysql/main/primary.sql");
    assert!(
        sql.contains("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'10.12.0.14';"),
        "{sql}"
    );
    assert!(!sql.contains("'repl'@'%'"), "{sql}");
}

#[test]
fn mysql8_on_x_protocol_port_disables_x_plugin() {
    // MySQL 8's X Plugin listens on 33060 by default: a cluster modelled on that port turns it
    // off, and only then; MariaDB has no X Plugin.
    for (flavour, port, off) in [
        ("mysql8", "33060", true),
        ("mysql8", "3307", false),
        ("mariadb", "33060", false),
    ] {
        let files = files(&model(
            &CLUSTER
                .replace("FLAVOUR", flavour)
                .replace("port 3307", &format!("port {port}")),
        ));
        for node in ["db1", "db2"] {
            let cnf = file(&files, &format!("mysql/main/{node}/infrac.cnf"));
            assert!(cnf.contains(&format!("port = {port}\n")), "{cnf}");
            assert_eq!(
                cnf.contains("\nmysqlx = OFF\n"),
                off,
                "{flavour} {port}:\n{cnf}"
            );
        }
    }
}
