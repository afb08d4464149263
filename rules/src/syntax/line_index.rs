//! Byte offsets <-> line/column positions, in UTF-8, UTF-16 and characters.
//!
//! A line ends at `\n`, `\r\n` or a lone `\r`: the line terminators of the
//! Language Server Protocol and of SARIF, and how editors show a file. (The
//! Dockerfile grammar itself only breaks lines at `\n`; this is about how
//! positions are presented, not about what an instruction is.)

/// A 0-based line and column. What the column counts depends on the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Column units a front-end can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Bytes of UTF-8 (LSP `utf-8`).
    Utf8,
    /// UTF-16 code units (LSP default, SARIF default).
    Utf16,
    /// Unicode scalar values (what a terminal user counts).
    Char,
}

/// Maps byte offsets of one text to positions and back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// The byte offset where each line starts (the first is 0).
    line_starts: Vec<usize>,
    /// Every character that is more than one byte long: its offset and its
    /// UTF-8 length, in text order (so ASCII lines cost nothing).
    wide: Vec<(u32, u8)>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut wide = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                _ if b >= 0xC0 => {
                    let len = if b >= 0xF0 {
                        4
                    } else if b >= 0xE0 {
                        3
                    } else {
                        2
                    };
                    wide.push((i as u32, len));
                    i += len as usize;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { line_starts, wide, len: text.len() }
    }

    /// How many lines the text has (a text ending in a terminator has an
    /// empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line that contains `offset` (clamped to the text).
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// The multi-byte characters in `from..to`.
    fn wide_in(&self, from: usize, to: usize) -> &[(u32, u8)] {
        let first = self.wide.partition_point(|&(at, _)| (at as usize) < from);
        let last = self.wide.partition_point(|&(at, _)| (at as usize) < to);
        &self.wide[first..last]
    }

    /// How many `unit`s the text `from..to` (on one line, on character
    /// boundaries) spans.
    fn width(&self, from: usize, to: usize, unit: ColumnUnit) -> usize {
        let bytes = to - from;
        match unit {
            ColumnUnit::Utf8 => bytes,
            ColumnUnit::Utf16 => {
                bytes - self.wide_in(from, to).iter().map(|&(_, len)| len as usize - utf16_len(len)).sum::<usize>()
            }
            ColumnUnit::Char => bytes - self.wide_in(from, to).iter().map(|&(_, len)| len as usize - 1).sum::<usize>(),
        }
    }

    /// The position of `offset` (clamped to the text and to a character
    /// start), with columns in `unit`. An offset between the `\r` and the
    /// `\n` of a pair is on the line the pair ends.
    pub fn position(&self, text: &str, offset: usize, unit: ColumnUnit) -> Position {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        let column = self.width(self.line_starts[line], offset, unit);
        Position { line: line as u32, column: column as u32 }
    }

    /// The byte offset of a position given in `unit`, clamped to the end of
    /// the line's content (before its terminator) and to a character start.
    /// `None` only when the line does not exist.
    pub fn offset(&self, text: &str, position: Position, unit: ColumnUnit) -> Option<usize> {
        let range = self.line_range(text, position.line)?;
        let wanted = position.column as usize;
        let byte_col = match unit {
            ColumnUnit::Utf8 => floor_char_boundary(&text[range.clone()], wanted.min(range.len())),
            ColumnUnit::Utf16 | ColumnUnit::Char => {
                // Walk the line's multi-byte characters only.
                let (mut byte, mut col) = (range.start, 0usize);
                let mut found = None;
                for &(at, len) in self.wide_in(range.start, range.end) {
                    let at = at as usize;
                    let ascii = at - byte;
                    if col + ascii >= wanted {
                        found = Some(byte + (wanted - col));
                        break;
                    }
                    col += ascii;
                    let w = if unit == ColumnUnit::Utf16 { utf16_len(len) } else { 1 };
                    if col + w > wanted {
                        // Inside a surrogate pair: the character's start.
                        found = Some(at);
                        break;
                    }
                    col += w;
                    byte = at + len as usize;
                }
                found.unwrap_or_else(|| (byte + (wanted - col)).min(range.end)) - range.start
            }
        };
        Some(range.start + byte_col)
    }

    /// The byte range of line `line` (0-based), without its line terminator.
    pub fn line_range(&self, text: &str, line: u32) -> Option<std::ops::Range<usize>> {
        let start = *self.line_starts.get(line as usize)?;
        let next = self.line_starts.get(line as usize + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        let mut end = next.min(text.len());
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some(start..end)
    }
}

