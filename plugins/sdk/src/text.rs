//! An indentation-aware text writer for line-oriented configuration formats.

/// Builds text line by line with a current indentation.
#[derive(Debug, Default, Clone)]
pub struct TextWriter {
    out: String,
    depth: usize,
    unit: &'static str,
}

impl TextWriter {
    /// A writer indenting with `unit` (e.g. `"  "`, `" "`, `"\t"`) per level.
    pub fn new(unit: &'static str) -> TextWriter {
        TextWriter {
            out: String::new(),
            depth: 0,
            unit,
        }
    }

    /// Writes one line at the current indentation (an empty `text` writes an empty line).
    pub fn line(&mut self, text: impl AsRef<str>) -> &mut Self {
        let text = text.as_ref();
        if !text.is_empty() {
            for _ in 0..self.depth {
                self.out.push_str(self.unit);
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
        self
    }

    /// Writes an empty line, unless the text is empty or already ends with one.
    pub fn blank(&mut self) -> &mut Self {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self
    }

    /// Indents the lines written by `f` one level deeper.
    pub fn indented(&mut self, f: impl FnOnce(&mut Self)) -> &mut Self {
        self.depth += 1;
        f(self);
        self.depth -= 1;
        self
    }

    /// Writes `open`, the lines of `f` one level deeper, then `close`.
    pub fn block(
        &mut self,
        open: impl AsRef<str>,
        close: impl AsRef<str>,
        f: impl FnOnce(&mut Self),
    ) -> &mut Self {
        self.line(open);
        self.indented(f);
        self.line(close)
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_blocks() {
        let mut w = TextWriter::new("  ");
        w.line("global").indented(|w| {
            w.line("maxconn 100");
        });
        w.blank().block("vrrp_instance VI_1 {", "}", |w| {
            w.line("state MASTER");
        });
        assert_eq!(
            w.finish(),
            "global\n  maxconn 100\n\nvrrp_instance VI_1 {\n  state MASTER\n}\n"
        );
    }
}
