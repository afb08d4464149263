#!/usr/bin/env python3
"""Write a pathological Dockerfile of about SIZE bytes in one shape.

    hostile_inputs.py SHAPE SIZE OUT      (SIZE may be 1e6, 1e7 ...)
    hostile_inputs.py --list

The shapes that once made dockside quadratic or crash (issues #14, #18):
unterminated quotes, unbalanced brackets, continuations, long lines,
heredoc markers without terminators, many stages, many ARG/ENV, deep
nesting. Used by the "Hostile input" section of docs/benchmarks.md.
Standard library only.
"""
import sys

def fill(head, line_of, size, tail=""):
    out = [head]; n = len(head); i = 0
    while n < size:
        l = line_of(i); out.append(l); n += len(l); i += 1
    out.append(tail)
    return "".join(out)

def nest(open_, close, mid, size, head="", tail="\n"):
    per = len(open_) + len(close)
    d = max(1, (size - len(head) - len(tail) - len(mid)) // per)
    return head + open_ * d + mid + close * d + tail

SHAPES = {
 "plain_run": lambda s: fill("FROM alpine:3.20\n", lambda i: f"RUN echo {i} > /tmp/f{i} && rm -rf /tmp/g{i}\n", s),
 "unterminated_quote": lambda s: fill('FROM a\nLABEL m "x \\\nb\n\n', lambda i: f'LABEL k{i}="v" k2="v2"\n', s),
 "unterminated_quote_run": lambda s: fill('FROM a\n', lambda i: f'RUN echo "x{i} && ls\n', s),
 "unbalanced_brackets": lambda s: fill('FROM a\n', lambda i: f'CMD ["a{i}", "b" [ {{ (\n', s),
 "unbalanced_parens": lambda s: fill('FROM a\n', lambda i: f'RUN echo $( ( ${{x{i} $(( ( [ `\n', s),
 "continuations": lambda s: fill('FROM a\nRUN echo start \\\n', lambda i: f'  && echo {i} \\\n', s, "  && true\n"),
 "continuations_comments": lambda s: fill('FROM a\nRUN echo start \\\n', lambda i: f'# c {i}\n  && echo {i} \\\n\n', s, "  && true\n"),
 "long_line": lambda s: fill('FROM a\nRUN echo', lambda i: f' a{i}', s, "\n"),
 "long_line_and": lambda s: fill('FROM a\nRUN true', lambda i: f' && a{i}', s, "\n"),
 "heredoc_markers": lambda s: fill('FROM a\n', lambda i: f'RUN <<EOF{i} cat <<E2 <<E3\n', s),
 "heredoc_unterminated": lambda s: fill('FROM a\nRUN <<EOF cat\n', lambda i: f'line {i} RUN <<X\n', s),
 "many_stages": lambda s: fill('FROM alpine AS s0\n', lambda i: f'FROM s{i} AS s{i+1}\nRUN echo {i}\n', s),
 "many_stages_copy": lambda s: fill('FROM alpine AS s0\n', lambda i: f'FROM alpine AS s{i+1}\nCOPY --from=s{i} /a /b{i}\n', s),
 "many_arg_env": lambda s: fill('FROM a\n', lambda i: f'ARG A{i}=${{A{max(i-1,0)}}}x\nENV E{i}=$A{i}\n', s, 'RUN echo $E1\n'),
 "many_env_one_var": lambda s: fill('FROM a\n', lambda i: f'ENV PATH=/p{i}:$PATH\n', s, 'RUN echo $PATH\n'),
 "deep_expansion": lambda s: nest("${a:-", "}", "x", s, "FROM "),
 "deep_cmdsub": lambda s: nest('"$(echo ', ')"', "x", s, "FROM a\nRUN echo "),
 "deep_subshell": lambda s: nest('(', ')', "true", s, "FROM a\nRUN "),
 "deep_quotes_json": lambda s: nest('[', ']', '"a"', s, "FROM a\nCMD "),
 "deep_if": lambda s: nest('if true; then ', '; fi', "true", s, "FROM a\nRUN "),
 "deep_sh_c": lambda s: nest("sh -c '", "'", "true", s, "FROM a\nRUN "),
 "deep_arith": lambda s: nest("$((1+", "))", "1", s, "FROM a\nRUN echo "),
 "many_assignments": lambda s: fill('FROM a\nRUN A0=1', lambda i: f' && A{i+1}=$A{i} && echo $A{i}', s, "\n"),
 "plain_run_sh_c": lambda s: fill("FROM alpine:3.20\n", lambda i: f"RUN sh -c 'echo {i} > /tmp/f{i}' && rm -rf /tmp/g{i}\n", s),
 "onbuild": lambda s: fill("FROM a\n", lambda i: f"ONBUILD RUN echo {i}\n", s),
 "copy_many": lambda s: fill("FROM a\n", lambda i: f"COPY a{i} /b{i}/\nRUN rm -rf /b{i}/x\n", s),
 "json_runs": lambda s: fill("FROM a\n", lambda i: f'RUN ["sh", "-c", "echo {i}"]\n', s),
}

if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        print("\n".join(SHAPES))
        sys.exit(0)
    shape, size, out = sys.argv[1], int(float(sys.argv[2])), sys.argv[3]
    open(out, "w").write(SHAPES[shape](size))
