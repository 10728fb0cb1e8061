//! A curated series of changes to the examples, each with what the report must say.

use infrac_review::{Change, Report, diff, markdown};
use std::path::Path;

/// The example `name` checked before and after `edit` rewrites its `site.infra`.
fn change(name: &str, edit: impl Fn(&str) -> String) -> Report {
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .expect("the example");
    let old = infrac_testkit::model_of(&dir);
    let tmp = infrac_testkit::tempdir();
    let text = std::fs::read_to_string(dir.join("site.infra")).expect("read");
    let root = infrac_testkit::repo_root();
    let edited = edit(&text).replace(
        "../../policies/",
        &format!("{}/", root.join("policies").display()),
    );
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(tmp.path().join("site.infra"), edited).expect("write");
    let new = infrac_testkit::model_of(Path::new(tmp.path()));
    diff(&old, &new)
}

#[test]
fn reformatting_only_shows_no_semantic_change() {
    let r = change("campus", |t| {
        format!(
            "# a comment on top\n\n{}",
            t.replace("\n  ", "\n      ").replace("{ ", "{  ")
        )
    });
    assert!(r.is_empty(), "{r:#?}");
    assert!(markdown(&r).contains("No semantic change"));
}

#[test]
fn adding_a_rule() {
    let r = change("campus", |t| {
        format!("{t}\nallow campus.mgmt -> campus.db mysql {{ why \"DBA access\" }}\n")
    });
    assert_eq!(r.elements.len(), 1);
    assert_eq!(
        (r.elements[0].kind.as_str(), r.elements[0].change),
        ("rules", Change::Added)
    );
    assert_eq!(r.allowed.len(), 1, "{:#?}", r.allowed);
    let f = &r.allowed[0];
    assert_eq!(
        (f.from.as_str(), f.to.as_str(), f.service.as_str()),
        ("campus.mgmt", "campus.db", "tcp/3306")
    );
    assert!(f.touches_database && !f.from_internet);
    assert!(r.denied.is_empty());
    insta::assert_snapshot!("add-a-rule", markdown(&r));
}

#[test]
fn opening_a_database_to_the_internet_is_flagged() {
    // The baseline pack and the intent test would refuse it: the change drops them too, as a
    // careless pull request might; the report shows all of it.
    let r = change("campus", |t| {
        let t = t
            .replace("import \"../../policies/baseline.infra\"\n", "")
            .replace("  denied internet -> campus.db\n", "");
        format!("{t}\nallow internet -> main mysql {{ why \"oops\" }}\n")
    });
    assert!(
        r.elements
            .iter()
            .any(|e| e.kind == "policies" && e.change == Change::Removed)
    );
    let exposed: Vec<_> = r.internet_exposure().collect();
    assert_eq!(exposed.len(), 1, "{exposed:#?}");
    assert_eq!(exposed[0].to, "main");
    assert!(
        exposed
            .iter()
            .all(|f| f.touches_database && f.service == "tcp/3306")
    );
    assert!(markdown(&r).contains("**[internet, database]**"));
    insta::assert_snapshot!("open-a-database", markdown(&r));
}

