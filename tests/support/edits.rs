//! Random text edits for the end-to-end tests, with an LSP line model of
//! their own (not the engine's `LineIndex`, so a shared mistake cannot hide).

use serde_json::{Value, json};

/// The LSP position (UTF-16 columns) of byte `offset`, counting `\n`,
/// `\r\n` and a lone `\r` as line terminators.
pub fn lsp_position(text: &str, offset: usize) -> Value {
    let (mut line, mut col) = (0u32, 0u32);
    let bytes = text.as_bytes();
    let mut at = 0;
    for c in text[..offset].chars() {
        match c {
            // The `\n` of the pair ends the line (and an offset between the
            // two is on the line the pair ends).
            '\r' if bytes.get(at + 1) == Some(&b'\n') => col += 1,
            '\r' | '\n' => {
                line += 1;
                col = 0;
            }
            c => col += c.len_utf16() as u32,
        }
        at += c.len_utf8();
    }
    json!({ "line": line, "character": col })
}

pub fn lsp_range(text: &str, start: usize, end: usize) -> Value {
    json!({ "start": lsp_position(text, start), "end": lsp_position(text, end) })
}

/// A tiny deterministic generator (xorshift64*), so a failure replays.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random offset of `text` that an LSP position can name: a character
/// start, not between the `\r` and `\n` of a pair.
pub fn addressable_offset(rng: &mut Rng, text: &str) -> usize {
    addressable(text, rng.below(text.len() + 1))
}

/// `offset` moved back to a character start, and out of a CRLF pair.
pub fn addressable(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n') {
        offset -= 1;
    }
    offset
}
