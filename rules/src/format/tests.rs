//! Cases for every rule of the style. Each expected output is also checked
//! to be a fixed point (formatting it again changes nothing).

use super::*;

fn fmt_with(text: &str, options: &FormatOptions) -> String {
    format(text, options)
}

#[track_caller]
fn check_with(input: &str, expected: &str, options: &FormatOptions) {
    let once = fmt_with(input, options);
    assert_eq!(once, expected, "\ninput:\n{input}\n");
    assert_eq!(fmt_with(&once, options), once, "not idempotent");
}

#[track_caller]
fn check(input: &str, expected: &str) {
    check_with(input, expected, &FormatOptions::default());
}

#[track_caller]
fn unchanged(input: &str) {
    check(input, input);
}

// ------------------------------------------------------------ keywords, flags

#[test]
fn keywords_are_upper_case_with_single_blanks() {
    check(
        "from   --platform=$BUILDPLATFORM  alpine:3  as   build\nrun  echo hi\ncopy --chown=a:b  --from=build /a  /b\n",
        "FROM --platform=$BUILDPLATFORM alpine:3 AS build\nRUN echo hi\nCOPY --chown=a:b --from=build /a /b\n",
    );
    check("FROM a\nonbuild   run   echo hi\n", "FROM a\nONBUILD RUN echo hi\n");
    check(
        "FROM a\nhealthcheck --interval=5s   cmd  curl -f x ||  exit 1\nHealthCheck NONE\n",
        "FROM a\nHEALTHCHECK --interval=5s CMD curl -f x || exit 1\nHEALTHCHECK NONE\n",
    );
}

#[test]
fn flags_keep_their_order_and_their_text() {
    check(
        "FROM a\nRUN --network=none   --mount=type=cache,target=/root/.cache   pip install x\n",
        "FROM a\nRUN --network=none --mount=type=cache,target=/root/.cache pip install x\n",
    );
}

// ------------------------------------------------------------ continuations

#[test]
fn continuation_lines_get_one_indent_and_no_trailing_blanks() {
    check("FROM a\nCOPY a \\   \n        b \\\t\n  /dest/   \n", "FROM a\nCOPY a \\\n    b \\\n    /dest/\n");
}

#[test]
fn indent_with_tabs_or_another_width() {
    let tabs = FormatOptions { indent: Indent::Tab, ..FormatOptions::default() };
    check_with("FROM a\nRUN a && \\\n  b\n", "FROM a\nRUN a \\\n\t&& b\n", &tabs);
    let two = FormatOptions { indent: Indent::Spaces(2), ..FormatOptions::default() };
    check_with(
        "FROM a\nRUN apt-get install \\\n    curl \\\n    git\n",
        "FROM a\nRUN apt-get install \\\n    curl \\\n    git\n",
        &two,
    );
}

#[test]
fn windows_escape_character() {
    check(
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\",\"-Command\"]\nRUN Write-Host  a; `\n      Write-Host b\nCOPY a `\n   C:\\dest\\\n",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN Write-Host  a; `\n      Write-Host b\nCOPY a `\n    C:\\dest\\\n",
    );
}

#[test]
fn comment_lines_inside_an_instruction_are_kept_and_indented() {
    check(
        "FROM a\nRUN apt-get update && \\\n  # the tools\n        apt-get install -y curl\nENV A=1 \\\n# b is two\n  B=2\n",
        "FROM a\nRUN apt-get update \\\n    # the tools\n    && apt-get install -y curl\nENV A=1 \\\n    # b is two\n    B=2\n",
    );
}

#[test]
fn blank_lines_inside_an_instruction_go() {
    check("FROM a\nRUN a && \\\n\n    b\n", "FROM a\nRUN a \\\n    && b\n");
}

// ------------------------------------------------------------ shell form

#[test]
fn a_multi_line_chain_breaks_one_command_per_line() {
    check(
        "FROM a\nRUN apt-get update && apt-get install -y \\\n  curl \\\n  git   &&   rm -rf /var/lib/apt/lists/*\n",
        "FROM a\nRUN apt-get update \\\n    && apt-get install -y \\\n        curl \\\n        git \\\n    && rm -rf /var/lib/apt/lists/*\n",
    );
    check(
        "FROM a\nRUN set -eux ; \\\n  a || b ; c | d\n",
        "FROM a\nRUN set -eux; \\\n    a \\\n    || b; \\\n    c \\\n    | d\n",
    );
}

