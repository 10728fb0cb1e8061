//! Models shared by the mysql backend's tests.

#![allow(dead_code)] // each test crate uses its own part

use infrac_plugin_mysql::Mysql;
use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// A site with a database zone (10.40.0.0/24) holding db1–db3, an IPv6 zone holding db5 and
/// db6, db4 in the apps zone and the IPv6 zone, db7 in the apps and mgmt zones, and `database`
/// appended as written.
pub fn model(database: &str) -> Model {
    infrac_testkit::model_from_str(&format!(
        r#"
project lab {{ domain "lab.test" }}
secret db-repl {{ env "DB_REPL" }}
secret db-app {{ env "DB_APP" }}
site lab {{
  id 1
  zone apps {{ vlan 12; subnet 10.12.0.0/24 }}
  zone mgmt {{ vlan 13; subnet 10.13.0.0/24 }}
  zone db {{ vlan 40; subnet 10.40.0.0/24; purpose database }}
  zone v6 {{ vlan 60; subnet 2001:db8:60::/64 }}
  host db1 {{ address db 10.40.0.11 }}
  host db2 {{ address db 10.40.0.12 }}
  host db3 {{ address db 10.40.0.13 }}
  host db4 {{ address apps 10.12.0.14; address v6 2001:db8:60::14 }}
  host db5 {{ address v6 2001:db8:60::15 }}
  host db6 {{ address v6 2001:db8:60::16 }}
  host db7 {{ address apps 10.12.0.17; address mgmt 10.13.0.17 }}
}}
{database}
"#
    ))
}

/// The files of every cluster, panicking on diagnostics.
pub fn files(model: &Model) -> Vec<File> {
    infrac_testkit::render::<Mysql>(model, "mysql")
}

/// The text of the file at `path`.
pub fn file<'a>(files: &'a [File], path: &str) -> &'a str {
    let f = files.iter().find(|f| f.path == path).unwrap_or_else(|| {
        panic!(
            "no {path} in {:?}",
            files.iter().map(|f| &f.path).collect::<Vec<_>>()
        )
    });
    std::str::from_utf8(&f.contents).expect("utf-8")
}

/// The diagnostics of compiling cluster `unit`, which must fail.
pub fn errors(model: &Model, unit: &str) -> Vec<Diagnostic> {
    match Mysql::compile(model, &Target::unit("mysql", unit)) {
        Ok(files) => panic!(
            "`{unit}` compiled: {:?}",
            files.iter().map(|f| &f.path).collect::<Vec<_>>()
        ),
        Err(d) => d,
    }
}
