//! The lexer: turns source text into [`Token`]s, one at a time, without allocating.
//!
//! Tokens are recognised with nom parsers over a [`LocatedSpan`], which tracks byte offsets and
//! line numbers. The lexer never fails: a character that cannot start a token becomes an
//! [`TokenKind::Unexpected`] token (a run of such characters is one token), and the parser
//! reports it.
//!
//! Word boundaries: a word is a run of `[A-Za-z0-9_.:/*%-]` and `${…}` interpolations; it stops
//! before `->` (so `a->b` is three tokens) and before `//` (a comment).

use nom::Parser;
use nom::bytes::complete::{tag, take_till};
use nom_locate::LocatedSpan;

/// The lexer's input: source text with its offset and line.
pub(crate) type Input<'a> = LocatedSpan<&'a str>;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// `\n`.
    Newline,
    /// `;`.
    Semi,
    /// `{`.
    LBrace,
    /// `}`.
    RBrace,
    /// `[`.
    LBracket,
    /// `]`.
    RBracket,
    /// `,`.
    Comma,
    /// `->`.
    Arrow,
    /// `"…"`; `terminated` is false when the line or file ended first.
    Str { terminated: bool },
    /// A bare word. `bad_template` is the byte range (relative to the token start) of the first
    /// malformed `${…}` in it, if any.
    Word { bad_template: Option<(u32, u32)> },
    /// `# …` or `// …`, up to (not including) the end of the line.
    Comment,
    /// One or more characters that cannot start a token.
    Unexpected,
    /// End of input.
    Eof,
}

/// A token: its kind, byte range and 1-based line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    pub line: u32,
}

/// Produces tokens on demand.
///
/// No token but a newline spans a line end, so the located input is advanced once per line
/// (nom_locate counts the line there), and tokens within the line are found from a byte cursor.
#[derive(Clone)]
pub(crate) struct Lexer<'a> {
    /// The input from the start of the current line.
    line: Input<'a>,
    /// Byte position of the cursor within `line`.
    col: usize,
}

/// Byte classes: plain word bytes, word bytes that need a look at the next byte (`-` may start
/// `->`, `/` may start `//`), and `$` (which may start `${`).
const PLAIN: u8 = 1;
const CHECK_NEXT: u8 = 2;
const DOLLAR: u8 = 3;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'*' | b'%') {
            PLAIN
        } else if c == b'-' || c == b'/' {
            CHECK_NEXT
        } else if c == b'$' {
            DOLLAR
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Bytes that may appear in a word (besides `${…}`).
#[inline]
pub(crate) fn is_word_byte(b: u8) -> bool {
    matches!(CLASS[b as usize], PLAIN | CHECK_NEXT)
}

/// Bytes of an identifier after the first: `[A-Za-z0-9_-]`.
#[inline]
pub(crate) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether `s` is an identifier: `[A-Za-z_][A-Za-z0-9_-]*`.
pub(crate) fn is_ident(s: &[u8]) -> bool {
    match s.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest.iter().all(|&b| is_ident_byte(b))
        }
        None => false,
    }
}

/// Whether a token other than [`TokenKind::Unexpected`] starts at the beginning of `b`.
#[inline]
fn starts_token(b: &[u8]) -> bool {
    match b.first() {
        None => true,
        Some(b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' | b'}' | b'[' | b']' | b',' | b'"') => true,
        Some(b'#') => true,
        Some(b'$') => b.get(1) == Some(&b'{'),
        Some(&c) => is_word_byte(c),
    }
}

