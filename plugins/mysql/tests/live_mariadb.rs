//! Live MariaDB replication from the generated files.
//!
//! A primary and two replicas each run in a network namespace of their own, joined to the
//! primary by veth pairs and addressed as the model says (10.99.0.11–13, the model's port
//! 3306: the namespaces keep it from clashing with anything else). Each `mariadbd` reads a
//! wrapper option file holding only test paths and sizes, which `!include`s the generated
//! `infrac.cnf`: the replication settings come from the generated fragment alone. The test runs
//! the generated `primary.sql` and `replica.sql` (each twice: they must converge), writes as the
//! modelled application user on the primary, and waits (bounded) for the row on every replica;
//! then checks the replication status, that the replicas refuse the application user's writes,
//! that the replication account accepts only the replicas' addresses, and runs the generated
//! backup script against the backup replica until a chain rotates.

use infrac_plugin_mysql::Mysql;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const MODEL: &str = r#"
project live { domain "live.test" }
secret db-repl { env "LIVE_DB_REPL" }
secret db-app { env "LIVE_DB_APP" }
site lab {
  id 1
  zone db { vlan 40; subnet 10.99.0.0/24; purpose database }
  host db1 { address db 10.99.0.11 }
  host db2 { address db 10.99.0.12 }
  host db3 { address db 10.99.0.13 }
}
database live {
  flavour mariadb
  primary db1
  replica db2
  replica db3
  gtid true
  replication { user repl; password db-repl }
  read_only true
  databases [shop]
  user app { password db-app; grant [shop] }
  port 3306
  backup { every 2w; kind incremental; at "02:00"; keep 2 }
}
"#;

