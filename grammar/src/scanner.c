// External scanner for the dockside Dockerfile grammar.
//
// It owns the tokens that need state or look-ahead a regular lexer cannot
// express: the escape character chosen by `# escape=`, line continuations
// (and the comment and blank lines Docker drops inside them), instruction
// keywords (case-insensitive whole words), shell-form text, heredocs and
// image registries.

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

enum TokenType {
  LINE_CONTINUATION,
  COMMENT,
  NEWLINE,
  INSTRUCTION_END,
  DIRECTIVE_START,
  SHELL_FRAGMENT,
  HEREDOC_MARKER,
  HEREDOC_BODY,
  HEREDOC_END,
  IMAGE_REGISTRY,
  ESCAPED_CHAR,
  FLAG_START,
  KW_FROM,
  KW_RUN,
  KW_CMD,
  KW_LABEL,
  KW_MAINTAINER,
  KW_EXPOSE,
  KW_ENV,
  KW_ADD,
  KW_COPY,
  KW_ENTRYPOINT,
  KW_VOLUME,
  KW_USER,
  KW_WORKDIR,
  KW_ARG,
  KW_ONBUILD,
  KW_STOPSIGNAL,
  KW_HEALTHCHECK,
  KW_SHELL,
  KW_AS,
  KW_NONE,
  UNKNOWN_KEYWORD,
  STAGE_END,
  ERROR_SENTINEL,
};

static const char *const KEYWORDS[] = {
    "FROM",    "RUN",        "CMD",    "LABEL", "MAINTAINER", "EXPOSE",  "ENV",
    "ADD",     "COPY",       "ENTRYPOINT", "VOLUME", "USER",   "WORKDIR", "ARG",
    "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "AS",     "NONE",
};
#define KEYWORD_COUNT 20

#define MAX_HEREDOCS 8
#define MAX_DELIMITER 64

typedef struct {
  bool strip_tabs;
  uint8_t length;
  char text[MAX_DELIMITER];
} Heredoc;

typedef struct {
  int32_t escape;              // '\\' or '`'
  bool directives_allowed;     // still in the parser-directive header
  bool in_directive;           // between a directive start and its newline
  bool after_continuation;     // the last external token was a continuation or a comment inside one
  bool heredoc_end_pending;    // a heredoc body was emitted; its terminator line comes next
  bool comment_line_next;      // the line after that continuation or comment starts with `#`
  uint8_t heredoc_count;
  Heredoc heredocs[MAX_HEREDOCS];
} Scanner;

void *tree_sitter_dockerfile_external_scanner_create(void) {
  Scanner *s = calloc(1, sizeof(Scanner));
  s->escape = '\\';
  s->directives_allowed = true;
  return s;
}

void tree_sitter_dockerfile_external_scanner_destroy(void *payload) { free(payload); }

unsigned tree_sitter_dockerfile_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *s = payload;
  unsigned n = 0;
  buffer[n++] = (char)s->escape;
  buffer[n++] = (char)((s->directives_allowed ? 1 : 0) | (s->in_directive ? 2 : 0) |
                       (s->after_continuation ? 4 : 0) | (s->heredoc_end_pending ? 8 : 0) |
                       (s->comment_line_next ? 16 : 0));
  buffer[n++] = (char)s->heredoc_count;
  for (unsigned i = 0; i < s->heredoc_count; i++) {
    Heredoc *h = &s->heredocs[i];
    buffer[n++] = (char)h->strip_tabs;
    buffer[n++] = (char)h->length;
    memcpy(buffer + n, h->text, h->length);
    n += h->length;
  }
  return n;
}

void tree_sitter_dockerfile_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  Scanner *s = payload;
  s->escape = '\\';
  s->directives_allowed = true;
  s->in_directive = false;
  s->after_continuation = false;
  s->heredoc_end_pending = false;
  s->comment_line_next = false;
  s->heredoc_count = 0;
  if (length < 3) return;
  unsigned n = 0;
  s->escape = (unsigned char)buffer[n++];
  uint8_t flags = (uint8_t)buffer[n++];
  s->directives_allowed = flags & 1;
  s->in_directive = flags & 2;
  s->after_continuation = flags & 4;
  s->heredoc_end_pending = flags & 8;
  s->comment_line_next = flags & 16;
  s->heredoc_count = (uint8_t)buffer[n++];
  for (unsigned i = 0; i < s->heredoc_count && n + 2 <= length; i++) {
    Heredoc *h = &s->heredocs[i];
    h->strip_tabs = buffer[n++];
    h->length = (uint8_t)buffer[n++];
    memcpy(h->text, buffer + n, h->length);
    n += h->length;
  }
}

