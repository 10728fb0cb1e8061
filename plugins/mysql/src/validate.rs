//! What a cluster must satisfy to be rendered exactly, and the facts the renderers need that
//! are derived from the model (the replication account's host parts, the cron schedule).

use crate::pointer;
use crate::schedule::{self, Schedule};
use infrac_sdk::{BackupKind, Database, DbNode, Diagnostic, Flavour, Model};
use std::net::IpAddr;

/// What the renderers need besides the cluster itself.
#[derive(Debug)]
pub struct Plan {
    /// Host parts of the replication account: the replicas' source addresses when every one is
    /// known exactly, else `%`. Empty when the cluster has no replicas.
    pub replication_hosts: Vec<String>,
    /// The backup schedule, when the cluster has a backup.
    pub schedule: Option<Schedule>,
}

/// Checks cluster `db` (at `index`) and derives its [`Plan`]; every problem found is reported.
pub fn plan(model: &Model, index: usize, db: &Database) -> Result<Plan, Vec<Diagnostic>> {
    let at = pointer(index);
    let mut errors = Vec::new();
    names(db, &at, &mut errors);
    shared_hosts(model, index, db, &at, &mut errors);
    if !db.replicas.is_empty() {
        if !db.gtid {
            errors.push(Diagnostic::error(
                "MYSQL002",
                format!("{at}/gtid"),
                format!(
                    "database `{}` has replicas but `gtid false`: position-based replication \
                     needs the primary's binary log file and position, which the model does not \
                     carry; use `gtid true`",
                    db.name
                ),
            ));
        }
        if db.replication_password.is_none() {
            errors.push(Diagnostic::error(
                "MYSQL010",
                at.clone(),
                format!(
                    "database `{}` has replicas but no replication password",
                    db.name
                ),
            ));
        }
    }
    let replication_hosts = replication_hosts(model, db, &at, &mut errors);
    let schedule = backup_schedule(db, &at, &mut errors);
    if errors.is_empty() {
        Ok(Plan {
            replication_hosts,
            schedule,
        })
    } else {
        Err(errors)
    }
}

