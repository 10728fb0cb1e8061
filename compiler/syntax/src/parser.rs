//! The parser: a hand-rolled recursive-descent loop over the lexer's tokens.
//!
//! `statement := keyword value* block?`, terminated by a newline, `;` or the `}` of the
//! enclosing block; newlines inside `[...]` do not terminate. The parser never fails: it reports
//! a diagnostic and recovers at the next statement boundary, keeping braces balanced. Nesting
//! deeper than [`MAX_DEPTH`] is reported (E0108) and skipped without recursion.

use crate::ast::{Block, Comment, File, Ident, Statement, Value, ValueKind};
use crate::classify::classify_word;
use crate::lexer::{Lexer, Token, TokenKind, is_ident};
use infrac_diag::{Diagnostic, FileId, Span, codes};

/// Maximum nesting depth of blocks and lists (E0108 beyond).
pub const MAX_DEPTH: usize = 64;

/// Parses a whole file. Never fails and never panics: every problem is a diagnostic, and the
/// tree holds every statement that could be read. Diagnostics are sorted by position.
pub fn parse(file: FileId, src: &str) -> (File, Vec<Diagnostic>) {
    let mut p = Parser {
        src,
        file,
        lexer: Lexer::new(src),
        peeked: None,
        diags: Vec::new(),
        depth: 0,
        last_line: 0,
        stmt_stack: Vec::new(),
        arg_stack: Vec::new(),
    };
    let (statements, trailing_comments, _) = p.sequence(None);
    let mut diags = p.diags;
    infrac_diag::sort_diagnostics(&mut diags);
    (
        File {
            statements,
            trailing_comments,
        },
        diags,
    )
}

struct Parser<'a> {
    src: &'a str,
    file: FileId,
    lexer: Lexer<'a>,
    peeked: Option<Token>,
    diags: Vec<Diagnostic>,
    /// Blocks and lists currently open.
    depth: usize,
    /// Line of the last token consumed.
    last_line: u32,
    /// Statements of the blocks being read, innermost last: each block's statements are moved
    /// into a vector of exactly the right size when it ends (no reallocation chains).
    stmt_stack: Vec<Statement>,
    /// Likewise for the values of statements and lists being read.
    arg_stack: Vec<Value>,
}

/// A short description of a token for messages.
fn describe(kind: TokenKind, text: &str) -> String {
    match kind {
        TokenKind::Newline => "the end of the line".into(),
        TokenKind::Semi => "`;`".into(),
        TokenKind::LBrace => "`{`".into(),
        TokenKind::RBrace => "`}`".into(),
        TokenKind::LBracket => "a list".into(),
        TokenKind::RBracket => "`]`".into(),
        TokenKind::Comma => "`,`".into(),
        TokenKind::Arrow => "`->`".into(),
        TokenKind::Str { .. } => "a string".into(),
        TokenKind::Word { .. } => match classify_word(text) {
            Ok(kind) => format!("{} `{}`", kind.describe(), shorten(text)),
            Err(_) => format!("`{}`", shorten(text)),
        },
        TokenKind::Comment => "a comment".into(),
        TokenKind::Unexpected => format!("`{}`", shorten(text)),
        TokenKind::Eof => "the end of the file".into(),
    }
}

/// At most 40 characters of `s`, for messages.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

impl<'a> Parser<'a> {
    fn take_statements(&mut self, base: usize) -> Vec<Statement> {
        self.stmt_stack.drain(base..).collect()
    }

    fn take_values(&mut self, base: usize) -> Vec<Value> {
        self.arg_stack.drain(base..).collect()
    }

    fn peek(&mut self) -> Token {
        match self.peeked {
            Some(t) => t,
            None => {
                let t = self.lexer.next_token();
                self.peeked = Some(t);
                t
            }
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        self.peeked = None;
        self.last_line = t.line;
        t
    }

    #[inline]
    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            file: self.file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    fn text(&self, t: Token) -> &'a str {
        self.src.get(t.start..t.end).unwrap_or_default()
    }