// ---------------------------------------------------------------- helpers

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }
static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }
static inline bool is_blank(int32_t c) { return c == ' ' || c == '\t'; }
static inline bool is_newline(int32_t c) { return c == '\n' || c == '\r'; }
static inline bool is_space(int32_t c) { return is_blank(c) || is_newline(c) || c == 0xFEFF; }
static inline bool is_alpha(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }
static inline int32_t upper(int32_t c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }

// Consume `\r?\n`. Returns false if the lookahead is not a newline.
static bool consume_newline(TSLexer *lexer) {
  if (lexer->lookahead == '\r') {
    advance(lexer);
    if (lexer->lookahead != '\n') return true;  // a lone CR ends the line too
  }
  if (lexer->lookahead == '\n') {
    advance(lexer);
    return true;
  }
  return false;
}

// After a continuation or a comment inside one: swallow following lines that
// are blank (Docker drops them), leaving the lexer at the start of the next
// non-blank line. The token end is marked after each swallowed line.
// Returns whether that line is a comment line (its first non-blank is `#`).
static bool absorb_blank_lines(TSLexer *lexer) {
  for (;;) {
    while (is_blank(lexer->lookahead)) advance(lexer);
    if (lexer->eof(lexer)) {
      lexer->mark_end(lexer);
      return false;
    }
    if (!is_newline(lexer->lookahead)) return lexer->lookahead == '#';
    consume_newline(lexer);
    lexer->mark_end(lexer);
  }
}

// Called at the escape character. On a continuation (escape, blanks, newline
// or EOF) consumes it, marks the end and returns true.
static bool scan_continuation_after_escape(Scanner *s, TSLexer *lexer) {
  while (is_blank(lexer->lookahead)) advance(lexer);
  if (lexer->eof(lexer)) {
    lexer->mark_end(lexer);
    s->comment_line_next = false;
    return true;
  }
  if (!consume_newline(lexer)) return false;
  lexer->mark_end(lexer);
  s->comment_line_next = absorb_blank_lines(lexer);
  return true;
}

// True at the start of a line. `get_column` may read the line again from
// its start, so on a long line asking at every token is quadratic: callers
// ask only when nothing cheaper decides.
static bool at_line_start(TSLexer *lexer) { return lexer->get_column(lexer) == 0; }

// Looks ahead (without marking) to see whether a JSON array of strings runs
// from the `[` at the lookahead to the end of the logical line. Docker falls
// back to shell form when the text is not such an array.
// Before crossing the first continuation it marks the token end there, so a
// failed check can still return the text before it as a shell fragment.
static bool looks_like_json_array(Scanner *s, TSLexer *lexer, bool *crossed) {
#define SKIP_WS()                                                              \
  for (;;) {                                                                   \
    if (is_blank(lexer->lookahead)) {                                          \
      advance(lexer);                                                          \
    } else if (lexer->lookahead == s->escape) {                                \
      if (!*crossed) {                                                         \
        lexer->mark_end(lexer);                                                \
        *crossed = true;                                                       \
      }                                                                        \
      advance(lexer);                                                          \
      while (is_blank(lexer->lookahead)) advance(lexer);                       \
      if (!consume_newline(lexer)) return false;                               \
    } else {                                                                   \
      break;                                                                   \
    }                                                                          \
  }
  if (lexer->lookahead != '[') return false;
  advance(lexer);
  SKIP_WS();
  if (lexer->lookahead != ']') {
    for (;;) {
      if (lexer->lookahead != '"') return false;
      advance(lexer);
      while (lexer->lookahead != '"') {
        if (lexer->eof(lexer) || is_newline(lexer->lookahead)) return false;
        if (lexer->lookahead == s->escape) {
          // A continuation may split a string too (Docker joins the lines
          // before it reads the JSON). The mark is tentative until the
          // newline shows it is one; a later mark replaces it.
          if (!*crossed) lexer->mark_end(lexer);
          advance(lexer);
          bool blanks = false;
          while (is_blank(lexer->lookahead)) {
            advance(lexer);
            blanks = true;
          }
          if (consume_newline(lexer)) {
            *crossed = true;
            continue;
          }
          // Not a continuation: a backslash escapes the next character.
          if (s->escape != '\\' || blanks) continue;
        } else if (lexer->lookahead == '\\') {
          advance(lexer);
        }
        if (lexer->eof(lexer) || is_newline(lexer->lookahead)) return false;
        advance(lexer);
      }
      advance(lexer);
      SKIP_WS();
      if (lexer->lookahead == ',') {
        advance(lexer);
        SKIP_WS();
        continue;
      }
      if (lexer->lookahead == ']') break;
      return false;
    }
  }
  advance(lexer);  // ']'
  SKIP_WS();
  return lexer->eof(lexer) || is_newline(lexer->lookahead);
#undef SKIP_WS
}