/// UTF-16 code units of a character that is `utf8_len` bytes of UTF-8.
fn utf16_len(utf8_len: u8) -> usize {
    if utf8_len == 4 { 2 } else { 1 }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_every_unit() {
        let text = "FROM a\n# é😀世中 x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x, ColumnUnit::Utf8), Position { line: 1, column: 15 });
        assert_eq!(index.position(text, x, ColumnUnit::Utf16), Position { line: 1, column: 8 });
        assert_eq!(index.position(text, x, ColumnUnit::Char), Position { line: 1, column: 7 });
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
            let pos = index.position(text, x, unit);
            assert_eq!(index.offset(text, pos, unit), Some(x), "{unit:?}");
        }
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 99, ColumnUnit::Char), Position { line: 1, column: 2 });
        assert_eq!(index.offset(text, Position { line: 0, column: 40 }, ColumnUnit::Utf16), Some(2));
        assert_eq!(index.offset(text, Position { line: 5, column: 0 }, ColumnUnit::Utf8), None);
        assert_eq!(index.line_range("a\r\nb", 0), Some(0..1));
        // Past the end of a CRLF line: before the pair, never inside it.
        let crlf = "ab\r\ncd";
        assert_eq!(LineIndex::new(crlf).offset(crlf, Position { line: 0, column: 3 }, ColumnUnit::Utf16), Some(2));
        // Inside a surrogate pair: the emoji's start.
        let emoji = "a😀b";
        assert_eq!(LineIndex::new(emoji).offset(emoji, Position { line: 0, column: 2 }, ColumnUnit::Utf16), Some(1));
        assert_eq!(LineIndex::new(emoji).offset(emoji, Position { line: 0, column: 3 }, ColumnUnit::Utf16), Some(5));
    }

    #[test]
    fn every_terminator_ends_a_line() {
        let text = "a\rb\r\nc\nd\r\r\n\ré";
        let index = LineIndex::new(text);
        let lines: Vec<&str> =
            (0..index.line_count() as u32).map(|l| &text[index.line_range(text, l).unwrap()]).collect();
        assert_eq!(lines, ["a", "b", "c", "d", "", "", "é"]);
        assert_eq!(index.line_range(text, 7), None);
        assert_eq!(index.position(text, text.find('c').unwrap(), ColumnUnit::Utf16), Position { line: 2, column: 0 });
        assert_eq!(index.position(text, text.len(), ColumnUnit::Utf16), Position { line: 6, column: 1 });
        assert_eq!(index.position(text, text.len(), ColumnUnit::Utf8), Position { line: 6, column: 2 });
        // Between the `\r` and the `\n` of a pair: still the line the pair ends.
        assert_eq!(index.position(text, 4, ColumnUnit::Utf8), Position { line: 1, column: 2 });
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
                let pos = index.position(text, offset, unit);
                let back = index.offset(text, pos, unit).unwrap();
                // Only the inside of a CRLF pair has no position of its own.
                let expected = if offset == 4 || offset == 10 { offset - 1 } else { offset };
                assert_eq!(back, expected, "{offset} {unit:?}");
            }
        }
    }

    #[test]
    fn unix_and_crlf_texts_keep_their_lines() {
        for text in ["FROM a\nRUN é\n\nX", "FROM a\r\nRUN é\r\n\r\nX", ""] {
            let index = LineIndex::new(text);
            let expected: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
            let lines: Vec<&str> =
                (0..index.line_count() as u32).map(|l| &text[index.line_range(text, l).unwrap()]).collect();
            assert_eq!(lines, expected);
        }
    }
}