/// Length of the word at the start of `b` (which starts with a word byte or `${`), and the
/// range of its first malformed `${…}`.
fn word_len(b: &[u8]) -> (usize, Option<(u32, u32)>) {
    let n = b.len();
    let mut i = 0;
    let mut bad = None;
    loop {
        while i < n && CLASS[b[i] as usize] == PLAIN {
            i += 1;
        }
        if i >= n {
            break;
        }
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'>') => break,
            b'/' if b.get(i + 1) == Some(&b'/') => break,
            b'-' | b'/' => i += 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                // `${name}`: scan identifier bytes (and blanks, for a helpful error) to `}`.
                let mut j = i + 2;
                while j < n && (is_ident_byte(b[j]) || b[j] == b' ' || b[j] == b'\t') {
                    j += 1;
                }
                if j < n && b[j] == b'}' {
                    if !is_ident(&b[i + 2..j]) && bad.is_none() {
                        bad = Some((i as u32, (j + 1) as u32));
                    }
                    i = j + 1;
                } else {
                    let mut k = i + 2;
                    while k < n && is_ident_byte(b[k]) {
                        k += 1;
                    }
                    if bad.is_none() {
                        bad = Some((i as u32, k as u32));
                    }
                    i = k;
                }
            }
            _ => break,
        }
    }
    (i, bad)
}

/// Length of the string literal at the start of `b` (which starts with `"`), and whether it is
/// closed on its line.
fn string_len(b: &[u8]) -> (usize, bool) {
    let n = b.len();
    let mut i = 1;
    while i < n {
        match b[i] {
            b'"' => return (i + 1, true),
            b'\n' => return (i, false),
            // Skip the escaped byte; escapes of a newline leave the string unterminated.
            b'\\' if i + 1 < n && b[i + 1] != b'\n' => i += 2,
            _ => i += 1,
        }
    }
    (n, false)
}

/// Length of the run of unexpected characters at the start of `s` (at least one character).
fn unexpected_len(s: &str) -> usize {
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if i > 0 && c.is_ascii() && (starts_token(&s.as_bytes()[i..]) || s[i..].starts_with("->")) {
            break;
        }
        end = i + c.len_utf8();
    }
    end
}

/// Splits `len` bytes off the front of `i` (at least one character, always on a character
/// boundary, so a miscounted length can never make the lexer stall or panic).
fn split(i: Input<'_>, len: usize) -> (Input<'_>, Input<'_>) {
    let s = *i.fragment();
    let mut len = len.min(s.len());
    if len == 0 {
        len = s.chars().next().map_or(0, char::len_utf8);
    }
    while !s.is_char_boundary(len) {
        len += 1;
    }
    nom::Input::take_split(&i, len)
}