#[test]
fn a_long_line_breaks_and_a_short_one_stays() {
    let long = format!("FROM a\nRUN {} && {}\n", "x".repeat(60), "y".repeat(60));
    check(&long, &format!("FROM a\nRUN {} \\\n    && {}\n", "x".repeat(60), "y".repeat(60)));
    unchanged("FROM a\nRUN apt-get update && apt-get install -y curl\n");
    let narrow = FormatOptions { line_width: 30, ..FormatOptions::default() };
    check_with(
        "FROM a\nRUN apt-get update && apt-get install -y curl\n",
        "FROM a\nRUN apt-get update \\\n    && apt-get install -y curl\n",
        &narrow,
    );
}

#[test]
fn operators_at_the_end_of_the_line() {
    let end = FormatOptions { operator_position: OperatorPosition::End, ..FormatOptions::default() };
    check_with("FROM a\nRUN a \\\n  && b \\\n  | c\n", "FROM a\nRUN a && \\\n    b | \\\n    c\n", &end);
}

#[test]
fn spacing_around_operators_is_made_consistent() {
    check("FROM a\nRUN a&&b||c  ;  d&\n", "FROM a\nRUN a && b || c; d &\n");
}

#[test]
fn nested_blocks_indent_one_level_deeper() {
    check(
        "FROM a\nRUN set -eux; \\\n  if [ \"$x\" = y ]; then \\\n  echo a; \\\n  else echo b; fi; \\\n  for i in 1 2; do echo $i; done\n",
        "FROM a\nRUN set -eux; \\\n    if [ \"$x\" = y ]; then \\\n        echo a; \\\n    else \\\n        echo b; \\\n    fi; \\\n    for i in 1 2; do echo $i; done\n",
    );
    check(
        "FROM a\nRUN case \"$A\" in \\\n  a|b) echo 1;; \\\n  *) echo 2;; \\\n  esac\n",
        "FROM a\nRUN case \"$A\" in \\\n        a|b) \\\n            echo 1 \\\n            ;; \\\n        *) \\\n            echo 2 \\\n            ;; \\\n    esac\n",
    );
}

#[test]
fn nothing_inside_quotes_substitutions_or_expansions_changes() {
    unchanged("FROM a\nRUN echo \"a   b\" 'c   d' $(x   y) $((1 +   2)) ${v:-a   b} <<<  \"h  i\"\n");
    // A quoted string that spans continuation lines is copied byte for byte.
    check("FROM a\nRUN echo \"a \\\n       b\" &&   true\n", "FROM a\nRUN echo \"a \\\n       b\" \\\n    && true\n");
    check("FROM a\nENV A=\"x \\\n  y\"   B=2\n", "FROM a\nENV A=\"x \\\n  y\" \\\n    B=2\n");
}

#[test]
fn sh_c_strings_are_one_token() {
    unchanged("FROM a\nRUN sh -c 'apt-get update &&   apt-get install -y curl'\n");
    check(
        "FROM a\nRUN bash -c \"echo  a\" && \\\n  sh -c 'x;y'\n",
        "FROM a\nRUN bash -c \"echo  a\" \\\n    && sh -c 'x;y'\n",
    );
}

#[test]
fn blanks_are_never_added_or_removed_inside_a_command() {
    unchanged("FROM a\nRUN make 2>&1 >/dev/null foo\"bar\"baz a=b\n");
    check("FROM a\nRUN ls   -la  >  /tmp/out\n", "FROM a\nRUN ls -la > /tmp/out\n");
}

#[test]
fn a_script_bash_cannot_read_stays_as_written() {
    unchanged("FROM a\nRUN echo $((  && \\\n      foo\n");
    unchanged("FROM a\nRUN if then fi   &&  \\\n   x\n");
}

#[test]
fn shell_form_cmd_and_entrypoint() {
    check(
        "FROM a\nCMD a & b && fg\nENTRYPOINT exec   nginx -g 'daemon off;'\n",
        "FROM a\nCMD a & b && fg\nENTRYPOINT exec nginx -g 'daemon off;'\n",
    );
    check("FROM a\nCMD  a  &&  \\\n b\n", "FROM a\nCMD a \\\n    && b\n");
}

