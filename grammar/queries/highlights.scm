; Highlights for the dockside Dockerfile grammar.

[
  "FROM" "RUN" "CMD" "LABEL" "MAINTAINER" "EXPOSE" "ENV" "ADD" "COPY"
  "ENTRYPOINT" "VOLUME" "USER" "WORKDIR" "ARG" "ONBUILD" "STOPSIGNAL"
  "HEALTHCHECK" "SHELL" "AS" "NONE"
] @keyword

(instruction_name) @error

(comment) @comment @spell

(parser_directive) @keyword.directive
(directive_name) @keyword.directive
(directive_value) @string.special

(flag "--" @operator)
(flag_name) @attribute
(flag_value) @string
(mount_key) @property
(mount_value) @string

(image_registry) @module
(image_name) @type
(image_tag) @label
(image_digest) @number
(stage_name) @label

(key) @property
(value) @string
(legacy_value) @string

(expose_port) @number
(path) @string.special.path

(expansion
  [
    "$"
    "${"
    "}"
  ] @punctuation.special)
(variable) @variable
(expansion_operator) @operator

[
  (double_quoted_string)
  (single_quoted_string)
  (json_string)
] @string

(shell_fragment) @string
(heredoc_marker) @label
(heredoc_body) @string
(heredoc_end) @label

(line_continuation) @punctuation.special

[
  "["
  "]"
] @punctuation.bracket

[
  ","
  "="
] @punctuation.delimiter
