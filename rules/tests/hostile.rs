//! Hostile input: nesting 100,000 levels deep never overflows the stack.
//! Each test runs on a test thread (2 MiB of stack unless RUST_MIN_STACK
//! says otherwise), the smallest stack the engine runs on.

use dockside_rules::model::MAX_NESTING;
use dockside_rules::{ColumnUnit, Document, Settings, check_document};

const DEPTH: usize = 100_000;

/// `open` DEPTH times, `middle`, `close` DEPTH times.
fn nested(before: &str, open: &str, middle: &str, close: &str, after: &str) -> String {
    format!("{before}{}{middle}{}{after}", open.repeat(DEPTH), close.repeat(DEPTH))
}

/// A syntax error's line and column (1-based) and message.
type Located = (usize, usize, String);

/// The model of `text` after every rule ran on it, with its syntax errors
/// and the rules that found something.
fn lint(text: &str) -> (Document, Vec<Located>, Vec<&'static str>) {
    let doc = Document::parse(text);
    let rules = check_document(&doc, &Settings::default()).iter().map(|d| d.rule.name).collect();
    let errors = doc
        .syntax_errors
        .iter()
        .map(|e| {
            let p = doc.line_index.position(text, e.range.start, ColumnUnit::Utf8);
            (p.line as usize + 1, p.column as usize + 1, e.message.clone())
        })
        .collect();
    (doc, errors, rules)
}

fn too_deep_expansion() -> String {
    format!("expansion nested deeper than {MAX_NESTING} levels; not analysed")
}

#[test]
fn deep_expansions_are_reported_where_the_limit_is_passed() {
    let (_, errors, rules) = lint(&nested("FROM ", "${a:-", "alpine", "}", "\nRUN echo ok\n"));
    // The first expansion past the limit starts after MAX_NESTING `${a:-`.
    assert_eq!(errors, [(1, 6 + 5 * MAX_NESTING, too_deep_expansion())]);
    // The image is unknown, so no rule says anything about it.
    assert_eq!(rules, ["syntax-error"]);
}

#[test]
fn deep_quoted_expansions_are_reported() {
    let (_, errors, _) = lint(&nested("FROM a\nENV A=\"", "${a:-\"", "x", "\"}", "\"\n"));
    assert!(errors.iter().any(|e| e.0 == 2 && e.2 == too_deep_expansion()), "{errors:?}");
}

#[test]
fn unterminated_deep_expansions_are_syntax_errors() {
    // tree-sitter's error recovery gives up on an unclosed expansion more
    // than a few levels deep and makes the whole file one ERROR.
    let (_, errors, rules) = lint(&format!("FROM {}\nRUN echo ok\n", "${a:-".repeat(DEPTH)));
    assert_eq!(errors.first().map(|e| (e.0, e.1)), Some((1, 1)), "{errors:?}");
    assert!(rules.contains(&"syntax-error"));
}

#[test]
fn nesting_up_to_the_limit_is_read() {
    let text = format!("FROM {}alpine:3.20{}\n", "${a:-".repeat(MAX_NESTING), "}".repeat(MAX_NESTING));
    let (doc, errors, _) = lint(&text);
    assert_eq!(errors, []);
    let image = doc.instructions[0].image().expect("an image");
    assert_eq!(image.word.expansions().len(), MAX_NESTING);
    assert_eq!(image.word.expand(&|_| None).text, "alpine:3.20");
    // One more level is not.
    let deeper = format!("FROM {}alpine:3.20{}\n", "${a:-".repeat(MAX_NESTING + 1), "}".repeat(MAX_NESTING + 1));
    assert_eq!(lint(&deeper).1, [(1, 6 + 5 * MAX_NESTING, too_deep_expansion())]);
}

/// `text` has a RUN on line 2 whose script is reported and not kept.
fn assert_script_not_read(text: &str) {
    let (doc, errors, _) = lint(text);
    let expected =
        format!("shell script nested too deeply (its syntax tree is over {MAX_NESTING} levels deep); not analysed");
    assert!(errors.iter().any(|e| e.0 == 2 && e.2 == expected), "{}: {errors:?}", &text[..40]);
    let run = &doc.instructions[1];
    assert!(run.script().is_none() && run.onbuild().is_none_or(|i| i.script().is_none()));
}

#[test]
fn deep_command_substitutions_are_reported() {
    assert_script_not_read(&nested("FROM a\nRUN echo ", "\"$(echo ", "x", ")\"", "\n"));
}

#[test]
fn deep_arithmetic_is_reported() {
    assert_script_not_read(&nested("FROM a\nRUN echo ", "$((1+", "1", "))", "\n"));
}

#[test]
fn deep_subshells_and_groups_are_reported() {
    assert_script_not_read(&nested("FROM a\nRUN ", "(", "true", ")", "\n"));
    assert_script_not_read(&nested("FROM a\nRUN ", "{ ", "true", "; }", "\n"));
}