#[test]
fn a_non_posix_shell_script_is_not_laid_out() {
    unchanged("FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Item  x;   `\n  Get-Item y\n");
    // A Windows base image runs CMD through cmd: its text stays as written.
    check(
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\ncmd  echo   a  &&  b\n",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD echo   a  &&  b\n",
    );
}

// ------------------------------------------------------------ exec form

#[test]
fn exec_form_spacing() {
    check(
        "FROM a\nCMD [ \"a\" ,\"b\",   \"c\" ]\nADD [\"a\",\"b\"]\nENTRYPOINT [\"a\", \\\n   \"b\"]\nVOLUME []\n",
        "FROM a\nCMD [\"a\", \"b\", \"c\"]\nADD [\"a\", \"b\"]\nENTRYPOINT [\"a\", \\\n    \"b\"]\nVOLUME []\n",
    );
    check("FROM a\nRUN [\"sh\", \"-c\",   \"echo  a\"]\n", "FROM a\nRUN [\"sh\", \"-c\", \"echo  a\"]\n");
}

// ------------------------------------------------------------ pairs

#[test]
fn pairs_one_per_line_when_multi_line() {
    check(
        "FROM a\nENV A=1 B=2 \\\n  C=3\nLABEL a=b  c=d\nARG X=1 \\\n Y\n",
        "FROM a\nENV A=1 \\\n    B=2 \\\n    C=3\nLABEL a=b c=d\nARG X=1 \\\n    Y\n",
    );
    let narrow = FormatOptions { line_width: 20, ..FormatOptions::default() };
    check_with("FROM a\nENV LONG_A=1 LONG_B=2\n", "FROM a\nENV LONG_A=1 \\\n    LONG_B=2\n", &narrow);
}

#[test]
fn legacy_env_is_kept_as_written() {
    unchanged("FROM a\nENV PATH /usr/local/bin:$PATH\nENV K  v   w\nLABEL maintainer  me\n");
    check("FROM a\nMAINTAINER   Jane  Doe <j@d.e>\n", "FROM a\nMAINTAINER Jane  Doe <j@d.e>\n");
}

#[test]
fn a_word_starting_with_a_hash_never_starts_a_line() {
    check("FROM a\nENV A=1 #B=2 \\\n  C=3\n", "FROM a\nENV A=1 #B=2 \\\n    C=3\n");
}

// ------------------------------------------------------------ heredocs

#[test]
fn heredoc_bodies_are_never_touched() {
    unchanged("FROM a\nRUN <<EOF\n  apt-get update\n\tapt-get install -y x   \nEOF\n");
    check(
        "FROM a\nrun  <<-\"EOT\"  bash\n\t\techo $HOME   \n\tEOT\ncopy <<A  <<'B'   /dest/\n a  \nA\n  b\nB\n",
        "FROM a\nRUN <<-\"EOT\"  bash\n\t\techo $HOME   \n\tEOT\nCOPY <<A <<'B' /dest/\n a  \nA\n  b\nB\n",
    );
    check(
        "FROM a\nRUN cat <<EOF > /x && echo  done\nbody\nEOF\n",
        "FROM a\nRUN cat <<EOF > /x && echo  done\nbody\nEOF\n",
    );
}

// ------------------------------------------------------------ blank lines

#[test]
fn blank_lines() {
    check(
        "\n\n# top\nFROM a\n\n\n\nRUN x\nRUN y\n# stage two\nFROM b\nRUN z\nFROM c\n\n\n",
        "# top\nFROM a\n\nRUN x\nRUN y\n\n# stage two\nFROM b\nRUN z\n\nFROM c\n",
    );
    let options = FormatOptions {
        max_blank_lines: 2,
        blank_line_before_from: false,
        final_newline: false,
        ..FormatOptions::default()
    };
    check_with("FROM a\n\n\n\nRUN x\nFROM b\n", "FROM a\n\n\nRUN x\nFROM b", &options);
    check("FROM a", "FROM a\n");
    check("", "");
}

#[test]
fn line_endings_and_bom_are_kept() {
    check("\u{FEFF}from a\r\nrun  a &&\\\r\n b\r\n", "\u{FEFF}FROM a\r\nRUN a \\\r\n    && b\r\n");
    check("FROM a\r\nRUN <<EOF\r\n  x  \r\nEOF\r\n", "FROM a\r\nRUN <<EOF\r\n  x  \r\nEOF\r\n");
}

