//! A structure-aware mutator for the stable harness: real Dockerfiles
//! changed by a few edits chosen from raw bytes (`arbitrary`), biased
//! towards the tokens that matter to a Dockerfile parser (the dictionary
//! libFuzzer also uses, `dockerfile.dict`).

use arbitrary::{Arbitrary, Unstructured};

/// The dictionary's tokens, unescaped.
pub fn tokens() -> Vec<String> {
    include_str!("../dockerfile.dict")
        .lines()
        .filter_map(|line| line.strip_prefix('"')?.strip_suffix('"'))
        .map(unescape)
        .collect()
}

/// libFuzzer's dictionary escapes: `\\`, `\"` and `\xNN`.
fn unescape(token: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = token.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match (b, tail) {
            (b'\\', [b'x', h, l, tail @ ..]) => {
                let hex = std::str::from_utf8(&[*h, *l]).ok().and_then(|s| u8::from_str_radix(s, 16).ok());
                bytes.push(hex.expect("the dictionary has valid \\x escapes"));
                rest = tail;
            }
            (b'\\', [c, tail @ ..]) => {
                bytes.push(*c);
                rest = tail;
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).expect("the dictionary is UTF-8")
}

#[derive(Arbitrary, Debug)]
enum Mutation {
    /// Put a dictionary token somewhere.
    InsertToken { at: u32, token: u16 },
    /// The same token many times over (deep nesting, long lines).
    RepeatToken { at: u32, token: u16, times: u8 },
    /// Remove a stretch.
    Delete { at: u32, len: u8 },
    /// Copy a stretch somewhere else.
    Duplicate { from: u32, len: u16, to: u32 },
    /// Swap two lines.
    SwapLines { a: u16, b: u16 },
    /// One character, any.
    InsertChar { at: u32, c: char },
}

/// `text` after one to eight mutations read from `u`.
pub fn mutate(text: &str, u: &mut Unstructured<'_>, tokens: &[String]) -> arbitrary::Result<String> {
    let mut text = text.to_string();
    for _ in 0..u.int_in_range(1..=8)? {
        apply(&mut text, Mutation::arbitrary(u)?, tokens);
    }
    Ok(text)
}

fn apply(text: &mut String, mutation: Mutation, tokens: &[String]) {
    let at = |offset: u32, text: &str| floor_boundary(text, offset as usize % (text.len() + 1));
    match mutation {
        Mutation::InsertToken { at: offset, token } => {
            let i = at(offset, text);
            text.insert_str(i, &tokens[token as usize % tokens.len()]);
        }
        Mutation::RepeatToken { at: offset, token, times } => {
            let i = at(offset, text);
            text.insert_str(i, &tokens[token as usize % tokens.len()].repeat(times as usize));
        }
        Mutation::Delete { at: offset, len } => {
            let start = at(offset, text);
            let end = ceil_boundary(text, (start + len as usize).min(text.len()));
            text.replace_range(start..end, "");
        }
        Mutation::Duplicate { from, len, to } => {
            let start = at(from, text);
            let end = ceil_boundary(text, (start + len as usize % 512).min(text.len()));
            let piece = text[start..end].to_string();
            let i = at(to, text);
            text.insert_str(i, &piece);
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.len() > 1 {
                let (a, b) = (a as usize % lines.len(), b as usize % lines.len());
                lines.swap(a, b);
                *text = lines.concat();
            }
        }
        Mutation::InsertChar { at: offset, c } => {
            let i = at(offset, text);
            text.insert(i, c);
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A deterministic byte source for the stable harness (SplitMix64): the
/// same seed gives the same mutations on every run and machine.
pub struct Bytes {
    state: u64,
}

impl Bytes {
    pub fn new(seed: u64) -> Bytes {
        Bytes { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `n` pseudo-random bytes.
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        (0..n.div_ceil(8)).flat_map(|_| self.next_u64().to_le_bytes()).take(n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_unescapes() {
        let tokens = tokens();
        assert!(tokens.len() > 50, "{}", tokens.len());
        assert!(tokens.contains(&"\\\n".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"\r\n".to_string()));
        assert!(tokens.contains(&"[\"sh\", \"-c\", \"".to_string()));
        assert!(tokens.contains(&"\u{1F600}".to_string()), "multi-byte characters come from \\x escapes");
    }

    #[test]
    fn libfuzzer_can_read_the_dictionary() {
        // libFuzzer refuses a dictionary line with a byte outside printable
        // ASCII; others are written as `\xNN`.
        for (n, line) in include_str!("../dockerfile.dict").lines().enumerate() {
            assert!(line.bytes().all(|b| (0x20..0x7f).contains(&b)), "line {}: {line:?}", n + 1);
        }
    }

    #[test]
    fn mutations_change_the_text_and_stay_utf8() {
        let tokens = tokens();
        let mut bytes = Bytes::new(7);
        let mut changed = 0;
        for _ in 0..200 {
            let data = bytes.take(64);
            let mut u = Unstructured::new(&data);
            let text = "FROM alpine:3.20\nRUN echo é && ls\n";
            if let Ok(mutated) = mutate(text, &mut u, &tokens) {
                changed += usize::from(mutated != text);
            }
        }
        assert!(changed > 150, "{changed} of 200 mutations changed the text");
    }
}
