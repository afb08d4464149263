//! Suggestions for misspelt names: variables and stages in rule messages,
//! keys and rule names in config errors.

/// The candidate closest to `name` when it looks like a misspelling of it:
/// same letters in another case, or at most two edits away (one for short
/// names).
pub(crate) fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let max = if name.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (if c.eq_ignore_ascii_case(name) { 0 } else { edit_distance(name, c) }, c))
        // A one-letter name is one edit from every other one.
        .filter(|(d, _)| *d <= max && *d < name.chars().count())
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j])).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggestions() {
        use super::did_you_mean;
        assert_eq!(did_you_mean("VERSOIN", ["VERSION", "OTHER"]), Some("VERSION"));
        assert_eq!(did_you_mean("version", ["VERSION"]), Some("VERSION"));
        assert_eq!(did_you_mean("ABC", ["XYZ"]), None);
        assert_eq!(did_you_mean("BUILDPLATFROM", ["BUILDPLATFORM", "TARGETPLATFORM"]), Some("BUILDPLATFORM"));
        assert_eq!(did_you_mean("x", ["y"]), None);
        assert_eq!(super::edit_distance("kitten", "sitting"), 3);
    }
}
