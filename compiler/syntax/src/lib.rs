//! Lexer, parser and formatter of the `.infra` language.
//!
//! - [`parse`] turns source text into an [`ast::File`] and diagnostics; it never fails and
//!   never panics, whatever the input.
//! - [`classify_word`] classifies a bare word into a literal kind (also used by the checker
//!   after template substitution).
//! - [`format()`] prints a tree in canonical form (`infrac fmt`).
//! - [`dump`] renders a tree compactly, for snapshots and debugging.
//!
//! The grammar is generic: `statement := keyword value* block?`, ended by a newline, `;` or
//! the `}` of the enclosing block. See the "Syntax" section of `docs/language.md`.

pub mod ast;
mod classify;
mod dump;
mod format;
mod lexer;
mod parser;

pub use classify::classify_word;
pub use dump::dump;
pub use format::format;
pub use parser::{MAX_DEPTH, parse};
