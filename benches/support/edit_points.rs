//! Where the language-server benchmark types: spread out over the file,
//! inside the text of lines long enough to hold an argument (8 or more
//! ASCII characters, from column 4 on), by a deterministic xorshift walk,
//! the same for every server. Shared by `benches/lsp.rs` and the grammar's
//! `edit_reuse` example, which replays the benchmark's edits.

/// One place to type at (the benchmark sends lines and columns, the
/// example edits at byte offsets: each reads its own fields).
#[derive(Clone, Copy)]
#[allow(dead_code)]
pub struct EditPoint {
    /// Zero-based line number.
    pub line: u32,
    /// Column within the line (bytes; the lines are ASCII, so also UTF-16 units).
    pub column: u32,
    /// Byte offset in the text.
    pub offset: usize,
}

pub fn edit_points(text: &str, count: usize) -> Vec<EditPoint> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.len() >= 8 && body.is_ascii() {
            lines.push((number as u32, offset, body.len()));
        }
        offset += line.len();
    }
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let (line, start, len) = lines[(state % lines.len() as u64) as usize];
            let column = 4 + (state >> 32) as usize % (len - 4);
            EditPoint { line, column: column as u32, offset: start + column }
        })
        .collect()
}
