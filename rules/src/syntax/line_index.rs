//! Byte offsets <-> line/column positions, in UTF-8, UTF-16 and characters.

use line_index::{LineCol, TextSize, WideEncoding, WideLineCol};

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
    inner: line_index::LineIndex,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex { inner: line_index::LineIndex::new(text), len: text.len() }
    }

    /// The position of `offset` (clamped to the text), with columns in `unit`.
    pub fn position(&self, text: &str, offset: usize, unit: ColumnUnit) -> Position {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let lc = self.inner.line_col(TextSize::new(offset as u32));
        let column = match unit {
            ColumnUnit::Utf8 => lc.col,
            ColumnUnit::Utf16 => self.inner.to_wide(WideEncoding::Utf16, lc).map_or(lc.col, |w| w.col),
            ColumnUnit::Char => {
                let line_start = offset - lc.col as usize;
                text[line_start..offset].chars().count() as u32
            }
        };
        Position { line: lc.line, column }
    }

    /// The byte offset of a position given in `unit`, clamped to the line end
    /// and the text end. `None` only when the line does not exist.
    pub fn offset(&self, text: &str, position: Position, unit: ColumnUnit) -> Option<usize> {
        let line_start = self.inner.offset(LineCol { line: position.line, col: 0 })?;
        let line_start = usize::from(line_start);
        let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
        let line_text = &text[line_start..line_end];
        let byte_col = match unit {
            ColumnUnit::Utf8 => floor_char_boundary(line_text, position.column as usize),
            ColumnUnit::Utf16 => {
                let wide = WideLineCol { line: position.line, col: position.column };
                match self.inner.to_utf8(WideEncoding::Utf16, wide) {
                    Some(lc) => (lc.col as usize).min(line_text.len()),
                    None => line_text.len(),
                }
            }
            ColumnUnit::Char => {
                line_text.char_indices().nth(position.column as usize).map_or(line_text.len(), |(i, _)| i)
            }
        };
        Some(line_start + byte_col)
    }

    /// The byte range of line `line` (0-based), without its line terminator.
    pub fn line_range(&self, text: &str, line: u32) -> Option<std::ops::Range<usize>> {
        let start = usize::from(self.inner.offset(LineCol { line, col: 0 })?);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        Some(start..end)
    }
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
        let text = "FROM a\n# é😀世 x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x, ColumnUnit::Utf8), Position { line: 1, column: 12 });
        assert_eq!(index.position(text, x, ColumnUnit::Utf16), Position { line: 1, column: 7 });
        assert_eq!(index.position(text, x, ColumnUnit::Char), Position { line: 1, column: 6 });
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
    }
}
