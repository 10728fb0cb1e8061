//! Snapshots of the mysql backend's files for every example, and facts every output holds.

use infrac_plugin_mysql::Mysql;

#[test]
fn every_example_renders() {
    let dirs = infrac_testkit::examples();
    assert!(dirs.len() >= 3);
    for (name, dir) in dirs {
        let model = infrac_testkit::model_of(&dir);
        let files = infrac_testkit::render::<Mysql>(&model, "mysql");
        for db in &model.databases {
            let primary = format!("mysql/{}/primary.sql", db.name);
            assert!(files.iter().any(|f| f.path == primary), "{name}: {primary}");
            for r in &db.replicas {
                let path = format!("mysql/{}/{}/replica.sql", db.name, r.host);
                let f = files.iter().find(|f| f.path == path).expect(&path);
                let text = String::from_utf8_lossy(&f.contents);
                assert!(text.contains("START REPLICA;"), "{path}");
            }
        }
        // Deterministic: a second rendering is byte-identical.
        assert_eq!(files, infrac_testkit::render::<Mysql>(&model, "mysql"));
        insta::assert_snapshot!(
            format!("mysql-{name}"),
            infrac_testkit::snapshot_text(&files)
        );
    }
}