// At `<<`: reads a heredoc marker (`<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`).
// Returns false if it is not one (e.g. `<<<` or `<< EOF`).
static bool scan_heredoc_marker(Scanner *s, TSLexer *lexer) {
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  Heredoc h = {0};
  if (lexer->lookahead == '-') {
    h.strip_tabs = true;
    advance(lexer);
  }
  int32_t quote = 0;
  if (lexer->lookahead == '"' || lexer->lookahead == '\'') {
    quote = lexer->lookahead;
    advance(lexer);
  }
  while (!lexer->eof(lexer)) {
    int32_t c = lexer->lookahead;
    if (quote) {
      if (c == quote) break;
      if (is_newline(c)) return false;
    } else if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.')) {
      break;
    }
    if (h.length >= MAX_DELIMITER || c > 0x7f) return false;
    h.text[h.length++] = (char)c;
    advance(lexer);
  }
  if (quote) {
    if (lexer->lookahead != quote) return false;
    advance(lexer);
  }
  if (h.length == 0) return false;
  lexer->mark_end(lexer);
  if (s->heredoc_count < MAX_HEREDOCS) s->heredocs[s->heredoc_count++] = h;
  return true;
}

// At the newline ending the line that holds the markers: everything up to the
// terminator line of the first pending heredoc, including that newline.
static bool scan_heredoc_body(Scanner *s, TSLexer *lexer) {
  Heredoc *h = &s->heredocs[0];
  if (!consume_newline(lexer)) return false;
  for (;;) {
    lexer->mark_end(lexer);
    if (lexer->eof(lexer)) {
      // Unterminated: the body runs to the end of the file.
      memmove(&s->heredocs[0], &s->heredocs[1], sizeof(Heredoc) * (s->heredoc_count - 1));
      s->heredoc_count--;
      return true;
    }
    if (h->strip_tabs) {
      while (lexer->lookahead == '\t') advance(lexer);
    }
    unsigned i = 0;
    while (i < h->length && lexer->lookahead == (unsigned char)h->text[i]) {
      advance(lexer);
      i++;
    }
    if (i == h->length) {
      while (lexer->lookahead == '\r') advance(lexer);
      if (lexer->eof(lexer) || lexer->lookahead == '\n') {
        s->heredoc_end_pending = true;
        return true;
      }
    }
    while (!lexer->eof(lexer) && lexer->lookahead != '\n') advance(lexer);
    if (lexer->lookahead == '\n') advance(lexer);
  }
}

static bool scan_heredoc_end(Scanner *s, TSLexer *lexer) {
  while (!lexer->eof(lexer) && !is_newline(lexer->lookahead)) advance(lexer);
  lexer->mark_end(lexer);
  s->heredoc_end_pending = false;
  if (s->heredoc_count > 0) {
    memmove(&s->heredocs[0], &s->heredocs[1], sizeof(Heredoc) * (s->heredoc_count - 1));
    s->heredoc_count--;
  }
  return true;
}

