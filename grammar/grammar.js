/**
 * @file Dockerfile grammar for tree-sitter, written for dockside.
 *
 * Design notes
 * - Newlines are significant: an instruction ends at an unescaped newline, so
 *   a syntax error never spreads past its own instruction.
 * - The external scanner (src/scanner.c) owns everything that depends on
 *   state a regular lexer cannot hold: the escape character chosen by the
 *   `# escape=` directive, line continuations (with the comment and blank
 *   lines Docker drops inside them), instruction keywords (case-insensitive,
 *   whole words only), shell-form text, heredocs and image registries.
 * - Words are sequences of adjacent pieces (unquoted text, quoted strings,
 *   variable expansions); pieces after the first are immediate tokens, so
 *   whitespace separates words.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const KEYWORDS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY',
  'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL',
  'HEALTHCHECK', 'SHELL', 'AS', 'NONE',
];

/** The keyword token for `name`, shown as the upper-case keyword. */
const kw = ($, name) => alias($['_kw_' + name.toLowerCase()], name);

// Unquoted text. A backslash or backtick followed by whitespace is left to the
// scanner: it is either a line continuation or an escaped blank.
const UNQUOTED = (exclude) => new RegExp(`([^\\s"'$\\\\\`${exclude}]|\\\\[^\\s]|\`[^\\s]|\\$[^A-Za-z_{\\s"'])+`);

const WORD_TEXT = UNQUOTED('');
const KEY_TEXT = UNQUOTED('=');
const MOUNT_TEXT = UNQUOTED('=,');
const IMAGE_NAME_TEXT = UNQUOTED(':@');
const IMAGE_TAG_TEXT = UNQUOTED('@');

