//! Deterministic random edits for the tests of incremental work (re-parse,
//! reused scripts and instructions): each must equal a fresh build after any
//! edit.

use crate::diagnostic::TextRange;

/// A seeded generator of edits (a linear congruential generator: the same
/// seed gives the same edits on every run).
pub(crate) struct RandomEdits {
    seed: u64,
}

impl RandomEdits {
    pub fn new(seed: u64) -> RandomEdits {
        RandomEdits { seed }
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.seed = self.seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.seed >> 33) as usize) % n.max(1)
    }

    /// A range of `text` (on character boundaries, shorter than `max_len`)
    /// and one of `inserts` to put there.
    pub fn edit<'a>(&mut self, text: &str, max_len: usize, inserts: &[&'a str]) -> (TextRange, &'a str) {
        let mut start = self.below(text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + self.below(max_len)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        (TextRange::new(start, end), inserts[self.below(inserts.len())])
    }
}
