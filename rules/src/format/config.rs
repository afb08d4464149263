//! Where the formatter's options come from: `[format]` in `dockside.toml`
//! and `.editorconfig` (through `ec4rs`, which follows EditorConfig's own
//! rules: nearer files override farther ones, `root = true` stops the
//! search). When both set an option, the file nearer to the Dockerfile wins,
//! as for the lint config; in the same directory `dockside.toml` wins.

use std::path::{Path, PathBuf};

use super::{FormatOptions, Indent, OperatorPosition};

/// `[format]` of one `dockside.toml`: only the keys it sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormatConfig {
    /// The config file, for nearest-wins against `.editorconfig`.
    pub path: Option<PathBuf>,
    pub indent: Option<Indent>,
    pub line_width: Option<usize>,
    pub operator_position: Option<OperatorPosition>,
    pub max_blank_lines: Option<usize>,
    pub blank_line_before_from: Option<bool>,
    pub final_newline: Option<bool>,
}

/// Editor defaults (an LSP client's `tabSize`/`insertSpaces`), used where
/// no config file sets the indent.
#[derive(Clone, Copy, Debug, Default)]
pub struct EditorDefaults {
    pub indent: Option<Indent>,
}

/// The options for the Dockerfile at `path` (`None`: no file, only
/// `config`), on top of the defaults and the editor's.
pub fn options_for(path: Option<&Path>, config: &FormatConfig, editor: EditorDefaults) -> FormatOptions {
    let mut options = FormatOptions::default();
    if let Some(indent) = editor.indent {
        options.indent = indent;
        if let Indent::Spaces(n) = indent {
            options.tab_width = usize::from(n);
        }
    }
    let editorconfig = path.map(EditorConfig::of).unwrap_or_default();
    let toml_depth = config.path.as_deref().map(depth);
    // dockside.toml wins unless an .editorconfig nearer to the file set it.
    let toml_wins = |source: Option<usize>| match (toml_depth, source) {
        (Some(toml), Some(editor)) => toml >= editor,
        _ => true,
    };

    if let Some((tab_width, _)) = editorconfig.tab_width {
        options.tab_width = tab_width;
    }
    match (config.indent, editorconfig.indent) {
        (Some(indent), Some((_, source))) if toml_wins(Some(source)) => options.indent = indent,
        (Some(indent), None) => options.indent = indent,
        (_, Some((indent, _))) => options.indent = indent,
        (None, None) => {}
    }
    if let Indent::Spaces(n) = options.indent
        && editorconfig.tab_width.is_none()
    {
        options.tab_width = usize::from(n).max(1);
    }
    options.line_width =
        pick(config.line_width, editorconfig.max_line_length, &toml_wins).unwrap_or(options.line_width);
    options.final_newline =
        pick(config.final_newline, editorconfig.final_newline, &toml_wins).unwrap_or(options.final_newline);
    if let Some(position) = config.operator_position {
        options.operator_position = position;
    }
    if let Some(max) = config.max_blank_lines {
        options.max_blank_lines = max;
    }
    if let Some(blank) = config.blank_line_before_from {
        options.blank_line_before_from = blank;
    }
    options
}

fn pick<T: Copy>(toml: Option<T>, editor: Option<(T, usize)>, toml_wins: &dyn Fn(Option<usize>) -> bool) -> Option<T> {
    match (toml, editor) {
        (Some(value), Some((_, source))) if toml_wins(Some(source)) => Some(value),
        (Some(value), None) => Some(value),
        (_, Some((value, _))) => Some(value),
        (None, None) => None,
    }
}

/// How deep a config file's directory is (deeper is nearer to a file below it).
fn depth(config_file: &Path) -> usize {
    let absolute = std::path::absolute(config_file).unwrap_or_else(|_| config_file.to_path_buf());
    absolute.parent().map_or(0, |dir| dir.components().count())
}

/// The `.editorconfig` properties the formatter reads, each with the depth
/// of the file that set it.
#[derive(Debug, Default)]
struct EditorConfig {
    indent: Option<(Indent, usize)>,
    tab_width: Option<(usize, usize)>,
    max_line_length: Option<(usize, usize)>,
    final_newline: Option<(bool, usize)>,
}