/// Whether `text` is a plain name: ASCII letters, digits, `_` and `-`, not empty. Such a name
/// needs no quoting in SQL strings, backquoted identifiers, option files, paths or shell words.
fn plain(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether a secret placeholder can stand inside a single-quoted SQL string and a shell word.
fn safe_placeholder(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-:@.".contains(&b))
}

/// Schemas the server owns: creating or granting them is never what an application wants.
const SYSTEM_SCHEMAS: &[&str] = &["mysql", "sys", "information_schema", "performance_schema"];

/// The longest user name the flavour accepts.
fn max_user_len(flavour: Flavour) -> usize {
    match flavour {
        Flavour::Mariadb => 128,
        Flavour::Mysql8 => 32,
    }
}

/// The longest database name both flavours accept.
const MAX_DATABASE_LEN: usize = 64;

fn unsafe_name(path: String, what: &str, name: &str) -> Diagnostic {
    Diagnostic::error(
        "MYSQL006",
        path,
        format!(
            "{what} `{name}` cannot be written safely into SQL, option files and scripts: use \
             letters, digits, `_` and `-`"
        ),
    )
}

fn check_user(db: &Database, path: String, name: &str, errors: &mut Vec<Diagnostic>) {
    if !plain(name) {
        errors.push(unsafe_name(path, "user name", name));
    } else if name.len() > max_user_len(db.flavour) {
        errors.push(Diagnostic::error(
            "MYSQL007",
            path,
            format!(
                "user name `{name}` has {} characters; {} accepts at most {}",
                name.len(),
                crate::flavour_name(db.flavour),
                max_user_len(db.flavour)
            ),
        ));
    }
}

fn check_placeholder(path: String, placeholder: &str, errors: &mut Vec<Diagnostic>) {
    if !safe_placeholder(placeholder) {
        errors.push(Diagnostic::error(
            "MYSQL006",
            path,
            format!("secret placeholder `{placeholder}` cannot be written safely into SQL"),
        ));
    }
}

/// Every name and placeholder the files contain.
fn names(db: &Database, at: &str, errors: &mut Vec<Diagnostic>) {
    if !plain(&db.name) {
        errors.push(unsafe_name(format!("{at}/name"), "cluster name", &db.name));
    }
    if !plain(&db.primary.host) {
        errors.push(unsafe_name(
            format!("{at}/primary/host"),
            "host name",
            &db.primary.host,
        ));
    }
    for (j, r) in db.replicas.iter().enumerate() {
        if !plain(&r.host) {
            errors.push(unsafe_name(
                format!("{at}/replicas/{j}/host"),
                "host name",
                &r.host,
            ));
        }
    }
    if !db.replicas.is_empty() {
        check_user(
            db,
            format!("{at}/replication_user"),
            &db.replication_user,
            errors,
        );
    }
    if let Some(p) = &db.replication_password {
        check_placeholder(format!("{at}/replication_password"), &p.placeholder, errors);
    }
    for (k, name) in db.databases.iter().enumerate() {
        let path = format!("{at}/databases/{k}");
        if !plain(name) {
            errors.push(unsafe_name(path, "database name", name));
        } else if SYSTEM_SCHEMAS.contains(&name.to_ascii_lowercase().as_str()) {
            errors.push(Diagnostic::error(
                "MYSQL006",
                path,
                format!("`{name}` is a system schema of the server, not an application database"),
            ));
        } else if name.len() > MAX_DATABASE_LEN {
            errors.push(Diagnostic::error(
                "MYSQL007",
                path,
                format!(
                    "database name `{name}` has {} characters; at most {MAX_DATABASE_LEN} are accepted",
                    name.len()
                ),
            ));
        }
    }
    for (k, u) in db.users.iter().enumerate() {
        let path = format!("{at}/users/{k}");
        check_user(db, format!("{path}/name"), &u.name, errors);
        check_placeholder(format!("{path}/password"), &u.password.placeholder, errors);
        for (g, grant) in u.grants.iter().enumerate() {
            if !plain(grant) {
                errors.push(unsafe_name(
                    format!("{path}/grants/{g}"),
                    "database name",
                    grant,
                ));
            }
        }
        if !db.replicas.is_empty() && u.name == db.replication_user {
            errors.push(Diagnostic::error(
                "MYSQL008",
                path,
                format!(
                    "user `{}` is both the replication user and an application user of `{}`: \
                     their accounts and grants would overwrite each other; name the \
                     replication user differently",
                    u.name, db.name
                ),
            ));
        }
    }
}

/// The option fragment configures the one server of a host: a host in two clusters is refused.
fn shared_hosts(
    model: &Model,
    index: usize,
    db: &Database,
    at: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let nodes = std::iter::once((format!("{at}/primary"), &db.primary)).chain(
        db.replicas
            .iter()
            .enumerate()
            .map(|(j, r)| (format!("{at}/replicas/{j}"), r)),
    );
    for (path, node) in nodes {
        let other = model.databases.iter().enumerate().find(|(i, d)| {
            *i != index
                && std::iter::once(&d.primary)
                    .chain(&d.replicas)
                    .any(|n| n.host == node.host)
        });
        if let Some((_, other)) = other {
            errors.push(Diagnostic::error(
                "MYSQL009",
                path,
                format!(
                    "host `{}` is a node of `{}` and of `{}`: each host runs one database \
                     server, configured by one option fragment",
                    node.host, db.name, other.name
                ),
            ));
        }
    }
}

/// Whether `a` and `b` lie in the same subnet of length `prefix_len`.
fn same_subnet(a: IpAddr, b: IpAddr, prefix_len: u8) -> bool {
    let (x, y, bits) = match (a, b) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            (u128::from(u32::from(a)), u128::from(u32::from(b)), 32u32)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128u32),
        _ => return false,
    };
    let len = u32::from(prefix_len).min(bits);
    if len == 0 {
        return true;
    }
    let shift = bits - len;
    (x >> shift) == (y >> shift)
}

/// The address replica `node` connects to the primary from, when the model fixes it: its
/// address in a subnet that holds the primary's address (on-link), else its only address of
/// the primary's family. `Err` when it has no address of that family at all.
fn source_address(model: &Model, primary: &DbNode, node: &DbNode) -> Result<Option<IpAddr>, ()> {
    let family = |a: &IpAddr| a.is_ipv4() == primary.address.is_ipv4();
    let Some(host) = model.host(&node.host) else {
        return if family(&node.address) {
            Ok(None)
        } else {
            Err(())
        };
    };
    let same: Vec<_> = host
        .addresses
        .iter()
        .filter(|a| family(&a.address))
        .collect();
    if let Some(a) = same
        .iter()
        .find(|a| same_subnet(a.address, primary.address, a.prefix_len))
    {
        return Ok(Some(a.address));
    }
    match same.as_slice() {
        [] => Err(()),
        [only] => Ok(Some(only.address)),
        _ => Ok(None),
    }
}