// Text of a shell-form command up to a continuation, a newline or a heredoc
// marker. Escaped characters are kept; quotes only matter for markers.
static bool scan_shell_fragment(Scanner *s, TSLexer *lexer, const bool *valid_symbols, bool any) {
  bool at_word_start = true;
  int32_t quote = 0;
  for (;;) {
    int32_t c = lexer->lookahead;
    if (lexer->eof(lexer) || is_newline(c)) break;
    if (c == s->escape) {
      lexer->mark_end(lexer);
      advance(lexer);
      while (is_blank(lexer->lookahead)) advance(lexer);
      if (lexer->eof(lexer) || is_newline(lexer->lookahead)) {
        // A continuation follows: the fragment ends before it.
        return any;
      }
      // An escaped character (or escaped blank): part of the text.
      any = true;
      at_word_start = false;
      continue;
    }
    if (!quote && at_word_start && c == '<' && valid_symbols[HEREDOC_MARKER]) {
      lexer->mark_end(lexer);
      advance(lexer);
      if (lexer->lookahead == '<') {
        advance(lexer);
        int32_t n = lexer->lookahead;
        if (n == '-') {
          advance(lexer);
          n = lexer->lookahead;
        }
        if (is_alpha(n) || is_digit(n) || n == '_' || n == '"' || n == '\'') {
          return any;  // a marker follows
        }
      }
      any = true;
      at_word_start = false;
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    }
    at_word_start = is_blank(c) || (!quote && (c == ';' || c == '&' || c == '|' || c == '(' || c == '>'));
    advance(lexer);
    any = true;
  }
  lexer->mark_end(lexer);
  return any;
}

// Reads a word at an instruction start and matches it against the keywords.
// Where a stage may end, a FROM ends it instead: the zero-width stage end
// comes first, then the keyword in the next call.
static bool scan_keyword(TSLexer *lexer, const bool *valid_symbols, Scanner *s) {
  bool stage_end = valid_symbols[STAGE_END] && !valid_symbols[KW_FROM];
  if (stage_end) lexer->mark_end(lexer);
  char word[16];
  unsigned len = 0;
  while (is_alpha(lexer->lookahead)) {
    if (len < sizeof(word)) word[len] = (char)upper(lexer->lookahead);
    len++;
    advance(lexer);
  }
  int32_t next = lexer->lookahead;
  bool ends = lexer->eof(lexer) || is_space(next) || next == s->escape;
  if (len > 0 && len <= sizeof(word) && ends) {
    for (int i = 0; i < KEYWORD_COUNT; i++) {
      if (strlen(KEYWORDS[i]) == len && strncmp(KEYWORDS[i], word, len) == 0) {
        if (stage_end && KW_FROM + i == KW_FROM) {
          lexer->result_symbol = STAGE_END;
          return true;
        }
        if (valid_symbols[KW_FROM + i]) {
          lexer->mark_end(lexer);
          lexer->result_symbol = KW_FROM + i;
          return true;
        }
        break;
      }
    }
  }
  if (!valid_symbols[UNKNOWN_KEYWORD]) return false;
  // Any other run of non-blank characters starting an instruction.
  while (!lexer->eof(lexer) && !is_space(lexer->lookahead)) advance(lexer);
  lexer->mark_end(lexer);
  lexer->result_symbol = UNKNOWN_KEYWORD;
  return true;
}

// `# name=value` with a known directive name, at the top of the file.
static bool scan_directive(Scanner *s, TSLexer *lexer) {
  // lookahead is '#'
  advance(lexer);
  lexer->mark_end(lexer);
  while (is_blank(lexer->lookahead)) advance(lexer);
  char name[8];
  unsigned len = 0;
  while (is_alpha(lexer->lookahead)) {
    if (len < sizeof(name)) name[len] = (char)upper(lexer->lookahead);
    len++;
    advance(lexer);
  }
  while (is_blank(lexer->lookahead)) advance(lexer);
  if (lexer->lookahead != '=') return false;
  advance(lexer);
  bool is_escape = len == 6 && strncmp(name, "ESCAPE", 6) == 0;
  bool known = is_escape || (len == 6 && strncmp(name, "SYNTAX", 6) == 0) ||
               (len == 5 && strncmp(name, "CHECK", 5) == 0);
  if (!known) return false;
  if (is_escape) {
    while (is_blank(lexer->lookahead)) advance(lexer);
    int32_t c = lexer->lookahead;
    if (c == '`' || c == '\\') s->escape = c;
  }
  return true;
}

// A registry is the first path component of an image reference when it holds
// a `.` or a `:` (port), or is `localhost`, and a `/` follows it.
static bool scan_image_registry(TSLexer *lexer) {
  char first[9];
  unsigned len = 0;
  bool dotted = false;
  while (!lexer->eof(lexer)) {
    int32_t c = lexer->lookahead;
    if (is_space(c) || c == '/' || c == '@' || c == '$' || c == '"' || c == '\'' || c == '\\' || c == '`') break;
    if (c == '.' || c == ':') dotted = true;
    if (len < sizeof(first)) first[len] = (char)c;
    len++;
    advance(lexer);
  }
  if (lexer->lookahead != '/' || len == 0) return false;
  bool localhost = len == 9 && strncmp(first, "localhost", 9) == 0;
  if (!dotted && !localhost) return false;
  lexer->mark_end(lexer);
  return true;
}

