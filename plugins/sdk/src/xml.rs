//! A small XML writer: escaped text, attributes, nested elements, two-space indentation.

/// Escapes `&`, `<`, `>`, `"` and `'` for text and attribute values, and drops characters XML
/// 1.0 cannot carry.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Whether `c` is written as it is: no entity, not dropped.
fn plain(c: char) -> bool {
    match c {
        '&' | '<' | '>' | '"' | '\'' => false,
        '\t' | '\n' | '\r' => true,
        c => (c as u32) >= 0x20 && c != '\u{FFFE}' && c != '\u{FFFF}',
    }
}

/// Whether byte `b` of UTF-8 text is surely part of plain characters ([`plain`]): ASCII
/// outside the escaped and control characters, or a non-ASCII byte other than 0xEF (which
/// starts U+FFFE and U+FFFF, the only non-ASCII characters dropped). Checking bytes instead of
/// decoding characters keeps the usual case, nothing to escape, fast.
fn plain_byte(b: u8) -> bool {
    match b {
        b'&' | b'<' | b'>' | b'"' | b'\'' => false,
        b'\t' | b'\n' | b'\r' => true,
        0..=0x1f | 0xef => false,
        _ => true,
    }
}

/// Appends `text` to `out`, escaped as [`escape`] does (text without anything to escape, the
/// usual case, is copied in one piece).
fn escape_into(out: &mut String, text: &str) {
    if text.bytes().all(plain_byte) {
        out.push_str(text);
    } else {
        escape_chars_into(out, text);
    }
}

/// Appends `text` to `out`, escaped character by character.
fn escape_chars_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if plain(c) => out.push(c),
            _ => {}
        }
    }
}

/// Writes an XML document element by element.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    /// The names of the open elements, one after another (no allocation per element).
    names: String,
    /// Where each open element's name starts in `names`.
    open: Vec<usize>,
}

impl XmlWriter {
    /// A document starting with the XML declaration.
    pub fn new() -> XmlWriter {
        XmlWriter {
            out: "<?xml version=\"1.0\"?>\n".to_string(),
            names: String::new(),
            open: Vec::new(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    /// Opens `<name attr="v">`.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_into(&mut self.out, v);
            self.out.push('"');
        }
        self.out.push_str(">\n");
        self.open.push(self.names.len());
        self.names.push_str(name);
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        if let Some(start) = self.open.pop() {
            self.indent();
            self.out.push_str("</");
            self.out
                .push_str(self.names.get(start..).unwrap_or_default());
            self.out.push_str(">\n");
            self.names.truncate(start);
        }
        self
    }

    /// Writes `<name>text</name>` (or `<name/>` for empty text).
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        if text.is_empty() {
            self.out.push_str("/>\n");
        } else {
            self.out.push('>');
            escape_into(&mut self.out, text);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        self
    }

    /// Writes `<name>` with the children `f` writes, then `</name>`.
    pub fn element(&mut self, name: &str, f: impl FnOnce(&mut Self)) -> &mut Self {
        self.open(name, &[]);
        f(self);
        self.close()
    }

    /// The document, every element closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_escaped_elements() {
        let mut x = XmlWriter::new();
        x.element("opnsense", |x| {
            x.leaf("descr", "a < b & \"c\"").leaf("empty", "");
        });
        assert_eq!(
            x.finish(),
            "<?xml version=\"1.0\"?>\n<opnsense>\n  <descr>a &lt; b &amp; &quot;c&quot;</descr>\n  <empty/>\n</opnsense>\n"
        );
    }

    #[test]
    fn drops_characters_xml_cannot_carry() {
        assert_eq!(escape("a\u{1}b"), "ab");
        assert_eq!(escape("tab\there"), "tab\there");
        assert_eq!(escape("it's \u{FFFE}<"), "it&apos;s &lt;");
        // Alone, so only the byte check sees them; other characters with a 0xEF byte stay.
        assert_eq!(escape("x\u{FFFF}"), "x");
        assert_eq!(
            escape("\u{FEFF}\u{F000}é\u{7F}\u{9F}"),
            "\u{FEFF}\u{F000}é\u{7F}\u{9F}"
        );
    }

    #[test]
    fn the_byte_check_changes_nothing() {
        // Escaping character by character, as before the byte check.
        let by_char = |text: &str| -> String {
            let mut out = String::new();
            escape_chars_into(&mut out, text);
            out
        };
        let specials = [
            '\u{FFFE}', '\u{FFFF}', '\u{FEFF}', '\u{EFFF}', '\u{FFFD}', '\t', '\u{0}',
        ];
        let chars = (0..=0x10FFFF_u32)
            .step_by(7)
            .filter_map(char::from_u32)
            .chain(specials);
        for c in chars {
            for text in [c.to_string(), format!("a{c}b"), format!("{c}{c}&")] {
                assert_eq!(escape(&text), by_char(&text), "{:?}", c);
            }
        }
    }
}
