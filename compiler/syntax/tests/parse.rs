//! Parser tests: statements, values, comments, every syntax error code and recovery.

mod common;

use common::{clean, p, render_diags};
use infrac_diag::{Diagnostic, codes};
use infrac_syntax::ast::ValueKind;
use infrac_syntax::{MAX_DEPTH, dump};

/// The codes of the diagnostics of `src`, with the text each span covers.
fn errors(src: &str) -> Vec<(&'static str, String)> {
    let (_, diags) = p(src);
    diags
        .iter()
        .map(|d| (d.code.0, src[d.span.range()].to_string()))
        .collect()
}

fn one_error(src: &str) -> Diagnostic {
    let (_, diags) = p(src);
    assert_eq!(diags.len(), 1, "{}", render_diags(src, &diags));
    diags.into_iter().next().unwrap()
}

#[test]
fn statements_values_and_blocks() {
    let f =
        clean("zone apps { vlan 12; subnet 192.168.12.0/24 }\nallow internet -> app1 tcp/443\n");
    assert_eq!(f.statements.len(), 2);
    let zone = &f.statements[0];
    assert_eq!(zone.keyword.name, "zone");
    let block = zone.block.as_ref().unwrap();
    assert!(block.single_line);
    assert_eq!(block.statements.len(), 2);
    assert_eq!((zone.span.start, zone.span.end), (0, 45));
    assert_eq!((block.span.start, block.span.end), (10, 45));
    let allow = &f.statements[1];
    assert_eq!(allow.args.len(), 4);
    assert_eq!(allow.args[1].kind, ValueKind::Arrow);
    assert_eq!((allow.span.start, allow.span.end), (46, 76));
}

#[test]
fn statement_terminators() {
    let f = clean("a 1; b 2\nc [x,\n y,\n] 3\n");
    assert_eq!(
        dump(&f, false),
        "a int:1\nb int:2\nc [name:x, name:y] int:3\n"
    );
    // `}` ends the last statement of a block.
    let f = clean("a { b 1 }");
    assert_eq!(f.statements[0].block.as_ref().unwrap().statements.len(), 1);
    // After a block the statement is complete.
    let f = clean("a {} b {}");
    assert_eq!(f.statements.len(), 2);
}

#[test]
fn arrow_splits_words() {
    let f = clean("allow a->b tcp/22\nforward tcp/80 -> www");
    assert_eq!(
        dump(&f, false),
        "allow name:a -> name:b portspec:tcp/22-22\nforward portspec:tcp/80-80 -> name:www\n"
    );
}