module.exports = grammar({
  name: 'dockerfile',

  externals: $ => [
    $.line_continuation,
    $.comment,
    $._newline,
    $._instruction_end,
    $._directive_start,
    $.shell_fragment,
    $.heredoc_marker,
    $.heredoc_body,
    $.heredoc_end,
    $.image_registry,
    $._escaped_char,
    $._flag_start,
    ...KEYWORDS.map(k => $['_kw_' + k.toLowerCase()]),
    $._unknown_keyword,
    $._stage_end,
    $._error_sentinel,
  ],

  extras: $ => [/[ \t\uFEFF]+/, $.line_continuation, $.comment],


  rules: {
    // The instructions before the first FROM sit at the top level; each
    // stage (a FROM and the lines up to the next FROM) is a hidden `_stage`
    // node, so the tree a consumer walks is flat. The stage node is there
    // for incremental parsing: it ends with a token of its own, so an edit
    // re-parses its own stage and tree-sitter reuses the others whole (the
    // nodes of a `repeat` are fragile and are only reused child by child,
    // and a node is as fragile at its end as its last child).
    source_file: $ => seq(
      repeat($.parser_directive),
      repeat($._line),
      repeat($._stage),
      optional($._open_stage),
    ),

    // The end is zero-width, before the next FROM or at the end of the file.
    _stage: $ => seq($._stage_body, $._stage_end),

    // A stage without its end: the scanner emits no stage end while the
    // parser recovers from a syntax error, so an error that runs to the end
    // of the file (an unterminated heredoc) meets the end of the file here,
    // and the recovery keeps the stage's lines before the error out of the
    // ERROR node, as it did before stages were nodes.
    _open_stage: $ => $._stage_body,

    _stage_body: $ => seq($._stage_start, repeat($._line)),

    // A node of its own so that the state after the FROM is off the parse
    // stack for the rest of the stage: error recovery, which may pop back to
    // any state on the stack that accepts its token, would otherwise end a
    // broken line later in the stage as the FROM's end and make everything
    // in between part of the error.
    _stage_start: $ => seq($.from_instruction, $._instruction_end),

    // An instruction other than FROM, or a blank line.
    _line: $ => choice(
      seq($._stage_instruction, $._instruction_end),
      $._newline,
    ),

    parser_directive: $ => seq(
      $._directive_start,
      field('name', alias(/[A-Za-z]+/, $.directive_name)),
      '=',
      optional(field('value', alias(/[^\r\n]+/, $.directive_value))),
      $._instruction_end,
    ),

    _instruction: $ => choice(
      $.from_instruction,
      $.run_instruction,
      $.cmd_instruction,
      $.label_instruction,
      $.maintainer_instruction,
      $.expose_instruction,
      $.env_instruction,
      $.add_instruction,
      $.copy_instruction,
      $.entrypoint_instruction,
      $.volume_instruction,
      $.user_instruction,
      $.workdir_instruction,
      $.arg_instruction,
      $.onbuild_instruction,
      $.stopsignal_instruction,
      $.healthcheck_instruction,
      $.shell_instruction,
      $.unknown_instruction,
    ),

    _stage_instruction: $ => choice(
      $.run_instruction,
      $.cmd_instruction,
      $.label_instruction,
      $.maintainer_instruction,
      $.expose_instruction,
      $.env_instruction,
      $.add_instruction,
      $.copy_instruction,
      $.entrypoint_instruction,
      $.volume_instruction,
      $.user_instruction,
      $.workdir_instruction,
      $.arg_instruction,
      $.onbuild_instruction,
      $.stopsignal_instruction,
      $.healthcheck_instruction,
      $.shell_instruction,
      $.unknown_instruction,
    ),

    // ---------------------------------------------------------------- instructions

    from_instruction: $ => seq(
      kw($, 'FROM'),
      repeat($.flag),
      optional(seq(
        field('image', $.image_spec),
        // A missing name after AS is reported by the linter, not as an ERROR.
        optional(seq(kw($, 'AS'), optional(field('alias', $.stage_name)))),
      )),
    ),

    run_instruction: $ => seq(
      kw($, 'RUN'),
      repeat($.flag),
      optional($._command),
      repeat($.heredoc_block),
    ),

    cmd_instruction: $ => seq(kw($, 'CMD'), optional($._plain_command)),

    entrypoint_instruction: $ => seq(kw($, 'ENTRYPOINT'), optional($._plain_command)),

    shell_instruction: $ => seq(kw($, 'SHELL'), optional($._plain_command)),

    label_instruction: $ => seq(kw($, 'LABEL'), optional(choice(repeat1($.label_pair), $._legacy_label_pair))),

    maintainer_instruction: $ => seq(kw($, 'MAINTAINER'), optional($._raw_text)),

    expose_instruction: $ => seq(kw($, 'EXPOSE'), repeat(alias($._word, $.expose_port))),

    env_instruction: $ => seq(kw($, 'ENV'), optional(choice(repeat1($.env_pair), $._legacy_env_pair))),

    add_instruction: $ => seq(
      kw($, 'ADD'),
      repeat($.flag),
      optional($._paths),
      repeat($.heredoc_block),
    ),

    copy_instruction: $ => seq(
      kw($, 'COPY'),
      repeat($.flag),
      optional($._paths),
      repeat($.heredoc_block),
    ),

    volume_instruction: $ => seq(
      kw($, 'VOLUME'),
      optional(choice($.json_array, repeat1(alias($._word, $.path)))),
    ),

    user_instruction: $ => seq(kw($, 'USER'), repeat(alias($._word, $.word))),

    workdir_instruction: $ => seq(kw($, 'WORKDIR'), repeat(alias($._word, $.path))),

    arg_instruction: $ => seq(kw($, 'ARG'), repeat($.arg_pair)),

    onbuild_instruction: $ => seq(kw($, 'ONBUILD'), optional(field('instruction', $._instruction))),

    stopsignal_instruction: $ => seq(kw($, 'STOPSIGNAL'), repeat(alias($._word, $.word))),

    healthcheck_instruction: $ => seq(
      kw($, 'HEALTHCHECK'),
      repeat($.flag),
      optional(choice(
        kw($, 'NONE'),
        field('cmd', $.cmd_instruction),
      )),
    ),

    // An instruction keyword Docker does not know; reported by the linter.
    unknown_instruction: $ => seq(
      field('name', alias($._unknown_keyword, $.instruction_name)),
      optional($._raw_text),
    ),

    // ---------------------------------------------------------------- parts

    _command: $ => choice($.json_array, $.shell_command),
    _plain_command: $ => choice($.json_array, alias(repeat1($.shell_fragment), $.shell_command)),
    _raw_text: $ => alias(repeat1($.shell_fragment), $.text),

    _paths: $ => choice(
      $.json_array,
      repeat1(choice(alias($._word, $.path), $.heredoc_marker)),
    ),

    shell_command: $ => repeat1(choice($.shell_fragment, $.heredoc_marker)),

    heredoc_block: $ => seq($.heredoc_body, $.heredoc_end),

    flag: $ => choice(
      seq(
        alias($._flag_start, '--'),
        field('name', alias(token.immediate('mount'), $.flag_name)),
        $._assign,
        field('value', $.mount_options),
      ),
      seq(
        alias($._flag_start, '--'),
        field('name', alias(token.immediate(/[A-Za-z][A-Za-z0-9_-]*/), $.flag_name)),
        optional(seq($._assign, optional(field('value', alias($._imm_word, $.flag_value))))),
      ),
    ),

    // `type=cache,target=/root/.cache,ro` in `--mount=…`.
    mount_options: $ => seq($.mount_option, repeat(seq(token.immediate(','), $.mount_option))),

    mount_option: $ => seq(
      field('key', alias(token.immediate(/[A-Za-z][A-Za-z0-9_-]*/), $.mount_key)),
      optional(seq($._assign, optional(field('value', alias($._imm_mount_word, $.mount_value))))),
    ),

    image_spec: $ => seq(
      optional(seq(field('registry', $.image_registry), token.immediate('/'))),
      field('name', $.image_name),
      optional(seq(token.immediate(':'), field('tag', $.image_tag))),
      optional(seq(token.immediate('@'), field('digest', $.image_digest))),
    ),

    image_name: $ => seq(
      choice(token(IMAGE_NAME_TEXT), $.expansion, $.double_quoted_string, $.single_quoted_string),
      repeat($._imm_image_name_piece),
    ),
    _imm_image_name_piece: $ => choice(
      token.immediate(IMAGE_NAME_TEXT), $._imm_expansion, $._imm_double_quoted_string, $._imm_single_quoted_string,
    ),

    image_tag: $ => repeat1(choice(
      token.immediate(IMAGE_TAG_TEXT), $._imm_expansion, $._imm_double_quoted_string, $._imm_single_quoted_string,
    )),

    image_digest: $ => repeat1(choice(token.immediate(WORD_TEXT), $._imm_expansion)),

    stage_name: $ => $._word,

    env_pair: $ => seq(
      field('name', $._key), $._assign, optional(field('value', alias($._imm_word, $.value))),
    ),
    // Legacy `ENV key value with spaces`: the value is the rest of the line.
    // Without a value (`ENV PATH`) Docker fails; the linter reports it.
    _legacy_env_rule: $ => seq(field('name', $._key), optional(field('value', $.legacy_value))),
    _legacy_env_pair: $ => alias($._legacy_env_rule, $.env_pair),
    // The rest of the line after a legacy key.
    legacy_value: $ => repeat1($._word),

    label_pair: $ => seq(
      field('key', $._key), $._assign, optional(field('value', alias($._imm_word, $.value))),
    ),
    _legacy_label_rule: $ => seq(field('key', $._key), field('value', $.legacy_value)),
    _legacy_label_pair: $ => alias($._legacy_label_rule, $.label_pair),

    arg_pair: $ => seq(
      field('name', $._key),
      optional(seq($._assign, optional(field('default', alias($._imm_word, $.value))))),
    ),

    // `=` right after a key; it beats a legacy value word that starts with `=`.
    _assign: $ => alias(token.immediate(prec(1, '=')), '='),

    _key: $ => alias(choice(
      token(KEY_TEXT),
      $.double_quoted_string,
      $.single_quoted_string,
    ), $.key),

    // ---------------------------------------------------------------- words

    _word: $ => prec.right(seq($._piece, repeat($._imm_piece))),
    _imm_word: $ => prec.right(repeat1($._imm_piece)),
    _imm_mount_word: $ => repeat1(choice(
      token.immediate(MOUNT_TEXT),
      $._imm_expansion,
      $._imm_double_quoted_string,
      $._imm_single_quoted_string,
    )),

    _piece: $ => choice(
      token(WORD_TEXT),
      $.expansion,
      $.double_quoted_string,
      $.single_quoted_string,
    ),

    _imm_piece: $ => choice(
      token.immediate(WORD_TEXT),
      $._escaped_char,
      $._imm_expansion,
      $._imm_double_quoted_string,
      $._imm_single_quoted_string,
    ),

    // Parts are not immediate: a continuation may split a quoted string.
    double_quoted_string: $ => seq('"', repeat($._dq_part), '"'),
    _imm_dq_rule: $ => seq(token.immediate('"'), repeat($._dq_part), '"'),
    _imm_double_quoted_string: $ => alias($._imm_dq_rule, $.double_quoted_string),
    _dq_part: $ => choice(
      /([^"\\$`\r\n]|\\[^\s]|`[^\s]|\$[^A-Za-z_{"\r\n])+/,
      $._escaped_char,
      $.expansion,
    ),

    // Parts are not immediate either: BuildKit drops `\`+newline (and the
    // comment lines inside a continuation) before it reads quotes, so a
    // continuation may split a single-quoted string too. A backslash is
    // literal inside single quotes; one right before the closing quote
    // belongs to the string, which the closing token takes with it (a part
    // cannot look ahead to tell `\'` from `\`+newline).
    single_quoted_string: $ => seq("'", repeat($._sq_part), $._sq_close),
    _imm_sq_rule: $ => seq(token.immediate("'"), repeat($._sq_part), $._sq_close),
    _sq_part: $ => /([^'\\\r\n]|\\[^\s']|\\[ \t]+[^\s'\\])+/,
    _sq_close: $ => alias(/\\*'/, "'"),
    _imm_single_quoted_string: $ => alias($._imm_sq_rule, $.single_quoted_string),

    expansion: $ => choice(
      seq('$', $._expansion_name),
      seq('${', $._braced_expansion_body),
    ),
    _imm_expansion_rule: $ => choice(
      seq(token.immediate('$'), $._expansion_name),
      seq(token.immediate('${'), $._braced_expansion_body),
    ),
    _imm_expansion: $ => alias($._imm_expansion_rule, $.expansion),

    _expansion_name: $ => field('name', alias(token.immediate(/[A-Za-z_][A-Za-z0-9_]*/), $.variable)),

    _braced_expansion_body: $ => seq(
      $._expansion_name,
      optional(seq(
        field('operator', alias(
          token.immediate(choice(':-', ':+', ':?', ':=', '-', '+', '?', '=', '#', '##', '%', '%%', '/', '//')),
          $.expansion_operator,
        )),
        optional(field('argument', alias($._expansion_word, $.expansion_argument))),
      )),
      token.immediate('}'),
    ),

    _expansion_word: $ => repeat1(choice(
      token.immediate(/([^}$"'\\\r\n]|\\[^\r\n])+/),
      $._imm_expansion,
      $._imm_double_quoted_string,
      $._imm_single_quoted_string,
    )),

    // ---------------------------------------------------------------- exec form

    json_array: $ => seq(
      '[',
      optional(seq($.json_string, repeat(seq(',', $.json_string)))),
      ']',
    ),

    // Parts are not immediate: BuildKit drops the escape character and the
    // newline (and comment lines inside a continuation) before it reads the
    // JSON, so a continuation may split a string. A part stops before an
    // escape character that may end its line (`\` or a backtick, whichever
    // `# escape=` chose); the scanner then reads the continuation. A
    // backtick right before the closing quote goes with the closing token.
    json_string: $ => seq('"', repeat($._json_part), $._json_close),
    _json_part: $ => /([^"\\`\r\n]|\\[^\s]|\\[ \t]+[^\s\\"]|`[^\s"]|`[ \t]+[^\s`"])+/,
    _json_close: $ => alias(/`*"/, '"'),
  },
});
