//! `unicode61` as a lookup table, for text in the Basic Multilingual Plane.
//!
//! The built-in tokenizer finds each non-ASCII character's class, and its
//! case fold and diacritic-free form, by binary searches over SQLite's
//! Unicode tables: together two thirds of the tokenizing time in a full
//! sync, where the tokenizer reads 167 MB of text for 20k messages, half
//! of its words non-ASCII. Its reading of a character depends only on the
//! character and on whether a word has begun, so one table entry per
//! character says it all.
//!
//! The table is read off the built-in tokenizer of the linked SQLite when
//! first needed, not written from the Unicode data here: it then holds
//! exactly what the built-in would do, whatever SQLite's version. Text with
//! a character beyond the table (above U+FFFF: emoji, rare CJK) is left to
//! the built-in tokenizer.

use std::sync::OnceLock;

use super::{MARK, Span, Unicode61};

/// Characters the table covers: U+0000 to U+FFFF.
const SIZE: usize = 0x10000;

/// The character begins a word (a letter or digit).
const STARTS: u8 = 1;
/// The character goes on with a word begun (a letter, a digit, or a
/// diacritic mark, which may not begin one).
const CONTINUES: u8 = 2;

pub(super) struct Table {
    class: Box<[u8]>,
    /// What each word character becomes in the index; NUL for nothing (a
    /// diacritic mark, removed).
    folded: Box<[char]>,
}

/// The process's table, or None if the tokenizer could not be read.
pub(super) fn get() -> Option<&'static Table> {
    static TABLE: OnceLock<Option<Table>> = OnceLock::new();
    TABLE
        .get_or_init(|| Unicode61::load().and_then(|t| Table::read(&t)))
        .as_ref()
}

impl Table {
    /// Asks `tokenizer` about every character: in the middle of a word
    /// ("a", the character, "a": one word or two) and at the beginning of
    /// one (the character, then "a": whether the word begins at it).
    fn read(tokenizer: &Unicode61) -> Option<Self> {
        let chars: Vec<char> = (0..SIZE as u32).filter_map(char::from_u32).collect();
        let mut class = vec![0u8; SIZE].into_boxed_slice();
        let mut folded = vec!['\0'; SIZE].into_boxed_slice();

        let (text, starts) = probes(&chars, |c, s| {
            s.push('a');
            s.push(c);
            s.push('a');
        });
        for Span { word, start, end } in tokenizer.spans(&text)? {
            let Ok(i) = starts.binary_search(&start) else {
                continue;
            };
            let c = chars[i];
            if end != start + c.len_utf8() + 2 {
                continue; // two words: a separator
            }
            let word = String::from_utf8(word).ok()?;
            let middle = word.strip_prefix('a')?.strip_suffix('a')?;
            let mut fold = middle.chars();
            let f = fold.next().unwrap_or('\0');
            if fold.next().is_some() {
                return None; // a fold this table cannot hold
            }
            class[c as usize] |= CONTINUES;
            folded[c as usize] = f;
        }

        let (text, starts) = probes(&chars, |c, s| {
            s.push(c);
            s.push('a');
        });
        for Span { start, .. } in tokenizer.spans(&text)? {
            if let Ok(i) = starts.binary_search(&start) {
                let c = chars[i] as usize;
                if class[c] & CONTINUES == 0 {
                    return None; // the tokenizer reads in a way not foreseen
                }
                class[c] |= STARTS;
            }
        }
        Some(Self { class, folded })
    }

    /// `text` in tokenized form (see [`super::IndexText`]), or None if it
    /// holds a character beyond the table.
    pub(super) fn words(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len() + 2);
        out.push(MARK);
        let mut in_word = false;
        for c in text.chars() {
            let i = c as usize;
            let class = *self.class.get(i)?;
            let wanted = if in_word { CONTINUES } else { STARTS };
            if class & wanted != 0 {
                let f = self.folded[i];
                if f != '\0' {
                    out.push(f);
                }
                in_word = true;
            } else if in_word {
                out.push(' ');
                in_word = false;
            }
        }
        if in_word {
            out.push(' ');
        }
        Some(out)
    }
}

/// One probe per character, each followed by a space (a separator), and
/// where each begins (rising).
fn probes(chars: &[char], probe: impl Fn(char, &mut String)) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(chars.len() * 7);
    let mut starts = Vec::with_capacity(chars.len());
    for &c in chars {
        starts.push(text.len());
        probe(c, &mut text);
        text.push(' ');
    }
    (text, starts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn builtin(text: &str) -> Option<String> {
        Unicode61::load().expect("tokenizer").words(text)
    }

    #[test]
    fn the_table_reads_as_the_builtin_tokenizer() {
        let table = get().expect("table");
        for text in [
            "Grüße aus Köln! Café déjà-vu, NAÏVE façade; Ελληνικά ΚΕΊΜΕΝΟ, русский ТЕКСТ",
            "東京都 x_y snake_case 3.14 e-mail\u{a0}nbsp",
            // Combining marks: removed inside a word, a separator before one.
            "e\u{301}te\u{301} \u{301}abc \u{301}\u{301} a\u{301}\u{302}b",
            "",
            "   ",
            "\0nul\0",
        ] {
            assert_eq!(table.words(text), builtin(text), "{text:?}");
        }
        // A character above U+FFFF is not in the table.
        assert_eq!(table.words("mail \u{1F600}"), None);
    }

    /// Characters from the ranges mail text is made of, marks and
    /// separators included.
    fn mail_char() -> impl Strategy<Value = char> {
        prop_oneof![
            proptest::char::range(' ', '~'),
            proptest::char::range('\u{a0}', '\u{24f}'),
            proptest::char::range('\u{300}', '\u{36f}'),
            proptest::char::range('\u{370}', '\u{52f}'),
            proptest::char::range('\u{2000}', '\u{206f}'),
            proptest::char::range('\u{3000}', '\u{30ff}'),
            proptest::char::range('\u{4e00}', '\u{4eff}'),
            proptest::char::range('\u{0}', '\u{ffff}'),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn any_text_in_the_table_reads_as_with_the_builtin_tokenizer(
            chars in proptest::collection::vec(mail_char(), 0..40)
        ) {
            let text: String = chars.into_iter().collect();
            let table = get().expect("table");
            prop_assert_eq!(table.words(&text), builtin(&text));
        }
    }
}