#[test]
fn deep_compound_statements_are_reported() {
    assert_script_not_read(&nested("FROM a\nRUN ", "if true; then ", "true", "; fi", "\n"));
}

#[test]
fn deep_scripts_in_exec_form_and_onbuild_are_reported() {
    assert_script_not_read(&nested("FROM a\nRUN [\"sh\", \"-c\", \"", "(", "true", ")", "\"]\n"));
    assert_script_not_read(&nested("FROM a\nONBUILD RUN ", "$(", "x", ")", "\n"));
}

#[test]
fn long_and_chains_are_not_nesting() {
    let (doc, errors, _) = lint(&format!("FROM a\nRUN true{}\n", " && echo x".repeat(DEPTH / 10)));
    assert_eq!(errors, []);
    assert_eq!(doc.instructions[1].script().map(|s| s.commands.len()), Some(DEPTH / 10 + 1));
}

#[test]
fn chained_onbuild_is_read_two_levels_deep() {
    let (doc, _, rules) = lint(&format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(DEPTH)));
    assert!(rules.contains(&"invalid-onbuild-trigger"), "{rules:?}");
    let second = doc.instructions[1].onbuild().and_then(|i| i.onbuild()).expect("two levels");
    assert!(second.onbuild().is_none());
}

#[test]
fn unclosed_brackets_and_substitutions_do_not_overflow() {
    // Not a JSON array: shell-form text.
    let (doc, errors, _) = lint(&nested("FROM a\nCMD ", "[", "\"a\"", "]", "\n"));
    assert_eq!(errors, []);
    assert!(doc.instructions[1].shell.is_some());
    // bash's own syntax errors are ShellCheck's to report.
    for text in [format!("FROM a\nRUN echo {}\n", "\"$(".repeat(DEPTH)), format!("FROM a\nRUN {}\n", "(".repeat(DEPTH))]
    {
        let (doc, _, _) = lint(&text);
        assert_eq!(doc.instructions.len(), 2, "{}", &text[..40]);
    }
    let (_, errors, _) = lint(&format!("FROM a\nCOPY {} /\n", "${a:-\"".repeat(DEPTH)));
    assert!(!errors.is_empty());
}

/// The formatter walks the same trees: a chain as long as DEPTH (bash nests
/// lists to the left, one level per operator) and every nested shape
/// format without overflowing, and formatting them again changes nothing.
#[test]
fn the_formatter_survives_long_chains_and_deep_nesting() {
    use dockside_rules::format::{FormatOptions, format};
    let options = FormatOptions::default();
    let chain = format!("FROM a\nRUN true{}\n", " && echo x".repeat(DEPTH));
    let formatted = format(&chain, &options);
    // Longer than the line width: one command per line.
    assert_eq!(formatted.matches("\\\n    && echo x").count(), DEPTH, "{}", &formatted[..200]);
    assert_eq!(format(&formatted, &options), formatted);
    let pipeline = format!("FROM a\nRUN true{}\n", " | cat".repeat(DEPTH));
    assert_eq!(format(&pipeline, &options).matches("\\\n    | cat").count(), DEPTH);
    for text in [
        nested("FROM ", "${a:-", "x", "}", "\n"),
        nested("FROM a\nRUN echo ", "\"$(echo ", "x", ")\"", "\n"),
        nested("FROM a\nRUN ", "(", "true", ")", "\n"),
        nested("FROM a\nRUN ", "{ ", "true", "; }", "\n"),
        nested("FROM a\nRUN echo ", "$((", "1", "))", "\n"),
        format!("FROM a\nRUN {}\n", "(".repeat(DEPTH)),
    ] {
        let once = format(&text, &options);
        assert_eq!(format(&once, &options), once, "{}", &text[..40]);
    }
}

/// tree-sitter-bash's scanner reads the character after `{` with C's
/// `isdigit`, a 256-entry table: a code point far above it (U+DD541 after
/// `${`) crashed the process before scripts were decoded for it. Every
/// 997th code point, in each place a brace lets the scanner look, lints;
/// and words keep their real text.
#[test]
fn any_character_after_a_brace_is_safe_for_the_bash_scanner() {
    let mut checked = 0;
    for code in (0x80..=0x10FFFF).step_by(997).chain([0xDD541, 0x10FFFF, 0xFFFF, 0x3000]) {
        let Some(c) = char::from_u32(code) else { continue };
        for script in
            [format!("echo ${{{c}x"), format!("echo ${{{c}}}"), format!("echo {{{c}..1}}"), format!("echo {{1..{c}}}")]
        {
            let text = format!("FROM a\nRUN {script} && echo {c}\n");
            let doc = Document::parse(&text);
            check_document(&doc, &Settings::default());
            checked += 1;
        }
    }
    assert!(checked > 4000, "{checked}");
    let doc = Document::parse("FROM a\nRUN echo 中文 \u{DD541}x\n");
    let script = doc.instructions[1].script().expect("a script");
    let args: Vec<&str> = script.commands[0].args.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(args, ["中文", "\u{DD541}x"]);
}
