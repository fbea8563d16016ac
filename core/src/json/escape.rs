//! Text from outside (a browser's keys and values, stored unsafe metadata, Clerk's own
//! messages) made safe to put in an error message or a log line.

use core::fmt;

/// The most characters of an echoed key or path segment.
pub(crate) const KEY_CHARS: usize = 64;
/// The most characters of an echoed message.
pub(crate) const MESSAGE_CHARS: usize = 256;

/// `text` with control and invisible characters escaped as `\u{…}` (backticks too, in a
/// key: `max_chars` of [`KEY_CHARS`] or fewer) and cut after
/// `max_chars` characters (marked `…`): no line breaks, terminal escapes, bidi
/// overrides or zero-width characters reach the reader.
pub(crate) fn escaped(text: &str, max_chars: usize) -> Escaped<'_> {
    Escaped { text, max_chars }
}

/// See [`escaped`].
#[derive(Clone, Copy)]
pub(crate) struct Escaped<'a> {
    text: &'a str,
    max_chars: usize,
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.text.chars().enumerate() {
            if i == self.max_chars {
                return f.write_str("…");
            }
            // Backticks too, in keys and other names (`KEY_CHARS` or shorter): messages
            // quote them between backticks, and a key must not end the quote early and
            // pass the rest for the message's own words. A message keeps its own.
            if is_hidden(c) || (c == '`' && self.max_chars <= KEY_CHARS) {
                write!(f, "\\u{{{:x}}}", c as u32)?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Whether `c` is a control character (Cc), a line or paragraph separator, a format
/// character (Cf: bidi controls, zero-width characters, the BOM, tags, …), a variation
/// selector or an invisible filler: characters a reader cannot see or that change how
/// the text around them is shown.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// The parser's message without the position serde_json appends (the path says where
/// more usefully).
pub(crate) fn message_only(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at)
            if message[at + 9..]
                .split_once(" column ")
                .is_some_and(|(line, column)| {
                    [line, column]
                        .iter()
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                }) =>
        {
            &message[..at]
        }
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escaped_and_long_text_is_cut() {
        let shown = escaped("a\r\nb\u{1b}[31m\u{202e}c\u{200b}d\u{feff}", 100).to_string();
        assert_eq!(shown, r"a\u{d}\u{a}b\u{1b}[31m\u{202e}c\u{200b}d\u{feff}");
        assert_eq!(escaped("héllo wörld", 5).to_string(), "héllo…");
        assert_eq!(escaped("exactly", 7).to_string(), "exactly");
        assert_eq!(
            escaped(&"x".repeat(100_000), 64)
                .to_string()
                .chars()
                .count(),
            65
        );
        assert_eq!(escaped("日本語", 64).to_string(), "日本語");
    }

    #[test]
    fn the_position_serde_json_appends_is_cut() {
        assert_eq!(message_only("a at line 1 column 2"), "a");
        assert_eq!(message_only("says at line one"), "says at line one");
    }
}