#[test]
fn removing_a_zone() {
    let r = change("backbone", |t| {
        t.lines()
            .filter(|l| !l.contains("voice") && !l.contains("phone2"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let removed: Vec<(&str, &str)> = r
        .elements
        .iter()
        .filter(|e| e.change == Change::Removed)
        .map(|e| (e.kind.as_str(), e.name.as_str()))
        .collect();
    assert!(removed.contains(&("zones", "north.voice")), "{removed:?}");
    assert!(removed.contains(&("hosts", "phone2")), "{removed:?}");
    assert!(
        r.elements
            .iter()
            .any(|e| e.kind == "devices" && e.name == "sw2" && e.change == Change::Changed)
    );
    assert!(r.allowed.is_empty(), "{:#?}", r.allowed);
    assert!(
        r.denied
            .iter()
            .any(|f| f.from == "north.voice" && f.service == "udp/5060")
    );
    assert!(
        r.denied.iter().all(|f| f.from.contains("voice")
            || f.to.contains("voice")
            || f.to == "phone2"
            || f.from == "phone2"),
        "{:#?}",
        r.denied
    );
    insta::assert_snapshot!("remove-a-zone", markdown(&r));
}

#[test]
fn changing_load_balancer_weights_changes_no_flow() {
    let r = change("backbone", |t| t.replace("weight app1 3", "weight app1 5"));
    assert_eq!(r.elements.len(), 1, "{:#?}", r.elements);
    let e = &r.elements[0];
    assert_eq!(
        (e.kind.as_str(), e.name.as_str(), e.change),
        ("load_balancers", "www", Change::Changed)
    );
    assert_eq!(e.fields, ["backends"]);
    assert!(r.allowed.is_empty() && r.denied.is_empty());
}

#[test]
fn renaming_a_host() {
    let r = change("campus", |t| t.replace("web2", "web3"));
    let hosts: Vec<(&str, Change)> = r
        .elements
        .iter()
        .filter(|e| e.kind == "hosts")
        .map(|e| (e.name.as_str(), e.change))
        .collect();
    assert_eq!(hosts, [("web3", Change::Added), ("web2", Change::Removed)]);
    // The same addresses are reachable, under the new name: reachability did not change.
    assert!(r.allowed.is_empty(), "{:#?}", r.allowed);
    assert!(r.denied.is_empty(), "{:#?}", r.denied);
    insta::assert_snapshot!("rename-a-host", markdown(&r));
}

#[test]
fn a_waiver_is_on_record() {
    let r = change("campus", |t| {
        t.replacen(
            "project campus {",
            "project campus {\n  waive redundancy { why \"one rack until spring\" }",
            1,
        )
    });
    let changes: Vec<(&str, &str, Change)> = r
        .elements
        .iter()
        .map(|e| (e.kind.as_str(), e.name.as_str(), e.change))
        .collect();
    assert_eq!(changes, [("waivers", "redundancy", Change::Added)]);
    assert!(r.allowed.is_empty() && r.denied.is_empty());
}

#[test]
fn narrowing_a_rule_only_denies() {
    // Web browsing narrowed from http and https to https only: nothing is newly allowed (the
    // https flow was allowed before), and the http flow is denied outright.
    let r = change("backbone", |t| {
        t.replace(
            "allow north.users -> internet https http {",
            "allow north.users -> internet https {",
        )
    });
    assert!(r.allowed.is_empty(), "{:#?}", r.allowed);
    let denied: Vec<(&str, &str, &str, bool)> = r
        .denied
        .iter()
        .map(|f| {
            (
                f.from.as_str(),
                f.to.as_str(),
                f.service.as_str(),
                f.partial,
            )
        })
        .collect();
    assert_eq!(denied, [("north.users", "internet", "tcp/80", false)]);
}

#[test]
fn narrowing_a_prefix_is_a_partial_denial_not_an_exposure() {
    // A rule the internet rule already covers adds no flow.
    let r = change("protech", |t| {
        format!("{t}\nallow 198.51.100.0/24 -> www-paris https {{ why \"partner\" }}\n")
    });
    assert!(
        r.allowed.is_empty(),
        "covered by the internet rule: {:#?}",
        r.allowed
    );
    // Branch browsing narrowed from the whole internet to one range: the range was already
    // reachable (no exposure), and the internet is still reachable in part.
    let r = change("backbone", |t| {
        t.replace(
            "allow north.users -> internet https http {",
            "allow north.users -> 203.0.113.0/24 https http {",
        )
        .replace("  allowed north.users -> internet https\n", "")
    });
    assert!(
        r.allowed.is_empty(),
        "a narrower destination is not new: {:#?}",
        r.allowed
    );
    let denied: Vec<(&str, &str, &str, bool)> = r
        .denied
        .iter()
        .map(|f| {
            (
                f.from.as_str(),
                f.to.as_str(),
                f.service.as_str(),
                f.partial,
            )
        })
        .collect();
    assert_eq!(
        denied,
        [
            ("north.users", "internet", "tcp/443", true),
            ("north.users", "internet", "tcp/80", true)
        ]
    );
}

#[test]
fn reordering_rules_with_the_same_ends_is_no_change() {
    // Two rules from the management zone to the same host: their generated names follow the
    // order they are written in, so swapping them swaps the names, not the rules.
    let rules = "allow campus.mgmt -> web1 tcp/8000 { why \"a\" }\nallow campus.mgmt -> web1 tcp/9000 { why \"b\" }\n";
    let swapped = "allow campus.mgmt -> web1 tcp/9000 { why \"b\" }\nallow campus.mgmt -> web1 tcp/8000 { why \"a\" }\n";
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == "campus")
        .expect("the example");
    let text = std::fs::read_to_string(dir.join("site.infra")).expect("read");
    let root = infrac_testkit::repo_root();
    let text = text.replace(
        "../../policies/",
        &format!("{}/", root.join("policies").display()),
    );
    let model = |extra: &str| {
        let tmp = infrac_testkit::tempdir();
        std::fs::write(tmp.path().join("site.infra"), format!("{text}\n{extra}")).expect("write");
        infrac_testkit::model_of(tmp.path())
    };
    let r = diff(&model(rules), &model(swapped));
    assert!(r.elements.is_empty(), "{:#?}", r.elements);
    assert!(r.allowed.is_empty() && r.denied.is_empty());
    // Inserting a third rule in front shows one rule added, not three changed.
    let inserted = format!("allow campus.mgmt -> web1 tcp/7000 {{ why \"c\" }}\n{rules}");
    let r = diff(&model(rules), &model(&inserted));
    let changes: Vec<(&str, Change)> = r
        .elements
        .iter()
        .map(|e| (e.kind.as_str(), e.change))
        .collect();
    assert_eq!(changes, [("rules", Change::Added)], "{:#?}", r.elements);
}
