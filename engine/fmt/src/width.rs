//! Column counting for alignment.
//!
//! The reference formatter measures text in grapheme clusters. This module
//! approximates grapheme segmentation without a Unicode database: combining
//! marks, variation selectors, emoji modifiers and zero-width-joiner
//! sequences extend the previous cluster, regional-indicator pairs form one
//! flag, and `\r\n` counts as one.

/// Whether `c` is (very likely) a combining mark that extends a cluster.
pub fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2
        | 0x05C4..=0x05C5 | 0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x06E7..=0x06E8 | 0x06EA..=0x06ED
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963
        | 0x0981..=0x0983 | 0x09BC..=0x09D7 | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C | 0x20D0..=0x20FF | 0x302A..=0x302F
        | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF
        | 0xE0100..=0xE01EF)
}

fn is_regional_indicator(c: char) -> bool {
    (0x1F1E6..=0x1F1FF).contains(&(c as u32))
}

/// The number of grapheme clusters in `text`.
pub fn columns(text: &str) -> usize {
    let mut count = 0;
    let mut prev: Option<char> = None;
    let mut after_zwj = false;
    let mut ri_open = false;
    for c in text.chars() {
        let extends = match prev {
            None => false,
            Some('\r') if c == '\n' => true,
            Some(p) if p == '\r' || p == '\n' || p.is_control() => false,
            Some(_) => {
                is_mark(c) || c == '\u{200D}' || after_zwj || (ri_open && is_regional_indicator(c))
            }
        };
        if !extends {
            count += 1;
        }
        ri_open = is_regional_indicator(c) && !(extends && ri_open);
        after_zwj = c == '\u{200D}';
        prev = Some(c);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::columns;

    #[test]
    fn counts_clusters() {
        assert_eq!(columns("abc"), 3);
        assert_eq!(columns("e\u{301}"), 1);
        assert_eq!(columns("\u{1F469}\u{200D}\u{1F52C}"), 1);
        assert_eq!(columns("\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}"), 2);
        assert_eq!(columns("a\r\n"), 2);
        assert_eq!(columns("é"), 1);
    }
}