#[test]
fn strings_and_escapes() {
    let f = clean(r#"s "a \"quoted\" word\n" "tab\there" "back\\slash" "é ü""#);
    let args: Vec<_> = f.statements[0]
        .args
        .iter()
        .map(|a| a.kind.clone())
        .collect();
    assert_eq!(
        args,
        [
            ValueKind::String("a \"quoted\" word\n".into()),
            ValueKind::String("tab\there".into()),
            ValueKind::String("back\\slash".into()),
            ValueKind::String("é ü".into()),
        ]
    );
}

#[test]
fn comments_attach() {
    let src = "# file header\n\n# about a\na 1 # after a\n\nb { # on brace\n  c 1\n  # end of b\n} # after b\n# end of file\n";
    let (f, diags) = p(src);
    assert!(diags.is_empty());
    let a = &f.statements[0];
    assert_eq!(a.leading_comments.len(), 2);
    assert_eq!(a.leading_comments[0].text, "# file header");
    assert_eq!(a.trailing_comment.as_ref().unwrap().text, "# after a");
    assert!(!a.blank_line_before);
    let b = &f.statements[1];
    assert!(b.blank_line_before);
    assert_eq!(b.trailing_comment.as_ref().unwrap().text, "# after b");
    let block = b.block.as_ref().unwrap();
    assert_eq!(block.statements[0].leading_comments[0].text, "# on brace");
    assert_eq!(block.trailing_comments[0].text, "# end of b");
    assert_eq!(f.trailing_comments[0].text, "# end of file");
    // `//` comments, trailing whitespace and CRLF are not part of the text.
    let f = clean("a 1 // slashes  \r\nb 2;  # after semicolon\r\n");
    assert_eq!(
        f.statements[0].trailing_comment.as_ref().unwrap().text,
        "// slashes"
    );
    assert_eq!(
        f.statements[1].trailing_comment.as_ref().unwrap().text,
        "# after semicolon"
    );
    // A comment after `;` on the line of two statements belongs to the last.
    let f = clean("a 1; b 2 # c");
    assert!(f.statements[0].trailing_comment.is_none());
    assert!(f.statements[1].trailing_comment.is_some());
    // Comments inside a list are skipped by the parser.
    let f = clean("l [a, # one\n  b, // two\n]\n");
    assert_eq!(dump(&f, false), "l [name:a, name:b]\n");
}

#[test]
fn blank_lines() {
    let f = clean("a 1\n\n\n\nb 2\n  \t\nc 3\n;\nd 4\n\n# x\ne 5");
    let blanks: Vec<bool> = f.statements.iter().map(|s| s.blank_line_before).collect();
    assert_eq!(blanks, [false, true, true, false, true]);
}

#[test]
fn crlf_bom_and_empty() {
    let f = clean("\u{feff}a 1\r\nb {\r\n  c 2\r\n}\r\n");
    assert_eq!(dump(&f, false), "a int:1\nb {\n  c int:2\n}\n");
    assert!(clean("").statements.is_empty());
    assert!(clean("\n\n  \n").statements.is_empty());
    assert_eq!(clean("# only\n").trailing_comments.len(), 1);
}

#[test]
fn e0101_unexpected_character() {
    let d = one_error("zone a { vlan = 12 }");
    assert_eq!(d.code, codes::E0101);
    assert_eq!(d.span.range(), 14..15);
    assert!(d.help.unwrap().contains("without `=`"));
    assert_eq!(errors("a @@@ b"), [("E0101", "@@@".into())]);
    assert_eq!(errors("a é"), [("E0101", "é".into())]);
    assert_eq!(errors("a \0 b"), [("E0101", "\0".into())]);
    assert_eq!(errors("a ]"), [("E0101", "]".into())]);
    assert_eq!(errors(", a"), [("E0101", ",".into())]);
    assert_eq!(
        errors("a [x -> y]"),
        [("E0101", "->".into()), ("E0110", "y".into())]
    );
    assert_eq!(errors("a [x,,y]"), [("E0101", ",".into())]);
    // At the start of a statement the rest of the statement is skipped.
    let (f, diags) = p("@x y { z 1 }\nok 1");
    assert_eq!(diags.len(), 1);
    assert_eq!(dump(&f, false), "ok int:1\n");
}

#[test]
fn e0102_unterminated_string() {
    let d = one_error("a \"abc\nb 1");
    assert_eq!(d.code, codes::E0102);
    assert_eq!(d.span.range(), 2..6);
    assert_eq!(errors("a \"abc\\\"\r\n"), [("E0102", "\"abc\\\"".into())]);
    assert_eq!(errors("a \"abc"), [("E0102", "\"abc".into())]);
    // The next line is read normally.
    let (f, _) = p("a \"abc\nb 1");
    assert_eq!(dump(&f, false), "a <error>\nb int:1\n");
}

#[test]
fn e0103_invalid_literal() {
    for (src, needle) in [
        ("a 10.0.0.256", "256 is over 255"),
        ("a 10.0.0.0/33", "over 32"),
        ("a tcp/70000", "over 65535"),
        ("a 9000-8000", "starts after it ends"),
        ("a 5xyz", "unknown unit"),
        ("a 2023-02-29", "not a valid date"),
        ("a 2001:db8::zz", "IPv6"),
        ("a b..c", "not a valid name"),
    ] {
        let d = one_error(src);
        assert_eq!(d.code, codes::E0103, "{src}");
        assert_eq!(d.span.range(), 2..src.len(), "{src}");
        assert!(d.message.contains(needle), "{src}: {}", d.message);
    }
    // Malformed template variables.
    assert_eq!(errors("a x${ id }y"), [("E0103", "${ id }".into())]);
    assert_eq!(errors("a x${id"), [("E0103", "${id".into())]);
    assert_eq!(errors("a ${}"), [("E0103", "${}".into())]);
    let (f, _) = p("a 10.0.0.256 b");
    assert_eq!(dump(&f, false), "a <error> name:b\n");
}

#[test]
fn e0104_unclosed_block() {
    let d = one_error("site a {\n  zone b { vlan 1 }\n");
    assert_eq!(d.code, codes::E0104);
    assert_eq!(d.span.range(), 7..8);
    // Both levels are reported.
    assert_eq!(
        errors("a {\n b {\n"),
        [("E0104", "{".into()), ("E0104", "{".into())]
    );
    // The tree keeps what was read.
    let (f, _) = p("site a {\n  zone b { vlan 1 }\n");
    assert_eq!(
        dump(&f, false),
        "site name:a {\n  zone name:b {\n    vlan int:1\n  }\n}\n"
    );
}

#[test]
fn e0105_unexpected_closing_brace() {
    let d = one_error("a 1\n}\nb 2");
    assert_eq!(d.code, codes::E0105);
    assert_eq!(d.span.range(), 4..5);
    let (f, _) = p("a 1\n}\nb 2");
    assert_eq!(f.statements.len(), 2);
}

#[test]
fn e0106_unclosed_list() {
    // Forgotten `]` in a one-line list: the next line is a statement again.
    let (f, diags) = p("trunk lan { vlans [mgmt, services\n  ospf { area 0 }\n}\n");
    assert_eq!(
        render_diags("trunk lan { vlans [mgmt, services\n", &diags),
        "E0106 18..19 \"[\": unclosed list\n"
    );
    assert_eq!(
        dump(&f, false),
        "trunk name:lan {\n  vlans [name:mgmt, name:services]\n  ospf {\n    area int:0\n  }\n}\n"
    );
    // A list that runs into `}`, `;` or the end of the file.
    assert_eq!(
        errors("a [x, y }"),
        [("E0106", "[".into()), ("E0105", "}".into())]
    );
    assert_eq!(errors("a [x; b 1"), [("E0106", "[".into())]);
    assert_eq!(errors("a [\n x,\n"), [("E0106", "[".into())]);
    // One item per line with the `]` forgotten: one error, not one per missing comma.
    assert_eq!(errors("s {\n l [\n  a\n  b\n}\n"), [("E0106", "[".into())]);
}

#[test]
fn e0107_invalid_escape() {
    let d = one_error(r#"a "x\qy""#);
    assert_eq!(d.code, codes::E0107);
    assert_eq!(d.span.range(), 4..6);
    assert_eq!(errors(r#"a "\é""#), [("E0107", "\\é".into())]);
    assert_eq!(
        errors(r#"a "\a\b" 1"#),
        [("E0107", "\\a".into()), ("E0107", "\\b".into())]
    );
}

#[test]
fn e0108_nesting_too_deep() {
    let deep = |n: usize| "a {".repeat(n) + &"}".repeat(n);
    assert!(p(&deep(MAX_DEPTH)).1.is_empty());
    let src = deep(MAX_DEPTH + 1);
    let d = one_error(&src);
    assert_eq!(d.code, codes::E0108);
    assert_eq!(d.span.start as usize, MAX_DEPTH * 3 + 2);
    // 10 000 levels: no stack overflow, one error.
    assert_eq!(p(&deep(10_000)).1.len(), 1);
    let lists = |n: usize| "a ".to_string() + &"[".repeat(n) + &"]".repeat(n);
    assert!(p(&lists(MAX_DEPTH)).1.is_empty());
    assert_eq!(errors(&lists(10_000)), [("E0108", "[".into())]);
    // Unclosed: bounded number of diagnostics.
    assert_eq!(
        errors(&"{".repeat(10_000)),
        [("E0104", "{".into()), ("E0109", "{".into())]
    );
    let (_, diags) = p(&"a [".repeat(10_000));
    assert!(diags.len() <= 2 * MAX_DEPTH + 2, "{}", diags.len());
}

#[test]
fn e0109_expected_statement() {
    let d = one_error("42 foo\nb 1");
    assert_eq!(d.code, codes::E0109);
    assert_eq!(d.span.range(), 0..2);
    assert!(d.message.contains("an integer"), "{}", d.message);
    assert_eq!(errors("\"str\""), [("E0109", "\"str\"".into())]);
    assert_eq!(errors("-> a"), [("E0109", "->".into())]);
    assert_eq!(errors("[a] b"), [("E0109", "[".into())]);
    assert_eq!(errors("paris.apps x"), [("E0109", "paris.apps".into())]);
    // A block on the next line: the block is read (braces stay balanced) and dropped.
    let (f, diags) = p("zone a\n{\n  vlan 1\n}\nb 1");
    assert_eq!(
        render_diags("zone a\n{\n", &diags),
        "E0109 7..8 \"{\": expected a statement, found `{`\n"
    );
    assert_eq!(dump(&f, false), "zone name:a\nb int:1\n");
}

#[test]
fn e0110_missing_comma() {
    assert_eq!(errors("a [x y]"), [("E0110", "y".into())]);
    assert_eq!(
        errors("a [\n  x\n  y\n  z\n]"),
        [("E0110", "y".into()), ("E0110", "z".into())]
    );
    let (f, _) = p("a [x y]");
    assert_eq!(dump(&f, false), "a [name:x, name:y]\n");
}

#[test]
fn five_mistakes_five_diagnostics() {
    let src = "\
project p {
  domain \"x.example
  vlan 10.0.0.256
  name \"a\\qb\"
  list [a b]
  id @
}
site ok { id 1 }
";
    let (f, diags) = p(src);
    assert_eq!(
        render_diags(src, &diags),
        "\
E0102 21..31 \"\\\"x.example\": unterminated string
E0103 39..49 \"10.0.0.256\": `10.0.0.256` is not a valid IPv4 address: 256 is over 255
E0107 59..61 \"\\\\q\": invalid escape `\\q` in string
E0110 74..75 \"b\": expected `,` between list items
E0101 82..83 \"@\": unexpected character `@`
"
    );
    // Everything else is still in the tree.
    assert_eq!(f.statements.len(), 2);
    assert_eq!(f.statements[0].block.as_ref().unwrap().statements.len(), 5);
}

#[test]
fn spans_are_byte_offsets() {
    let src = "é 1\nzone \"ü\" x";
    let (f, diags) = p(src);
    assert_eq!(diags.len(), 1); // `é` is unexpected, then its statement is skipped.
    let zone = &f.statements[0];
    assert_eq!(&src[zone.span.range()], "zone \"ü\" x");
    assert_eq!(&src[zone.args[0].span.range()], "\"ü\"");
}