/// A random hexadecimal password (the test's secret values; never committed).
fn random_password() -> String {
    let mut bytes = [0u8; 12];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("/dev/urandom");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(out: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A running `mariadbd`, stopped (TERM, then KILL after a bounded wait) when dropped.
struct Server {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Server {
    fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .output();
        for _ in 0..150 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One database node of the test: its namespace, paths and server.
struct Node {
    host: String,
    address: String,
    socket: PathBuf,
    wrapper: PathBuf,
    ns: infrac_testkit::Netns,
}

impl Node {
    /// `mariadb` as root over the node's socket, running `sql`.
    fn root_sql(&self, sql: &str) -> Output {
        infrac_testkit::run(
            Command::new(infrac_testkit::tool("mariadb"))
                .arg("--no-defaults")
                .arg(format!("--socket={}", self.socket.display()))
                .args(["--batch", "--skip-column-names", "-e", sql]),
        )
    }

    /// `SHOW REPLICA STATUS`, one `Field: value` per line.
    fn replica_status(&self) -> String {
        let o = infrac_testkit::run(
            Command::new(infrac_testkit::tool("mariadb"))
                .arg("--no-defaults")
                .arg(format!("--socket={}", self.socket.display()))
                .args(["-e", "SHOW REPLICA STATUS\\G"]),
        );
        text(&o)
    }

    /// `mariadb` as root over the socket, reading a script file.
    fn root_file(&self, file: &Path) -> Output {
        let input = fs::File::open(file).expect("sql file");
        infrac_testkit::run(
            Command::new(infrac_testkit::tool("mariadb"))
                .arg("--no-defaults")
                .arg(format!("--socket={}", self.socket.display()))
                .stdin(Stdio::from(input)),
        )
    }

    /// `mariadb` over TCP from inside the node's namespace to `address`, as `user`.
    fn tcp_sql(&self, address: &str, user: &str, password: &str, sql: &str) -> Output {
        infrac_testkit::run(
            self.ns
                .command(infrac_testkit::tool("mariadb"))
                .env("MYSQL_PWD", password)
                .args(["--no-defaults", "-h", address, "-P", "3306", "-u", user])
                .args(["--batch", "--skip-column-names", "-e", sql]),
        )
    }
}

/// Polls `check` every 100 ms, at most `tries` times; whether it held.
fn poll(tries: u32, mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..tries {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Writes every generated file under `out`, secret placeholders replaced by `secrets`.
fn write_files(files: &[infrac_sdk::File], secrets: &[(String, String)], out: &Path) {
    for f in files {
        let mut text = String::from_utf8(f.contents.clone()).expect("utf-8");
        for (placeholder, value) in secrets {
            text = text.replace(placeholder.as_str(), value);
        }
        assert!(
            !text.contains("@@secret:"),
            "{}: a placeholder is left",
            f.path
        );
        let path = out.join(&f.path);
        fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        fs::write(&path, text).expect("write");
    }
}

/// A replica's `SHOW REPLICA STATUS` field.
fn status_field(status: &str, field: &str) -> Option<String> {
    status.lines().find_map(|l| {
        let (k, v) = l.trim().split_once(':')?;
        (k == field).then(|| v.trim().to_string())
    })
}

fn checkpoint_type(dir: &Path) -> String {
    let text = fs::read_to_string(dir.join("xtrabackup_checkpoints"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    status_field(&text.replace(" = ", ":"), "backup_type").unwrap_or_default()
}

#[test]
fn mariadb_replicates_from_the_generated_files() {
    let install_db = infrac_testkit::tool("mariadb-install-db");
    let mariadbd = infrac_testkit::tool("mariadbd");
    infrac_testkit::tool("mariadb-backup");
    let model = infrac_testkit::model_from_str(MODEL);
    let files = infrac_testkit::render::<Mysql>(&model, "mysql");
    let secrets: Vec<(String, String)> = model
        .secrets
        .iter()
        .map(|s| (s.placeholder.clone(), random_password()))
        .collect();
    let secret = |name: &str| {
        let placeholder = infrac_sdk::secret_placeholder(name);
        secrets
            .iter()
            .find(|(p, _)| *p == placeholder)
            .map(|(_, v)| v.clone())
            .expect("a test secret")
    };
    let app_password = secret("db-app");
    let repl_password = secret("db-repl");

    // The mysql user runs the servers: it needs to reach the temporary directory.
    let tmp = infrac_testkit::tempdir();
    let root = tmp.path();
    fs::set_permissions(root, fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = root.join("out");
    write_files(&files, &secrets, &out);
    let cluster = out.join("mysql/live");

    let base = root.join("base");
    let init = infrac_testkit::run(
        Command::new(&install_db)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", base.display()))
            .args(["--user=mysql", "--skip-test-db"])
            .args(["--auth-root-authentication-method=socket"])
            .args(["--innodb-log-file-size=8M", "--innodb-buffer-pool-size=32M"]),
    );
    assert!(init.status.success(), "mariadb-install-db: {}", text(&init));

    // Namespaces: the primary's, joined to each replica's by a veth pair (/32 routes).
    let db = &model.databases[0];
    let nodes: Vec<Node> = std::iter::once(&db.primary)
        .chain(&db.replicas)
        .map(|n| {
            let dir = root.join(&n.host);
            fs::create_dir_all(&dir).expect("mkdir");
            let status = infrac_testkit::run(
                Command::new("cp")
                    .arg("-a")
                    .arg(&base)
                    .arg(dir.join("data")),
            );
            assert!(status.status.success(), "cp: {}", text(&status));
            let chown =
                infrac_testkit::run(Command::new("chown").args(["-R", "mysql:mysql"]).arg(&dir));
            assert!(chown.status.success(), "chown: {}", text(&chown));
            let socket = dir.join("mysqld.sock");
            let wrapper = dir.join("wrapper.cnf");
            // Test-only lines: paths and small memory; the generated fragment does the rest.
            fs::write(
                &wrapper,
                format!(
                    "[mariadbd]\ndatadir = {d}/data\nsocket = {s}\npid_file = {d}/mysqld.pid\n\
                     user = mysql\ninnodb_log_file_size = 8M\ninnodb_buffer_pool_size = 32M\n\
                     [client]\nsocket = {s}\n!include {f}\n",
                    d = dir.display(),
                    s = socket.display(),
                    f = cluster.join(&n.host).join("infrac.cnf").display()
                ),
            )
            .expect("wrapper");
            Node {
                host: n.host.clone(),
                address: n.address.to_string(),
                socket,
                wrapper,
                ns: infrac_testkit::Netns::new(&format!("mysql-live-{}", n.host)),
            }
        })
        .collect();
    let primary = &nodes[0];
    for (i, replica) in nodes.iter().enumerate().skip(1) {
        let (p_end, r_end) = (format!("to-{}", replica.host), format!("up{i}"));
        primary.ns.veth(&p_end, &r_end, Some(&replica.ns));
        primary.ns.ip(&[
            "addr",
            "add",
            &format!("{}/32", primary.address),
            "dev",
            &p_end,
        ]);
        primary.ns.ip(&[
            "route",
            "add",
            &format!("{}/32", replica.address),
            "dev",
            &p_end,
        ]);
        replica.ns.ip(&[
            "addr",
            "add",
            &format!("{}/32", replica.address),
            "dev",
            &r_end,
        ]);
        replica.ns.ip(&[
            "route",
            "add",
            &format!("{}/32", primary.address),
            "dev",
            &r_end,
        ]);
    }

    // Start every server (dropped, hence stopped, before the namespaces).
    let mut servers: Vec<Server> = Vec::new();
    for n in &nodes {
        let log = n.wrapper.with_file_name("mariadbd.log");
        let log_file = fs::File::create(&log).expect("log");
        let child =
            n.ns.command(&mariadbd)
                .arg(format!("--defaults-file={}", n.wrapper.display()))
                .stdout(Stdio::from(log_file.try_clone().expect("log")))
                .stderr(Stdio::from(log_file))
                .spawn()
                .expect("mariadbd starts");
        servers.push(Server {
            name: n.host.clone(),
            child,
            log,
        });
    }
    for (n, s) in nodes.iter().zip(&mut servers) {
        let ready = poll(300, || {
            matches!(s.child.try_wait(), Ok(None)) && n.root_sql("SELECT 1").status.success()
        });
        assert!(
            ready,
            "{} is not ready:\n{}",
            s.name,
            fs::read_to_string(&s.log).unwrap_or_default()
        );
    }

    // The generated SQL, each file twice: a second run must converge, not fail.
    for _ in 0..2 {
        let o = primary.root_file(&cluster.join("primary.sql"));
        assert!(o.status.success(), "primary.sql: {}", text(&o));
    }
    for r in &nodes[1..] {
        for _ in 0..2 {
            let o = r.root_file(&cluster.join(&r.host).join("replica.sql"));
            assert!(o.status.success(), "{} replica.sql: {}", r.host, text(&o));
        }
    }

    // The replication account exists only for the replicas' addresses.
    let o = primary.root_sql("SELECT Host FROM mysql.user WHERE User = 'repl' ORDER BY Host");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "10.99.0.12\n10.99.0.13\n"
    );
    let o = primary.tcp_sql(&primary.address, "repl", &repl_password, "SELECT 1");
    assert!(
        !o.status.success(),
        "repl logs in from the primary's address: {}",
        text(&o)
    );
    let o = nodes[1].tcp_sql(&primary.address, "repl", &repl_password, "SELECT 1");
    assert!(o.status.success(), "repl from db2: {}", text(&o));

    // A write by the application user on the primary reaches every replica.
    let o = primary.tcp_sql(
        &primary.address,
        "app",
        &app_password,
        "CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(40)); \
         INSERT INTO shop.orders VALUES (1, 'first order')",
    );
    assert!(
        o.status.success(),
        "app writes on the primary: {}",
        text(&o)
    );
    for r in &nodes[1..] {
        let arrived = poll(100, || {
            let o = r.root_sql("SELECT note FROM shop.orders WHERE id = 1");
            String::from_utf8_lossy(&o.stdout) == "first order\n"
        });
        let status = r.replica_status();
        assert!(arrived, "{}: the row did not arrive:\n{status}", r.host);
        for (field, want) in [
            ("Slave_IO_Running", "Yes"),
            ("Slave_SQL_Running", "Yes"),
            ("Using_Gtid", "Slave_Pos"),
            ("Master_Host", primary.address.as_str()),
            ("Master_Port", "3306"),
        ] {
            assert_eq!(
                status_field(&status, field).as_deref(),
                Some(want),
                "{} {field}:\n{status}",
                r.host
            );
        }
        // Read-only: the application user (no SUPER, no READ ONLY ADMIN) cannot write.
        let o = r.tcp_sql(
            &r.address,
            "app",
            &app_password,
            "INSERT INTO shop.orders VALUES (2, 'on a replica')",
        );
        assert!(!o.status.success(), "{}: a replica took a write", r.host);
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("read-only"),
            "{}: {}",
            r.host,
            text(&o)
        );
    }
    let o = primary.root_sql(
        "SELECT @@read_only, @@server_id, @@log_bin, @@binlog_format, @@gtid_strict_mode",
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), "0\t1\t1\tROW\t1\n");

    // The backup script on the backup host: full, incremental, then a new chain; the first
    // chain is deleted once the newest `keep` (2) backups no longer need it.
    let backup_host = &db.backup.as_ref().expect("a backup").host;
    let node = nodes
        .iter()
        .find(|n| &n.host == backup_host)
        .expect("backup node");
    let backups = root.join("backups");
    let script = cluster.join(backup_host).join("backup.sh");
    let run_backup = |round: u32| {
        let o = primary.tcp_sql(
            &primary.address,
            "app",
            &app_password,
            &format!(
                "INSERT INTO shop.orders VALUES ({}, 'round {round}')",
                10 + round
            ),
        );
        assert!(o.status.success(), "{}", text(&o));
        let o = infrac_testkit::run(
            Command::new("bash")
                .arg(&script)
                .env("INFRAC_BACKUP_ROOT", &backups)
                .env("INFRAC_MYSQL_DEFAULTS_FILE", &node.wrapper),
        );
        assert!(o.status.success(), "backup round {round}: {}", text(&o));
        assert!(
            o.stdout.is_empty(),
            "a backup that succeeds prints nothing: {}",
            text(&o)
        );
    };
    let chain1 = backups.join("chain-000001");
    let chain2 = backups.join("chain-000002");
    run_backup(1);
    assert_eq!(checkpoint_type(&chain1.join("000001")), "full-backuped");
    run_backup(2);
    assert_eq!(checkpoint_type(&chain1.join("000002")), "incremental");
    assert!(chain1.join("000002/xtrabackup_slave_info").is_file());
    run_backup(3);
    assert_eq!(checkpoint_type(&chain2.join("000001")), "full-backuped");
    assert!(
        chain1.is_dir(),
        "chain 1 still holds one of the newest two backups"
    );
    run_backup(4);
    assert_eq!(checkpoint_type(&chain2.join("000002")), "incremental");
    assert!(
        !chain1.exists(),
        "chain 1 is no longer needed and is deleted"
    );
    // Replication went on while the backups paused the replica's SQL thread.
    let o = node.root_sql("SELECT COUNT(*) FROM shop.orders");
    assert!(
        poll(100, || String::from_utf8_lossy(
            &node.root_sql("SELECT COUNT(*) FROM shop.orders").stdout
        ) == "5\n"),
        "{}",
        text(&o)
    );

    for s in &mut servers {
        s.stop();
    }
    drop(servers);
}