impl EditorConfig {
    fn of(path: &Path) -> EditorConfig {
        use ec4rs::property::{FinalNewline, IndentSize, IndentStyle, MaxLineLen, TabWidth};
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        // An unreadable or malformed .editorconfig sets nothing.
        let Ok(mut properties) = ec4rs::properties_of(&absolute) else { return EditorConfig::default() };
        properties.use_fallbacks();
        let source_depth = |raw: &ec4rs::rawvalue::RawValue| raw.source().map_or(0, |(file, _)| depth(file));
        let mut out = EditorConfig::default();
        let style = properties.get::<IndentStyle>().ok();
        let style_depth = source_depth(properties.get_raw::<IndentStyle>());
        let size = properties.get::<IndentSize>().ok();
        let size_depth = source_depth(properties.get_raw::<IndentSize>());
        let tab_width = match properties.get::<TabWidth>() {
            Ok(TabWidth::Value(n)) if n > 0 => Some((n, source_depth(properties.get_raw::<TabWidth>()))),
            _ => None,
        };
        out.tab_width = tab_width;
        out.indent = match (style, size) {
            (Some(IndentStyle::Tabs), _) => Some((Indent::Tab, style_depth)),
            (_, Some(IndentSize::Value(n))) if n > 0 => {
                Some((Indent::Spaces(u8::try_from(n).unwrap_or(u8::MAX)), size_depth.max(style_depth)))
            }
            (Some(IndentStyle::Spaces), _) => tab_width
                .map(|(n, _)| (Indent::Spaces(u8::try_from(n).unwrap_or(u8::MAX)), style_depth))
                .or(Some((Indent::Spaces(4), style_depth))),
            _ => None,
        };
        if let Ok(MaxLineLen::Value(n)) = properties.get::<MaxLineLen>() {
            out.max_line_length = Some((n, source_depth(properties.get_raw::<MaxLineLen>())));
        }
        if let Ok(FinalNewline::Value(b)) = properties.get::<FinalNewline>() {
            out.final_newline = Some((b, source_depth(properties.get_raw::<FinalNewline>())));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn editorconfig_and_dockside_toml_nearest_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            &root.join(".editorconfig"),
            "root = true\n[*]\nindent_style = space\nindent_size = 2\nmax_line_length = 80\ninsert_final_newline = false\n",
        );
        write(&root.join("sub/.editorconfig"), "[Dockerfile]\nindent_style = tab\n");
        let file = root.join("sub/Dockerfile");
        write(&file, "FROM a\n");

        // Only .editorconfig: the nearer one's tabs, the root's width.
        let options = options_for(Some(&file), &FormatConfig::default(), EditorDefaults::default());
        assert_eq!(options.indent, Indent::Tab);
        assert_eq!(options.line_width, 80);
        assert!(!options.final_newline);

        // A dockside.toml at the root loses to sub/.editorconfig for the
        // indent, wins over the root .editorconfig for the width.
        let config = FormatConfig {
            path: Some(root.join("dockside.toml")),
            indent: Some(Indent::Spaces(3)),
            line_width: Some(120),
            ..FormatConfig::default()
        };
        let options = options_for(Some(&file), &config, EditorDefaults::default());
        assert_eq!(options.indent, Indent::Tab);
        assert_eq!(options.line_width, 120);

        // A dockside.toml beside the file wins everything it sets.
        let config = FormatConfig { path: Some(root.join("sub/dockside.toml")), ..config };
        let options = options_for(Some(&file), &config, EditorDefaults::default());
        assert_eq!(options.indent, Indent::Spaces(3));

        // Other files in sub/ only get the root's settings.
        let other = root.join("sub/app.dockerfile");
        let options = options_for(Some(&other), &FormatConfig::default(), EditorDefaults::default());
        assert_eq!(options.indent, Indent::Spaces(2));
    }

    #[test]
    fn editor_defaults_apply_only_without_config() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Dockerfile");
        let editor = EditorDefaults { indent: Some(Indent::Spaces(2)) };
        assert_eq!(options_for(Some(&file), &FormatConfig::default(), editor).indent, Indent::Spaces(2));
        let config = FormatConfig { indent: Some(Indent::Tab), ..FormatConfig::default() };
        assert_eq!(options_for(Some(&file), &config, editor).indent, Indent::Tab);
        assert_eq!(options_for(None, &FormatConfig::default(), EditorDefaults::default()), FormatOptions::default());
    }
}
