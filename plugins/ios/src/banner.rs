//! `banner motd`: IOS reads the text between two occurrences of a delimiter character, so the
//! delimiter must not occur in the text.

/// Delimiters tried in order. Letters, digits and space would read as text; `!` starts a comment
/// in a configuration file and `?` asks the CLI for help, so neither is used.
pub const DELIMITERS: &[char] = &[
    '^', '#', '%', '~', '|', '@', '&', '*', '+', '=', '/', ':', ';', '.', ',', '_', '-', '<', '>',
    '[', ']', '{', '}', '(', ')',
];

/// IOS expands these tokens in a banner; a text containing one would not be shown as written.
pub const TOKENS: &[&str] = &["$(hostname)", "$(domain)", "$(line)", "$(line-desc)"];

/// Why a banner cannot be written exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BannerError {
    /// Every candidate delimiter occurs in the text.
    NoDelimiter,
    /// A control character other than tab and newline.
    ControlCharacter(char),
    /// A token IOS would replace.
    Token(&'static str),
}

impl std::fmt::Display for BannerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BannerError::NoDelimiter => write!(
                f,
                "the banner contains every delimiter character IOS could use ({}), so IOS \
                 cannot tell where it ends",
                DELIMITERS.iter().collect::<String>()
            ),
            BannerError::ControlCharacter(c) => write!(
                f,
                "the banner contains the control character U+{:04X}, which an IOS banner \
                 cannot carry",
                u32::from(*c)
            ),
            BannerError::Token(t) => write!(
                f,
                "the banner contains `{t}`, which IOS replaces with its own value"
            ),
        }
    }
}

/// The `banner motd` lines for `text`: `banner motd D`, the text's lines, then `D`.
pub fn lines(text: &str) -> Result<Vec<String>, BannerError> {
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(BannerError::ControlCharacter(c));
    }
    if let Some(t) = TOKENS.iter().find(|t| text.contains(**t)) {
        return Err(BannerError::Token(t));
    }
    let delimiter = DELIMITERS
        .iter()
        .find(|d| !text.contains(**d))
        .ok_or(BannerError::NoDelimiter)?;
    let mut out = vec![format!("banner motd {delimiter}")];
    out.extend(text.split('\n').map(str::to_string));
    out.push(delimiter.to_string());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_a_free_delimiter() {
        assert_eq!(
            lines("Authorised access only").unwrap(),
            ["banner motd ^", "Authorised access only", "^"]
        );
        assert_eq!(
            lines("a ^ b\nc").unwrap(),
            ["banner motd #", "a ^ b", "c", "#"]
        );
    }

    #[test]
    fn refuses_what_cannot_be_written() {
        let all: String = DELIMITERS.iter().collect();
        assert_eq!(lines(&all), Err(BannerError::NoDelimiter));
        assert_eq!(
            lines("a\u{3}b"),
            Err(BannerError::ControlCharacter('\u{3}'))
        );
        assert_eq!(
            lines("hi $(hostname)"),
            Err(BannerError::Token("$(hostname)"))
        );
    }
}