/// The replication account's host parts (see [`Plan::replication_hosts`]).
fn replication_hosts(
    model: &Model,
    db: &Database,
    at: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut hosts = Vec::new();
    let mut exact = true;
    for (j, r) in db.replicas.iter().enumerate() {
        if model.host(&r.host).is_none() {
            errors.push(Diagnostic::error(
                "MYSQL010",
                format!("{at}/replicas/{j}/host"),
                format!("replica `{}` is not a host of the model", r.host),
            ));
        }
        match source_address(model, &db.primary, r) {
            Ok(Some(a)) => hosts.push(a),
            Ok(None) => exact = false,
            Err(()) => errors.push(Diagnostic::error(
                "MYSQL005",
                format!("{at}/replicas/{j}"),
                format!(
                    "replica `{}` has no {} address, so it cannot connect to the primary `{}` \
                     at {}",
                    r.host,
                    if db.primary.address.is_ipv4() {
                        "IPv4"
                    } else {
                        "IPv6"
                    },
                    db.primary.host,
                    db.primary.address
                ),
            )),
        }
    }
    if db.replicas.is_empty() {
        return Vec::new();
    }
    if !exact {
        return vec!["%".to_string()];
    }
    hosts.sort();
    hosts.dedup();
    hosts.iter().map(IpAddr::to_string).collect()
}

/// The backup's cron schedule, checking the backup's fields.
fn backup_schedule(db: &Database, at: &str, errors: &mut Vec<Diagnostic>) -> Option<Schedule> {
    let backup = db.backup.as_ref()?;
    let path = format!("{at}/backup");
    let before = errors.len();
    let is_node = std::iter::once(&db.primary)
        .chain(&db.replicas)
        .any(|n| n.host == backup.host);
    if !is_node {
        errors.push(Diagnostic::error(
            "MYSQL010",
            format!("{path}/host"),
            format!(
                "the backup host `{}` is not a node of `{}`",
                backup.host, db.name
            ),
        ));
    }
    match backup.keep {
        0 => errors.push(Diagnostic::error(
            "MYSQL010",
            format!("{path}/keep"),
            "a backup that keeps 0 backups",
        )),
        1 if backup.kind == BackupKind::Incremental => errors.push(Diagnostic::error(
            "MYSQL004",
            format!("{path}/keep"),
            format!(
                "incremental backups of `{}` with `keep 1`: each incremental backup needs the \
                 ones before it, so the newest cannot be kept alone; keep at least 2 (a chain is \
                 one full backup and `keep - 1` incrementals) or use `kind full`",
                db.name
            ),
        )),
        _ => {}
    }
    let schedule = match schedule::parse_time(&backup.at) {
        None => {
            errors.push(Diagnostic::error(
                "MYSQL010",
                format!("{path}/at"),
                format!("backup time `{}` is not HH:MM", backup.at),
            ));
            None
        }
        Some(time) => match schedule::schedule(backup.every_ms, time) {
            Ok(s) => Some(s),
            Err(why) => {
                errors.push(Diagnostic::error(
                    "MYSQL003",
                    format!("{path}/every_ms"),
                    format!("the backup of `{}`: {why}", db.name),
                ));
                None
            }
        },
    };
    if errors.len() > before {
        return None;
    }
    schedule
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets() {
        let a = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(same_subnet(a("10.0.0.1"), a("10.0.0.200"), 24));
        assert!(!same_subnet(a("10.0.0.1"), a("10.0.1.1"), 24));
        assert!(same_subnet(a("10.0.0.1"), a("10.0.1.1"), 0));
        assert!(same_subnet(a("2001:db8::1"), a("2001:db8::2"), 64));
        assert!(!same_subnet(a("2001:db8::1"), a("2001:db9::1"), 64));
        assert!(!same_subnet(a("10.0.0.1"), a("::1"), 0));
    }

    #[test]
    fn plain_names() {
        assert!(plain("app-db_1"));
        assert!(!plain(""));
        assert!(!plain("a'b"));
        assert!(!plain("a b"));
        assert!(safe_placeholder("@@secret:db-repl@@"));
        assert!(!safe_placeholder("@@secret:x'@@"));
    }
}