    fn error(
        &mut self,
        code: infrac_diag::Code,
        start: usize,
        end: usize,
        msg: String,
    ) -> &mut Diagnostic {
        let d = Diagnostic::error(code, self.span(start, end), msg);
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// Reports an unexpected-character token.
    fn unexpected(&mut self, t: Token) {
        let text = self.text(t);
        let first = text.chars().next().unwrap_or(' ');
        let help = match first {
            '=' | ':' => Some("attributes are written `key value`, without `=` or `:`"),
            '\'' => Some("strings are written in double quotes: \"text\""),
            '(' | ')' => Some("lists are written in square brackets: [a, b]"),
            '$' => Some("template variables are written `${name}`"),
            c if !c.is_ascii() => {
                Some("names use ASCII letters, digits, `_` and `-`; put other text in a string")
            }
            _ => None,
        };
        let msg = if text.chars().nth(1).is_some() {
            format!("unexpected characters `{}`", shorten(text))
        } else {
            format!("unexpected character `{}`", shorten(text))
        };
        let d = self.error(codes::E0101, t.start, t.end, msg);
        d.label = Some("not valid here".into());
        if let Some(h) = help {
            d.help = Some(h.into());
        }
    }

    fn comment(&self, t: Token) -> Comment {
        let text = self.text(t).trim_end_matches([' ', '\t', '\r']);
        Comment {
            text: text.to_string(),
            span: self.span(t.start, t.start + text.len()),
        }
    }

    /// Parses statements up to the `}` matching `open` (or the end of the file when `open` is
    /// `None`). Returns the statements, the comments after the last one, and the closing brace.
    fn sequence(&mut self, open: Option<Token>) -> (Vec<Statement>, Vec<Comment>, Option<Token>) {
        let base = self.stmt_stack.len();
        let mut pending: Vec<Comment> = Vec::new();
        // Whether a blank line came before the first pending comment.
        let mut pending_blank = false;
        // Line on which the last statement of this sequence ended, while a comment on that line
        // can still attach to it.
        let mut trailing_line: Option<u32> = None;
        // Consecutive newlines (only blanks between) and whether a blank line was seen since the
        // last statement or comment.
        let mut newlines = 0u32;
        let mut blank = false;
        loop {
            let t = self.peek();
            match t.kind {
                TokenKind::Newline => {
                    self.bump();
                    newlines += 1;
                    if newlines >= 2 {
                        blank = true;
                    }
                }
                TokenKind::Semi => {
                    self.bump();
                    newlines = 0;
                }
                TokenKind::Comment => {
                    self.bump();
                    let c = self.comment(t);
                    let last = match self.stmt_stack.len() > base {
                        true => self.stmt_stack.last_mut(),
                        false => None,
                    };
                    match last {
                        Some(last)
                            if trailing_line == Some(t.line) && last.trailing_comment.is_none() =>
                        {
                            last.trailing_comment = Some(c)
                        }
                        _ => {
                            if pending.is_empty() {
                                pending_blank = blank;
                            }
                            pending.push(c);
                        }
                    }
                    trailing_line = None;
                    newlines = 0;
                    blank = false;
                }
                TokenKind::RBrace => {
                    self.bump();
                    if open.is_some() {
                        return (self.take_statements(base), pending, Some(t));
                    }
                    self.error(
                        codes::E0105,
                        t.start,
                        t.end,
                        "unexpected closing brace".into(),
                    )
                    .help = Some("remove it, or add the missing `{`".into());
                    newlines = 0;
                    trailing_line = None;
                }
                TokenKind::Eof => {
                    if let Some(o) = open {
                        let d = self.error(codes::E0104, o.start, o.end, "unclosed block".into());
                        d.label = Some("this `{` is never closed".into());
                        d.help = Some("add the missing `}`".into());
                    }
                    return (self.take_statements(base), pending, None);
                }
                TokenKind::Word { .. } if is_ident(self.text(t).as_bytes()) => {
                    let blank_line_before = self.stmt_stack.len() > base
                        && if pending.is_empty() {
                            blank
                        } else {
                            pending_blank
                        };
                    let stmt = self.statement(t, std::mem::take(&mut pending), blank_line_before);
                    self.stmt_stack.push(stmt);
                    trailing_line = Some(self.last_line);
                    newlines = 0;
                    blank = false;
                }
                TokenKind::Comma | TokenKind::RBracket => {
                    self.bump();
                    self.unexpected(t);
                    newlines = 0;
                }
                TokenKind::Unexpected => {
                    self.bump();
                    self.unexpected(t);
                    self.statement_rest(t.end);
                    newlines = 0;
                    trailing_line = None;
                }
                TokenKind::Word { .. }
                | TokenKind::Str { .. }
                | TokenKind::LBracket
                | TokenKind::Arrow
                | TokenKind::LBrace => {
                    let found = describe(t.kind, self.text(t));
                    let d = self.error(
                        codes::E0109,
                        t.start,
                        t.end,
                        format!("expected a statement, found {found}"),
                    );
                    d.label = Some("a statement starts with a keyword".into());
                    d.help = Some(if t.kind == TokenKind::LBrace {
                        "a block starts on the line of its statement: `keyword name {`".into()
                    } else if matches!(t.kind, TokenKind::Word { .. }) {
                        "a statement starts with a keyword: a single name such as `zone` or `host`"
                            .into()
                    } else {
                        "a statement starts with a keyword such as `zone` or `host`".into()
                    });
                    // Read the rest of the statement (keeping braces balanced) and drop it; a
                    // stray block is skipped unread, so nested stray blocks give one error.
                    if t.kind == TokenKind::LBrace {
                        self.bump();
                        self.skip_block(t);
                    } else {
                        self.statement_rest(t.start);
                    }
                    newlines = 0;
                    trailing_line = None;
                }
            }
        }
    }

    /// `keyword value* block?`, with `kw` (an identifier) not yet consumed.
    fn statement(&mut self, kw: Token, leading_comments: Vec<Comment>, blank: bool) -> Statement {
        self.bump();
        let keyword = Ident {
            name: self.text(kw).to_string(),
            span: self.span(kw.start, kw.end),
        };
        let (args, block, end) = self.statement_rest(kw.end);
        Statement {
            keyword,
            args,
            block,
            span: self.span(kw.start, end),
            leading_comments,
            trailing_comment: None,
            blank_line_before: blank,
        }
    }

    /// The values and the optional block of a statement, up to its end (not consumed). `end` is
    /// where the statement ends so far; returns the new end.
    fn statement_rest(&mut self, mut end: usize) -> (Vec<Value>, Option<Block>, usize) {
        let base = self.arg_stack.len();
        loop {
            let t = self.peek();
            match t.kind {
                TokenKind::Word { .. }
                | TokenKind::Str { .. }
                | TokenKind::LBracket
                | TokenKind::Arrow => {
                    let v = self.value();
                    end = v.span.end as usize;
                    self.arg_stack.push(v);
                }
                TokenKind::LBrace => {
                    let b = self.block();
                    end = b.span.end as usize;
                    return (self.take_values(base), Some(b), end);
                }
                TokenKind::Unexpected => {
                    self.bump();
                    self.unexpected(t);
                    let span = self.span(t.start, t.end);
                    self.arg_stack.push(Value {
                        kind: ValueKind::Error,
                        span,
                    });
                    end = t.end;
                }
                TokenKind::Comma | TokenKind::RBracket => {
                    self.bump();
                    self.unexpected(t);
                }
                TokenKind::Newline
                | TokenKind::Semi
                | TokenKind::RBrace
                | TokenKind::Eof
                | TokenKind::Comment => return (self.take_values(base), None, end),
            }
        }
    }

    /// `{ statement* }`, at the `{`.
    fn block(&mut self) -> Block {
        let open = self.bump();
        if self.depth >= MAX_DEPTH {
            self.too_deep(open);
            let end = self.skip_block(open);
            return Block {
                statements: Vec::new(),
                trailing_comments: Vec::new(),
                span: self.span(open.start, end),
                single_line: false,
            };
        }
        self.depth += 1;
        let (statements, trailing_comments, close) = self.sequence(Some(open));
        self.depth -= 1;
        let (end, single_line) = match close {
            Some(c) => (c.end, c.line == open.line),
            None => (self.src.len(), false),
        };
        Block {
            statements,
            trailing_comments,
            span: self.span(open.start, end),
            single_line,
        }
    }

    fn too_deep(&mut self, open: Token) {
        let d = self.error(
            codes::E0108,
            open.start,
            open.end,
            format!("nesting too deep: more than {MAX_DEPTH} levels of blocks and lists"),
        );
        d.label = Some("this level is not read".into());
    }

    /// Skips to the `}` matching `open` without recursion; returns the end offset.
    fn skip_block(&mut self, open: Token) -> usize {
        let mut depth = 1usize;
        loop {
            let t = self.bump();
            match t.kind {
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        return t.end;
                    }
                }
                TokenKind::Eof => {
                    let d = self.error(codes::E0104, open.start, open.end, "unclosed block".into());
                    d.label = Some("this `{` is never closed".into());
                    return t.end;
                }
                _ => {}
            }
        }
    }

    /// Skips to the `]` matching `open` without recursion, stopping (unclosed) at a brace, `;`
    /// or the end of the file; returns the end offset.
    fn skip_list(&mut self, open: Token) -> usize {
        let mut depth = 1usize;
        let mut end = open.end;
        loop {
            let t = self.peek();
            match t.kind {
                TokenKind::LBracket => depth += 1,
                TokenKind::RBracket => {
                    depth -= 1;
                    if depth == 0 {
                        self.bump();
                        return t.end;
                    }
                }
                TokenKind::LBrace | TokenKind::RBrace | TokenKind::Semi | TokenKind::Eof => {
                    self.unclosed_list(open);
                    return end;
                }
                _ => {}
            }
            self.bump();
            end = t.end;
        }
    }

    fn unclosed_list(&mut self, open: Token) {
        let d = self.error(codes::E0106, open.start, open.end, "unclosed list".into());
        d.label = Some("this `[` is never closed".into());
        d.help = Some("close the list with `]`".into());
    }

    /// A value: word, string, `->` or list (the next token is one of them).
    fn value(&mut self) -> Value {
        let t = self.bump();
        let kind = match t.kind {
            TokenKind::Word { bad_template } => self.word(t, bad_template),
            TokenKind::Str { terminated } => self.string(t, terminated),
            TokenKind::Arrow => ValueKind::Arrow,
            TokenKind::LBracket => return self.list(t),
            _ => ValueKind::Error,
        };
        Value {
            kind,
            span: self.span(t.start, t.end),
        }
    }

    fn word(&mut self, t: Token, bad_template: Option<(u32, u32)>) -> ValueKind {
        let text = self.text(t);
        if let Some((s, e)) = bad_template {
            let (s, e) = (t.start + s as usize, t.start + e as usize);
            let var = self.src.get(s..e).unwrap_or_default();
            let d = self.error(
                codes::E0103,
                s,
                e,
                format!("invalid template variable `{}`", shorten(var)),
            );
            d.help = Some(
                "write `${name}`, where `name` is an attribute of the instantiating site".into(),
            );
            return ValueKind::Error;
        }
        match classify_word(text) {
            Ok(kind) => kind,
            Err(msg) => {
                self.error(codes::E0103, t.start, t.end, msg).label =
                    Some("invalid literal".into());
                ValueKind::Error
            }
        }
    }

    /// Decodes a string token: escapes `\" \\ \n \t` (others E0107); unterminated is E0102.
    fn string(&mut self, t: Token, terminated: bool) -> ValueKind {
        let raw = self.text(t);
        if !terminated {
            let end = t.start + raw.trim_end_matches([' ', '\t', '\r']).len();
            let d = self.error(codes::E0102, t.start, end, "unterminated string".into());
            d.label = Some("this string has no closing quote on its line".into());
            d.help = Some("close it with `\"`".into());
            return ValueKind::Error;
        }
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
        if !inner.contains('\\') {
            return ValueKind::String(inner.to_string());
        }
        let mut out = String::with_capacity(inner.len());
        let mut ok = true;
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                other => {
                    let start = t.start + 1 + i;
                    let end = other.map_or(start + 1, |(j, e)| t.start + 1 + j + e.len_utf8());
                    let esc = self.src.get(start..end).unwrap_or_default();
                    let d = self.error(
                        codes::E0107,
                        start,
                        end,
                        format!("invalid escape `{esc}` in string"),
                    );
                    d.help = Some(
                        "strings accept `\\\"`, `\\\\`, `\\n` and `\\t`; write a backslash as `\\\\`"
                            .into(),
                    );
                    ok = false;
                }
            }
        }
        if ok {
            ValueKind::String(out)
        } else {
            ValueKind::Error
        }
    }

    /// `[item, item, …]`, at the `[`. Newlines and comments between items are skipped (the
    /// formatter finds comments again from the source).
    fn list(&mut self, open: Token) -> Value {
        if self.depth >= MAX_DEPTH {
            self.too_deep(open);
            let end = self.skip_list(open);
            return Value {
                kind: ValueKind::Error,
                span: self.span(open.start, end),
            };
        }
        self.depth += 1;
        let base = self.arg_stack.len();
        let mut end = open.end;
        // Comma errors are reported only if the list turns out to be closed: in an unclosed
        // list they are noise.
        let mut comma_errors: Vec<Diagnostic> = Vec::new();
        let mut need_comma = false;
        let mut newline_since_item = false;
        // Whether the first item is on the line of `[` (`[a, b]` style rather than one item
        // per line); in that style a line break without a comma means the `]` was forgotten.
        let mut inline = None;
        let mut closed = false;
        // The lexer before the first newline after the last item: a forgotten `]` ends the
        // list (and its statement) there.
        let mut before_newline = None;
        loop {
            let t = self.peek();
            match t.kind {
                TokenKind::Newline => {
                    if !newline_since_item {
                        before_newline = Some((self.lexer.clone(), t));
                    }
                    self.bump();
                    newline_since_item = true;
                }
                TokenKind::Comment => {
                    self.bump();
                }
                TokenKind::Comma => {
                    self.bump();
                    if !need_comma {
                        self.unexpected(t);
                    }
                    need_comma = false;
                    end = t.end;
                }
                TokenKind::RBracket => {
                    self.bump();
                    end = t.end;
                    closed = true;
                    break;
                }
                TokenKind::Word { .. } | TokenKind::Str { .. } | TokenKind::LBracket => {
                    let inline = *inline.get_or_insert(t.line == open.line);
                    if need_comma {
                        if newline_since_item
                            && inline
                            && let Some((lexer, newline)) = before_newline.take()
                        {
                            self.lexer = lexer;
                            self.peeked = Some(newline);
                            break;
                        }
                        comma_errors.push(
                            Diagnostic::error(
                                codes::E0110,
                                self.span(t.start, t.end),
                                "expected `,` between list items",
                            )
                            .with_label("add a comma before this item"),
                        );
                    }
                    let v = self.value();
                    end = v.span.end as usize;
                    self.arg_stack.push(v);
                    need_comma = true;
                    newline_since_item = false;
                }
                TokenKind::Arrow => {
                    self.bump();
                    self.error(
                        codes::E0101,
                        t.start,
                        t.end,
                        "unexpected `->` in a list".into(),
                    );
                }
                TokenKind::Unexpected => {
                    self.bump();
                    self.unexpected(t);
                }
                TokenKind::LBrace | TokenKind::RBrace | TokenKind::Semi | TokenKind::Eof => break,
            }
        }
        self.depth -= 1;
        let items = self.take_values(base);
        if closed {
            self.diags.append(&mut comma_errors);
        } else {
            self.unclosed_list(open);
        }
        Value {
            kind: ValueKind::List(items),
            span: self.span(open.start, end),
        }
    }
}