impl<'a> Lexer<'a> {
    /// A lexer over `src`; a leading byte-order mark is skipped.
    pub(crate) fn new(src: &'a str) -> Lexer<'a> {
        let rest = Input::new(src);
        let rest =
            match tag::<&str, Input<'a>, nom::error::Error<Input<'a>>>("\u{feff}").parse(rest) {
                Ok((r, _)) => r,
                Err(_) => rest,
            };
        Lexer { line: rest, col: 0 }
    }

    /// The next token; [`TokenKind::Eof`] forever at the end.
    pub(crate) fn next_token(&mut self) -> Token {
        let text = *self.line.fragment();
        let all = text.as_bytes();
        let mut pos = self.col.min(all.len());
        // Blanks before the token.
        while pos < all.len() && matches!(all[pos], b' ' | b'\t' | b'\r') {
            pos += 1;
        }
        let base = self.line.location_offset();
        let line = self.line.location_line();
        let bytes = &all[pos..];
        let Some(&first) = bytes.first() else {
            self.col = pos;
            return Token {
                kind: TokenKind::Eof,
                start: base + pos,
                end: base + pos,
                line,
            };
        };
        let (len, kind) = match first {
            b'\n' => {
                // Move the located input to the next line.
                self.line = split(self.line, pos + 1).0;
                self.col = 0;
                return Token {
                    kind: TokenKind::Newline,
                    start: base + pos,
                    end: base + pos + 1,
                    line,
                };
            }
            b';' => (1, TokenKind::Semi),
            b'{' => (1, TokenKind::LBrace),
            b'}' => (1, TokenKind::RBrace),
            b'[' => (1, TokenKind::LBracket),
            b']' => (1, TokenKind::RBracket),
            b',' => (1, TokenKind::Comma),
            b'#' => (comment_len(&text[pos..]), TokenKind::Comment),
            b'/' if bytes.get(1) == Some(&b'/') => (comment_len(&text[pos..]), TokenKind::Comment),
            b'-' if bytes.get(1) == Some(&b'>') => (2, TokenKind::Arrow),
            b'"' => {
                let (len, terminated) = string_len(bytes);
                (len, TokenKind::Str { terminated })
            }
            b'$' if bytes.get(1) == Some(&b'{') => {
                let (len, bad_template) = word_len(bytes);
                (len, TokenKind::Word { bad_template })
            }
            c if is_word_byte(c) => {
                let (len, bad_template) = word_len(bytes);
                (len, TokenKind::Word { bad_template })
            }
            _ => (unexpected_len(&text[pos..]), TokenKind::Unexpected),
        };
        // At least one character, ending on a character boundary.
        let mut end = (pos + len.max(1)).min(all.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        self.col = end;
        Token {
            kind,
            start: base + pos,
            end: base + end,
            line,
        }
    }
}

/// Length of the comment at the start of `s`, up to the end of the line.
fn comment_len(s: &str) -> usize {
    match take_till::<_, _, nom::error::Error<&str>>(|c| c == '\n').parse(s) {
        Ok((_, c)) => c.len(),
        Err(_) => s.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token();
            if t.kind == TokenKind::Eof {
                return out;
            }
            out.push((t.kind, &src[t.start..t.end]));
        }
    }

    fn texts(src: &str) -> Vec<&str> {
        kinds(src).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn word_boundaries() {
        assert_eq!(texts("a->b"), ["a", "->", "b"]);
        assert_eq!(texts("[a,b]"), ["[", "a", ",", "b", "]"]);
        assert_eq!(texts("x;"), ["x", ";"]);
        assert_eq!(texts("zone{"), ["zone", "{"]);
        assert_eq!(texts("app1-1 8000-8080"), ["app1-1", "8000-8080"]);
        assert_eq!(texts("fe80::/10 ::1"), ["fe80::/10", "::1"]);
        assert_eq!(texts("Gi0/1 a//c"), ["Gi0/1", "a", "//c"]);
        assert_eq!(texts("vlan ${id}0;"), ["vlan", "${id}0", ";"]);
        assert_eq!(texts("fw${id}.lan}"), ["fw${id}.lan", "}"]);
        assert_eq!(texts("a #c\nb"), ["a", "#c", "\n", "b"]);
        assert_eq!(texts("a\r\nb"), ["a", "\n", "b"]);
        assert_eq!(texts("a @@ b"), ["a", "@@", "b"]);
        assert_eq!(texts("a=b"), ["a", "=", "b"]);
        assert_eq!(texts("café"), ["caf", "é"]);
        assert_eq!(texts("\u{feff}a"), ["a"]);
        assert_eq!(texts("$x"), ["$", "x"]);
        assert_eq!(texts("5%->*.db"), ["5%", "->", "*.db"]);
    }

    #[test]
    fn strings() {
        assert_eq!(
            kinds(r#""a \"b\" c" x"#)[0],
            (TokenKind::Str { terminated: true }, r#""a \"b\" c""#)
        );
        assert_eq!(
            kinds("\"abc\nx")[0],
            (TokenKind::Str { terminated: false }, "\"abc")
        );
        assert_eq!(
            kinds("\"abc\\")[0],
            (TokenKind::Str { terminated: false }, "\"abc\\")
        );
        assert_eq!(
            kinds("\"a\\\nb\"")[0],
            (TokenKind::Str { terminated: false }, "\"a\\")
        );
    }

    #[test]
    fn templates() {
        assert_eq!(
            kinds("${id}")[0],
            (TokenKind::Word { bad_template: None }, "${id}")
        );
        assert_eq!(
            kinds("a${ id }b c")[0],
            (
                TokenKind::Word {
                    bad_template: Some((1, 8))
                },
                "a${ id }b"
            )
        );
        assert_eq!(
            kinds("a${id x")[0],
            (
                TokenKind::Word {
                    bad_template: Some((1, 5))
                },
                "a${id"
            )
        );
    }

    #[test]
    fn lines() {
        let mut lx = Lexer::new("a\n\nb");
        let lines: Vec<u32> = std::iter::from_fn(|| {
            let t = lx.next_token();
            (t.kind != TokenKind::Eof).then_some(t.line)
        })
        .collect();
        assert_eq!(lines, [1, 1, 2, 3]);
    }
}
