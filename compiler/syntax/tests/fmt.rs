//! Formatter tests: canonical form, idempotence and meaning preservation.

mod common;

use common::{check_fmt, infra_files};

#[track_caller]
fn formats_to(src: &str, expected: &str) {
    let out = check_fmt(src);
    assert_eq!(out, expected, "formatting\n{src}");
    // Canonical text is a fixed point.
    assert_eq!(check_fmt(expected), expected);
}

#[test]
fn every_example_and_ui_file() {
    let files = infra_files();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("examples/protech/site.infra")),
        "{files:?}"
    );
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap();
        let (_, diags) = common::p(&src);
        if diags.iter().any(|d| d.is_error()) {
            // tests/ui holds files with deliberate syntax errors; fmt refuses those.
            continue;
        }
        check_fmt(&src);
    }
}

#[test]
fn spacing_and_indentation() {
    formats_to(
        "zone   apps{vlan 12\n\t\tsubnet  192.168.12.0/24}\n",
        "zone apps {\n  vlan 12\n  subnet 192.168.12.0/24\n}\n",
    );
    formats_to("a 1;b 2;;c 3", "a 1\nb 2\nc 3\n");
    formats_to("\n\n\na 1\n\n\n", "a 1\n");
    formats_to("", "");
    formats_to("\n  \n", "");
    formats_to("allow a->b tcp/22", "allow a -> b tcp/22\n");
    formats_to("a {\n}\nb { }\n", "a {}\nb {}\n");
}

#[test]
fn literals_as_written_strings_canonical() {
    formats_to(
        "a 1.50 099 5% 500ms 64KiB 2027-06-30 ::1 fe80::/10 Gi0/1 *.db ${id}0\n",
        "a 1.50 099 5% 500ms 64KiB 2027-06-30 ::1 fe80::/10 Gi0/1 *.db ${id}0\n",
    );
}

#[test]
fn strings_reescaped() {
    formats_to(
        "s \"tab\there\" \"q\\\"\" \"nl\\n\" \"bs\\\\\" \"é\"\n",
        "s \"tab\\there\" \"q\\\"\" \"nl\\n\" \"bs\\\\\" \"é\"\n",
    );
}

#[test]
fn blank_lines_kept_once() {
    formats_to(
        "a 1\n\n\n\nb 2\nc 3\n\n# about d\n\n\n# more\nd 4\n\n# end\n",
        "a 1\n\nb 2\nc 3\n\n# about d\n\n# more\nd 4\n\n# end\n",
    );
    // No blank line right after `{` or before `}`.
    formats_to("a {\n\n  b 1\n\n  c 2\n\n}\n", "a {\n  b 1\n\n  c 2\n}\n");
}

#[test]
fn comments_everywhere() {
    let src = "\
# header

// slashes too
project p { # on the brace
  # before domain
  domain \"x\" # after domain

  # end of block
} # after block
a 1; b 2 # after b
c [x, # after x
  # before y
  y, // after y
  # before ]
] # after list
d { # alone
}
e {
  # only a comment
}
# end of file
";
    let expected = "\
# header

// slashes too
project p { # on the brace
  # before domain
  domain \"x\" # after domain

  # end of block
} # after block
a 1
b 2 # after b
c [
  x, # after x
  # before y
  y, // after y
  # before ]
] # after list
d { # alone
}
e {
  # only a comment
}
# end of file
";
    formats_to(src, expected);
}

#[test]
fn one_line_blocks() {
    formats_to(
        "zone apps { vlan 12 ; subnet 192.168.12.0/24 }\n",
        "zone apps { vlan 12; subnet 192.168.12.0/24 }\n",
    );
    // Nested one-line blocks stay on one line.
    formats_to(
        "trunk lan { vlans [a,b]; ospf { area 0 } }\n",
        "trunk lan { vlans [a, b]; ospf { area 0 } }\n",
    );
    // Too long for one line: one statement per line.
    let long = format!(
        "host h {{ description \"{}\"; role app }}\n",
        "x".repeat(80)
    );
    formats_to(
        &long,
        &format!(
            "host h {{\n  description \"{}\"\n  role app\n}}\n",
            "x".repeat(80)
        ),
    );
    // Written on several lines: stays on several lines.
    formats_to("zone a {\n  vlan 1 }\n", "zone a {\n  vlan 1\n}\n");
    // A comment after `;` in a one-line block makes it multi-line.
    formats_to(
        "zone a { vlan 1; # c\n  subnet 10.0.0.0/8 }\n",
        "zone a {\n  vlan 1 # c\n  subnet 10.0.0.0/8\n}\n",
    );
    // Indentation counts toward the width.
    let inner = format!("b {{ c \"{}\" }}", "y".repeat(84));
    assert_eq!(inner.len(), 94);
    formats_to(
        &format!("a {{\n  {inner}\n}}\n"),
        &format!("a {{\n  {inner}\n}}\n"),
    );
    let inner = format!("b {{ c \"{}\" }}", "y".repeat(90));
    formats_to(
        &format!("a {{\n  {inner}\n}}\n"),
        &format!("a {{\n  b {{\n    c \"{}\"\n  }}\n}}\n", "y".repeat(90)),
    );
}

#[test]
fn long_lists_break() {
    let items: Vec<String> = (0..20).map(|i| format!("zone-number-{i}")).collect();
    let src = format!("site s {{\n  vlans [{}] # c\n}}\n", items.join(","));
    let mut expected = "site s {\n  vlans [\n".to_string();
    for i in &items {
        expected.push_str(&format!("    {i},\n"));
    }
    expected.push_str("  ] # c\n}\n");
    formats_to(&src, &expected);
    // A list that fits is joined again, even if written one item per line.
    formats_to("a [\n  x,\n  y,\n]\n", "a [x, y]\n");
    // Arguments after a broken list follow its `]`.
    let src = format!("forward [{}] -> www\n", items.join(", "));
    let out = check_fmt(&src);
    assert!(out.ends_with("] -> www\n"), "{out}");
    // Nested lists.
    let src = format!("n [[{}], [a]]\n", items.join(", "));
    let out = check_fmt(&src);
    assert!(out.starts_with("n [\n  [\n    zone-number-0,\n"), "{out}");
    assert!(out.ends_with("  ],\n  [a],\n]\n"), "{out}");
    // Empty lists, and comments in an empty list.
    formats_to("a []\n", "a []\n");
    formats_to("a [ # why empty\n]\n", "a [ # why empty\n]\n");
}

#[test]
fn templates_and_words_untouched() {
    formats_to(
        "template site t {\n  host admin${id} { address mgmt 192.168.${id}0.10 }\n}\n",
        "template site t {\n  host admin${id} { address mgmt 192.168.${id}0.10 }\n}\n",
    );
}

#[test]
fn crlf_and_trailing_whitespace() {
    formats_to(
        "a 1   \r\nb {\r\n  c 2 # x  \r\n}\r\n",
        "a 1\nb {\n  c 2 # x\n}\n",
    );
}