// ------------------------------------------------------------ directives

#[test]
fn directives_stay_first_and_untouched() {
    check(
        "# syntax=docker/dockerfile:1   \n#escape=\\\nfrom a\n",
        "# syntax=docker/dockerfile:1   \n#escape=\\\nFROM a\n",
    );
    // The blank line makes the second line a comment: it stays.
    check("# syntax=x\n\n\n# escape=`\nFROM a\n", "# syntax=x\n\n# escape=`\nFROM a\n");
    // A blank line at the top makes a directive-like line a comment.
    let options = FormatOptions { max_blank_lines: 0, ..FormatOptions::default() };
    check_with("\n# syntax=x\nFROM a\n", "\n# syntax=x\nFROM a\n", &options);
}

// ------------------------------------------------------------ kept as written

#[test]
fn unknown_and_broken_instructions_are_kept_and_the_rest_formatted() {
    check(
        "from a\nFOO   bar  baz\nrun  echo 1\nEXPOSE 80 \"\nCOPY  --nope=1  a b\nrun  echo 2\n",
        "FROM a\nFOO   bar  baz\nRUN echo 1\nEXPOSE 80 \"\nCOPY  --nope=1  a b\nRUN echo 2\n",
    );
}

#[test]
fn format_off_and_on() {
    check(
        "from a\n# dockside format off\nrun   a  &&  b\n\n\n\nenv  A=1\n# dockside format on\nrun   c\n",
        "FROM a\n# dockside format off\nrun   a  &&  b\n\n\n\nenv  A=1\n# dockside format on\nRUN c\n",
    );
    check("from a\n# dockside format: off\nrun   a\n", "FROM a\n# dockside format: off\nrun   a\n");
}

#[test]
fn top_level_comments_lose_outer_blanks_only() {
    check("FROM a\n   #  keep   inner   \nRUN x\n", "FROM a\n#  keep   inner\nRUN x\n");
}

// ------------------------------------------------------------ ranges, typing

#[test]
fn range_formatting_touches_only_the_instructions_in_range() {
    let text = "from a\nrun  a &&  b\nrun  c\n";
    let doc = Document::parse(text);
    let second = text.find("run  c").unwrap();
    let edits = format_range(&doc, &FormatOptions::default(), TextRange::new(second + 1, second + 2));
    assert_eq!(apply(text, &edits), "from a\nrun  a &&  b\nRUN c\n");
    let edits = format_range(&doc, &FormatOptions::default(), TextRange::new(0, text.len()));
    assert_eq!(apply(text, &edits), format(text, &FormatOptions::default()));
}

#[test]
fn edits_are_small() {
    let text = "FROM a\nRUN  echo a\nRUN echo b\n";
    let edits = format_document(&Document::parse(text), &FormatOptions::default());
    assert_eq!(edits.len(), 1);
    assert_eq!(&text[edits[0].range.as_range()], "RUN  echo a");
}

#[test]
fn typing_a_line_break_after_a_continuation_indents() {
    let text = "FROM a\nRUN a \\\n\nRUN b\n";
    let doc = Document::parse(text);
    let at = text.find("\\\n").unwrap() + 2;
    let edit = continuation_indent(&doc, &FormatOptions::default(), at).unwrap();
    assert_eq!((edit.range, edit.new_text.as_str()), (TextRange::empty(at), "    "));
    let plain = "FROM a\nRUN a\n\n";
    assert!(continuation_indent(&Document::parse(plain), &FormatOptions::default(), 12).is_none());
    let comment = "FROM a\n# a \\\n\n";
    assert!(continuation_indent(&Document::parse(comment), &FormatOptions::default(), 14).is_none());
    let heredoc = "FROM a\nRUN <<EOF\necho \\\n\nEOF\n";
    let at = heredoc.find("\\\n").unwrap() + 2;
    assert!(continuation_indent(&Document::parse(heredoc), &FormatOptions::default(), at).is_none());
    let at_end = "FROM a\nRUN a \\\n";
    let edit = continuation_indent(&Document::parse(at_end), &FormatOptions::default(), at_end.len()).unwrap();
    assert_eq!(edit.new_text, "    ");
}