bool tree_sitter_dockerfile_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  Scanner *s = payload;
  bool error_recovery = valid_symbols[ERROR_SENTINEL];

  // Heredoc terminator line, right after its body.
  if (s->heredoc_end_pending && valid_symbols[HEREDOC_END] && !error_recovery) {
    lexer->result_symbol = HEREDOC_END;
    return scan_heredoc_end(s, lexer);
  }

  // Lines inside a continuation that Docker drops: comments (blank lines were
  // already absorbed by the continuation token, which saw whether a comment
  // line follows).
  if (s->after_continuation && s->comment_line_next && valid_symbols[COMMENT] && at_line_start(lexer)) {
    while (is_blank(lexer->lookahead)) skip(lexer);
    if (lexer->lookahead == '#') {
      while (!lexer->eof(lexer) && !is_newline(lexer->lookahead)) advance(lexer);
      consume_newline(lexer);
      lexer->mark_end(lexer);
      s->comment_line_next = absorb_blank_lines(lexer);
      lexer->result_symbol = COMMENT;
      return true;
    }
  }

  // Heredoc bodies start at the newline that ends the marker line.
  if (s->heredoc_count > 0 && is_newline(lexer->lookahead) && valid_symbols[HEREDOC_BODY] && !error_recovery) {
    lexer->result_symbol = HEREDOC_BODY;
    s->after_continuation = false;
    return scan_heredoc_body(s, lexer);
  }

  bool skipped_blank = false;
  while (is_blank(lexer->lookahead) || lexer->lookahead == 0xFEFF) {
    skip(lexer);
    skipped_blank = true;
  }
  int32_t c = lexer->lookahead;
  // Shell text is a separate argument: it never sticks to a flag (`--x=$Y`).
  // Only shell text needs to know, so only then is the column asked.
  bool separated = valid_symbols[SHELL_FRAGMENT] && (skipped_blank || s->after_continuation || at_line_start(lexer));

  // Inside a directive line the escape character has no effect (`# escape=\`).
  if (c == s->escape && !s->in_directive && (valid_symbols[LINE_CONTINUATION] || valid_symbols[ESCAPED_CHAR])) {
    advance(lexer);
    bool escaped_blank = is_blank(lexer->lookahead);
    if (escaped_blank) {
      advance(lexer);
      lexer->mark_end(lexer);
    }
    if (valid_symbols[LINE_CONTINUATION] && scan_continuation_after_escape(s, lexer)) {
      lexer->result_symbol = LINE_CONTINUATION;
      s->after_continuation = true;
      return true;
    }
    if (escaped_blank && valid_symbols[ESCAPED_CHAR]) {
      lexer->result_symbol = ESCAPED_CHAR;
      s->after_continuation = false;
      return true;
    }
    // `\x`: left to the word tokens, unless a shell fragment is expected.
    if (!valid_symbols[SHELL_FRAGMENT] || !separated) return false;
    // Fall back: the shell fragment scan restarts from here, keeping the escape.
    s->after_continuation = false;
    lexer->result_symbol = SHELL_FRAGMENT;
    scan_shell_fragment(s, lexer, valid_symbols, true);
    return true;
  }

  // The escape character that is not in use, before a blank or the line end.
  if ((c == '\\' || c == '`') && valid_symbols[ESCAPED_CHAR] && !(valid_symbols[SHELL_FRAGMENT] && separated)) {
    advance(lexer);
    if (lexer->eof(lexer) || is_space(lexer->lookahead)) {
      lexer->mark_end(lexer);
      lexer->result_symbol = ESCAPED_CHAR;
      s->after_continuation = false;
      return true;
    }
    return false;
  }

  // A stage ends at the end of the file (before a FROM: in scan_keyword).
  if (lexer->eof(lexer) && valid_symbols[STAGE_END] && !error_recovery) {
    lexer->mark_end(lexer);
    lexer->result_symbol = STAGE_END;
    return true;
  }

  if (is_newline(c) || lexer->eof(lexer)) {
    if (valid_symbols[INSTRUCTION_END] && !(error_recovery && lexer->eof(lexer))) {
      if (!lexer->eof(lexer)) consume_newline(lexer);
      lexer->mark_end(lexer);
      lexer->result_symbol = INSTRUCTION_END;
      if (!s->in_directive) s->directives_allowed = false;
      s->in_directive = false;
      s->after_continuation = false;
      s->heredoc_count = 0;
      s->heredoc_end_pending = false;
      return true;
    }
    if (valid_symbols[NEWLINE] && !lexer->eof(lexer)) {
      consume_newline(lexer);
      lexer->mark_end(lexer);
      lexer->result_symbol = NEWLINE;
      s->directives_allowed = false;
      s->after_continuation = false;
      return true;
    }
    return false;
  }

  if (error_recovery) return false;

  if (c == '#' && valid_symbols[DIRECTIVE_START] && s->directives_allowed) {
    if (scan_directive(s, lexer)) {
      lexer->result_symbol = DIRECTIVE_START;
      s->in_directive = true;
      return true;
    }
    // Not a directive: an ordinary comment ends the directive header.
    s->directives_allowed = false;
    while (!lexer->eof(lexer) && !is_newline(lexer->lookahead)) advance(lexer);
    lexer->mark_end(lexer);
    lexer->result_symbol = COMMENT;
    return true;
  }

  // A comment line between instructions.
  if (c == '#' && valid_symbols[COMMENT] && (valid_symbols[KW_FROM] || valid_symbols[STAGE_END]) &&
      !valid_symbols[INSTRUCTION_END]) {
    while (!lexer->eof(lexer) && !is_newline(lexer->lookahead)) advance(lexer);
    lexer->mark_end(lexer);
    lexer->result_symbol = COMMENT;
    s->directives_allowed = false;
    return true;
  }

  if (c == '<' && valid_symbols[HEREDOC_MARKER]) {
    if (scan_heredoc_marker(s, lexer)) {
      lexer->result_symbol = HEREDOC_MARKER;
      s->after_continuation = false;
      return true;
    }
    if (!valid_symbols[SHELL_FRAGMENT] || !separated) return false;
    // `<<<` or a lone `<`: ordinary shell text from here on.
    lexer->result_symbol = SHELL_FRAGMENT;
    scan_shell_fragment(s, lexer, valid_symbols, true);
    s->after_continuation = false;
    return true;
  }

  if (c == '-' && valid_symbols[FLAG_START]) {
    lexer->mark_end(lexer);
    advance(lexer);
    if (lexer->lookahead == '-') {
      advance(lexer);
      if (is_alpha(lexer->lookahead)) {
        lexer->mark_end(lexer);
        lexer->result_symbol = FLAG_START;
        s->after_continuation = false;
        return true;
      }
    }
    if (!valid_symbols[SHELL_FRAGMENT] || !separated) return false;
    lexer->result_symbol = SHELL_FRAGMENT;
    scan_shell_fragment(s, lexer, valid_symbols, true);
    s->after_continuation = false;
    return true;
  }

  bool keyword_valid = valid_symbols[UNKNOWN_KEYWORD] || valid_symbols[KW_AS] || valid_symbols[KW_NONE] ||
                       valid_symbols[KW_CMD] || valid_symbols[KW_FROM];
  if (keyword_valid && c != '#' && (is_alpha(c) || valid_symbols[UNKNOWN_KEYWORD])) {
    if (scan_keyword(lexer, valid_symbols, s)) {
      if (lexer->result_symbol == STAGE_END) return true;
      bool starts_instruction = lexer->result_symbol != KW_AS && lexer->result_symbol != KW_NONE;
      if (starts_instruction) s->directives_allowed = false;
      s->after_continuation = false;
      return true;
    }
    return false;
  }

  if (valid_symbols[IMAGE_REGISTRY] && !valid_symbols[SHELL_FRAGMENT]) {
    if (scan_image_registry(lexer)) {
      lexer->result_symbol = IMAGE_REGISTRY;
      s->after_continuation = false;
      return true;
    }
    return false;
  }

  if (valid_symbols[SHELL_FRAGMENT] && separated) {
    lexer->result_symbol = SHELL_FRAGMENT;
    s->after_continuation = false;
    if (c == '[') {
      bool crossed = false;
      if (looks_like_json_array(s, lexer, &crossed)) return false;
      // Not an array: Docker runs the text in shell form.
      if (crossed) return true;
      return scan_shell_fragment(s, lexer, valid_symbols, true);
    }
    return scan_shell_fragment(s, lexer, valid_symbols, false);
  }

  return false;
}
