//! Cases for every rule of the style.

use super::*;

fn fmt(text: &str) -> String {
    format(text, &FormatOptions::default())
}

#[track_caller]
fn check(input: &str, expected: &str) {
    let once = fmt(input);
    assert_eq!(once, expected, "\ninput:\n{input}\n");
    assert_eq!(fmt(&once), once, "not idempotent");
}

#[test]
fn keywords_and_spacing() {
    check("from   alpine:3  as   build\nrun  echo hi\n", "FROM alpine:3 AS build\nRUN echo hi\n");
}
