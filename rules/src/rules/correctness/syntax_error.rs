//! ## What it does
//! Reports text that is not a valid Dockerfile: an unknown instruction, an
//! instruction without its required arguments, a broken quote or JSON array.
//!
//! ## Why is this bad?
//! `docker build` stops at the first syntax error, often after minutes of
//! work on earlier stages. dockside reports every error with its exact
//! position and keeps linting the rest of the file.
//!
//! ## Example
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! COPYY app.py /app/
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! COPY app.py /app/
//! ```
//!
//! ## Notes
//! hadolint stops at the first parse error (DL1000) and reports nothing else.
//! It also rejects valid files, such as a comment line right after a heredoc
//! terminator; dockside parses those.

use crate::rule::{Context, declare_rule};

declare_rule! {
    /// Text that is not a valid Dockerfile
    name: "syntax-error", aliases: ["DL1000"], category: Correctness, severity: Error,
    reads: Document, check_document: check,
}

fn check(ctx: &mut Context<'_>) {
    for error in &ctx.doc.syntax_errors {
        ctx.report(error.range, error.message.clone());
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    /// A FROM the parser already rejects gets no second error for its
    /// image (formatting it must not add one); a long image is shortened.
    #[test]
    fn one_error_per_broken_from() {
        let doc = crate::model::Document::parse("FROM spmallick/Openc pip insENV ta\n");
        assert_eq!(doc.syntax_errors.len(), 1, "{:?}", doc.syntax_errors);
        let long = format!("FROM {}\n", "A".repeat(200));
        let doc = crate::model::Document::parse(&long);
        assert_eq!(doc.syntax_errors.len(), 1, "{:?}", doc.syntax_errors);
        assert!(doc.syntax_errors[0].message.chars().count() < 170, "{}", doc.syntax_errors[0].message);
    }

    /// Quoted values continue across lines, without the continuation.
    #[test]
    fn quoted_values_span_continuation_lines() {
        let doc = crate::model::Document::parse(
            "FROM alpine\nLABEL run='a \\\n  b' x=\"c \\\n d\"\nENV X='x \\\n# note\n  y' Y=2\nLABEL w='C:\\'\n",
        );
        assert!(doc.syntax_errors.is_empty(), "{:?}", doc.syntax_errors);
        let values = |i: usize| -> Vec<String> {
            doc.instructions[i].pairs.iter().map(|p| p.value.as_ref().map(|v| v.value()).unwrap_or_default()).collect()
        };
        assert_eq!(values(1), ["a   b", "c  d"]);
        assert_eq!(values(2), ["x   y", "2"]);
        assert_eq!(values(3), ["C:\\"]);
    }

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nRUN <<EOF\necho hi\nEOF\n# comment after a heredoc\nCMD [\"sh\"]\n",
                "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\nRUN dir c:\\ `\n  && echo ok\n",
                "FROM alpine\nCOPY --link --parents a/ b/ /dst/\nEXPOSE 8080/TCP\nARG A=1 B=2\n",
                "FROM alpine AS build\nFROM Build\nCOPY --from=build --link=false /out /app/\n",
                "FROM registry.Example.com:5000/team/app:1.0@sha256:c5306ab1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7\n",
                "ARG IMAGE=Upper\nFROM $IMAGE\n",
                // BuildKit drops `\`+newline before it reads quotes.
                "FROM alpine\nLABEL run='a \\\n  b'\nENV X='x \\\n  y' Y=2\nARG Z='c \\\n d'\nRUN echo 'e \\\n f'\n",
                "FROM alpine\nLABEL a='C:\\' b='x\\ y'\n",
            ],
            &[
                "FROM alpine\n⟦RU⟧\nRUN echo ok\n",
                "FROM alpine\n⟦COPY⟧ a\n",
                "⟦FROM⟧\n",
                "FROM alpine\nENV A=\"unterminated\n",
                "⟦FROM alpine AS⟧\n",
                "FROM alpine\nCOPY ⟦--user=me⟧ a /b\n",
                // A flag without `=value`: BuildKit fails, the value is no source.
                "FROM alpine AS build\nFROM alpine\nCOPY ⟦--from⟧ build /out /app/\n",
                "FROM alpine\nRUN ⟦--network⟧ none true\n",
                // Invalid references written literally.
                "FROM ⟦spack/rockylinux8:sha256:c5306ab1b2c3d4e5f60718293a4b5c6d⟧ AS b\n",
                "FROM ⟦MyOrg/App:1.0⟧\n",
            ],
            &[],
        );
    }
}
