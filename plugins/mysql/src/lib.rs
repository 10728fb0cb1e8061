//! The `mysql` backend: per database cluster (`Model.databases`, one unit per cluster), the
//! files that make a MariaDB or MySQL 8 primary with GTID replicas and its backup schedule.
//!
//! | file | what it is |
//! |---|---|
//! | `mysql/CLUSTER/HOST/infrac.cnf` | server option fragment of every node: `[mariadbd]` (MariaDB) or `[mysqld]` (MySQL 8) with `server_id`, `bind_address`, `port`, binary log, relay log, GTID settings and `read_only` on replicas |
//! | `mysql/CLUSTER/primary.sql` | run on the primary: the replication account (restricted to the replicas' source addresses when they are known exactly), the databases, the application users and their grants; safe to run again |
//! | `mysql/CLUSTER/HOST/replica.sql` | run on each replica: `CHANGE MASTER TO … MASTER_USE_GTID=slave_pos` (MariaDB) or `CHANGE REPLICATION SOURCE TO … SOURCE_AUTO_POSITION=1` (MySQL 8), then `START REPLICA` |
//! | `mysql/CLUSTER/HOST/backup.cron` | the backup schedule for `/etc/cron.d` on the backup host |
//! | `mysql/CLUSTER/HOST/backup.sh` | the backup script: `mariadb-backup` full and incremental backups (MariaDB), or `mysqldump` full backups and binary-log incrementals (MySQL 8), in chains rotated by `keep` |
//!
//! Secrets are written as their placeholders (`@@secret:NAME@@`); the host substitutes them.
//!
//! # Diagnostics
//!
//! A cluster the files cannot express exactly is refused with one of these errors:
//!
//! | code | meaning |
//! |---|---|
//! | `MYSQL001` | the unit names no database cluster |
//! | `MYSQL002` | replicas without GTID: position-based replication needs the primary's binary log coordinates, which the model does not carry |
//! | `MYSQL003` | the backup period cannot be scheduled exactly with cron (only whole days, hours dividing 24 or minutes dividing 60) |
//! | `MYSQL004` | incremental backups with `keep 1`: every backup builds on the previous ones, so a rotation needs at least 2 |
//! | `MYSQL005` | a replica has no address of the primary's address family, so it cannot connect to it |
//! | `MYSQL006` | a name or secret placeholder that cannot be written safely into SQL, option files, paths or scripts, or a database named like a system schema |
//! | `MYSQL007` | a name longer than the flavour allows (user names: 32 characters on MySQL 8, 128 on MariaDB; database names: 64) |
//! | `MYSQL008` | the replication user is also an application user |
//! | `MYSQL009` | a host is a node of two clusters: the option fragment configures one server per host |
//! | `MYSQL010` | the IR is inconsistent (a replica without a replication password, a backup host that is no node, a backup time that is not `HH:MM`, `keep 0`, a node that is no host) |

mod backup;
mod cnf;
mod schedule;
mod sql;
mod validate;

use infrac_sdk::{Backend, Database, Diagnostic, File, Flavour, Model, Section, Target};

/// The mysql backend.
pub struct Mysql;

impl Backend for Mysql {
    const NAME: &'static str = "mysql";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["mysql"];
    const READS: &'static [Section] = &[Section::Databases, Section::Hosts];
    const UNITS_READS: &'static [Section] = &[Section::Databases];

    /// One unit per database cluster, named after it.
    fn units(model: &Model, _target: &str) -> Vec<String> {
        model.databases.iter().map(|d| d.name.clone()).collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        let Some((index, db)) = model
            .databases
            .iter()
            .enumerate()
            .find(|(_, d)| d.name == target.unit)
        else {
            return Err(vec![Diagnostic::error(
                "MYSQL001",
                "",
                format!("no database cluster named `{}`", target.unit),
            )]);
        };
        render_cluster(model, index, db)
    }
}

infrac_sdk::export_backend!(Mysql);

/// The cluster's JSON pointer in the IR (`/databases/3`).
fn pointer(index: usize) -> String {
    format!("/databases/{index}")
}

/// Every file of cluster `db` (at `index` in `model.databases`), or why it cannot be rendered.
fn render_cluster(
    model: &Model,
    index: usize,
    db: &Database,
) -> Result<Vec<File>, Vec<Diagnostic>> {
    let plan = validate::plan(model, index, db)?;
    let base = format!("mysql/{}", db.name);
    let mut files = Vec::new();
    for node in std::iter::once(&db.primary).chain(&db.replicas) {
        files.push(File::text(
            format!("{base}/{}/infrac.cnf", node.host),
            cnf::fragment(db, node),
        ));
    }
    files.push(File::text(
        format!("{base}/primary.sql"),
        sql::primary(db, &plan.replication_hosts),
    ));
    if let Some(password) = &db.replication_password {
        for replica in &db.replicas {
            files.push(File::text(
                format!("{base}/{}/replica.sql", replica.host),
                sql::replica(db, replica, password),
            ));
        }
    }
    if let (Some(backup), Some(schedule)) = (&db.backup, &plan.schedule) {
        files.push(File::text(
            format!("{base}/{}/backup.cron", backup.host),
            backup::cron(db, backup, schedule),
        ));
        files.push(File::text(
            format!("{base}/{}/backup.sh", backup.host),
            backup::script(db, backup, schedule),
        ));
    }
    Ok(files)
}

/// The flavour's name in comments.
fn flavour_name(flavour: Flavour) -> &'static str {
    match flavour {
        Flavour::Mariadb => "MariaDB",
        Flavour::Mysql8 => "MySQL 8",
    }
}
