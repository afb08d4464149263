//! The output of one instruction, and what lies between two pieces of it in
//! the source (a gap: blanks, line continuations, comment lines).

use super::{FormatOptions, Indent};

/// What the source has between two pieces that are kept as written.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Gap {
    /// The gap crosses a line (a continuation).
    pub line_break: bool,
    /// Comment lines inside the continuation, trimmed.
    pub comments: Vec<String>,
}

impl Gap {
    /// Read a gap of the source. `None` when it holds anything besides
    /// blanks, continuations (with the escape character), blank lines and
    /// comment lines: then the pieces around it are not what we think.
    pub fn read(text: &str, escape: char) -> Option<Gap> {
        let mut gap = Gap::default();
        let mut lines = text.split('\n');
        let first = lines.next().unwrap_or("");
        let rest: Vec<&str> = lines.collect();
        if rest.is_empty() {
            return first.chars().all(is_blank).then_some(gap);
        }
        // The first line: blanks, the escape, blanks.
        let first = first.trim_end_matches(is_blank_or_cr);
        let before = first.strip_suffix(escape)?;
        if !before.chars().all(is_blank) {
            return None;
        }
        gap.line_break = true;
        let (last, middle) = rest.split_last()?;
        for line in middle {
            let trimmed = line.trim_matches(is_blank_or_cr);
            if trimmed.starts_with('#') {
                gap.comments.push(trimmed.to_string());
            } else if !trimmed.is_empty() {
                return None;
            }
        }
        last.chars().all(is_blank).then_some(gap)
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_blank_or_cr(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\r'
}

/// The text being built, with the current column (for the line width).
pub(super) struct Out<'o> {
    pub buf: String,
    pub col: usize,
    pub options: &'o FormatOptions,
    pub newline: &'o str,
    pub escape: char,
}

impl<'o> Out<'o> {
    pub fn new(options: &'o FormatOptions, newline: &'o str, escape: char) -> Out<'o> {
        Out { buf: String::new(), col: 0, options, newline, escape }
    }

    /// Text as it is (it may span lines: a piece with a continuation inside).
    pub fn text(&mut self, s: &str) {
        self.buf.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.col = width(&s[i + 1..], self.options.tab_width),
            None => self.col += width(s, self.options.tab_width),
        }
    }

    pub fn space(&mut self) {
        self.buf.push(' ');
        self.col += 1;
    }

    /// End the line with a continuation, write the comment lines, and
    /// start the next line indented `depth` levels.
    pub fn line_break(&mut self, depth: usize, comments: &[String]) {
        if !self.buf.is_empty() && !self.buf.ends_with([' ', '\t']) {
            self.buf.push(' ');
        }
        self.buf.push(self.escape);
        self.buf.push_str(self.newline);
        let indent = self.indent(depth);
        for comment in comments {
            self.buf.push_str(&indent);
            self.buf.push_str(comment);
            self.buf.push_str(self.newline);
        }
        self.buf.push_str(&indent);
        self.col = width(&indent, self.options.tab_width);
    }

    fn indent(&self, depth: usize) -> String {
        match self.options.indent {
            Indent::Spaces(n) => " ".repeat(usize::from(n) * depth),
            Indent::Tab => "\t".repeat(depth),
        }
    }
}

/// Display width of one line of text (tabs count as `tab_width`).
pub(super) fn width(s: &str, tab_width: usize) -> usize {
    s.chars().map(|c| if c == '\t' { tab_width } else { 1 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps() {
        assert_eq!(Gap::read("  ", '\\'), Some(Gap::default()));
        assert_eq!(Gap::read(" \\\n    ", '\\'), Some(Gap { line_break: true, comments: vec![] }));
        assert_eq!(
            Gap::read(" \\  \r\n  # one  \r\n\n\t# two\n  ", '\\'),
            Some(Gap { line_break: true, comments: vec!["# one".into(), "# two".into()] })
        );
        assert_eq!(Gap::read(" `\n ", '`'), Some(Gap { line_break: true, comments: vec![] }));
        assert_eq!(Gap::read(" x ", '\\'), None);
        assert_eq!(Gap::read(" \\\n x \n ", '\\'), None);
        assert_eq!(Gap::read(" \n ", '\\'), None);
    }
}
