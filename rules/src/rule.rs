//! A rule: its metadata, the checks the engine calls, its typed options,
//! and [`declare_rule!`], the one place a rule file says all of that.
//!
//! Layers: this module builds on [`crate::rule_meta`], [`crate::diagnostic`],
//! the model and [`crate::settings`]; the rule files build on it, the
//! registry lists them and the engine runs them (the order is written down,
//! and checked, in `tests/layers.rs`).

use std::any::TypeId;
use std::fmt;

use crate::diagnostic::{Diagnostic, TextRange};
use crate::model::{Document, Instruction, InstructionKind};
use crate::rule_meta::RuleMeta;
use crate::settings::Settings;
pub use crate::settings::{OptionsValue, RuleOptions};

/// A rule: its metadata plus the checks the engine calls.
pub struct Rule {
    pub meta: RuleMeta,
    /// The instruction kinds `check_instruction` is called for.
    pub kinds: &'static [InstructionKind],
    /// Also call `check_instruction` on instructions wrapped in `ONBUILD`.
    pub in_onbuild: bool,
    pub check_instruction: Option<fn(&Instruction, &mut Context<'_>)>,
    /// What the rule's checks read besides the instruction they are called
    /// on: the language server's incremental lint keeps a rule's findings
    /// from one lint to the next only while that is unchanged.
    pub reads: Reads,
    /// Called once per document, after every instruction was seen.
    pub check_document: Option<fn(&mut Context<'_>)>,
    /// Called once per group of related stages, after every instruction was
    /// seen: the stages joined by `FROM <stage>` and `--from` (the
    /// incremental lint's units), in stage order; and with no stages for
    /// the instructions before the first `FROM` when they are more than
    /// ARGs (a fragment, linted as an implicit stage). For checks that fold
    /// over a stage and the stages it builds on: the language server
    /// re-runs them only on the group an edit changed.
    pub check_stages: Option<fn(&[usize], &mut Context<'_>)>,
    /// How to read the rule's `[rules.<name>]` table; `None`: it takes no options.
    pub options: Option<OptionsReader>,
}

impl Rule {
    /// The fields a `declare_rule!` leaves out: no checks, no options.
    #[doc(hidden)]
    pub const DEFAULTS: Rule = Rule {
        meta: RuleMeta::DEFAULTS,
        kinds: &[],
        in_onbuild: false,
        check_instruction: None,
        check_document: None,
        check_stages: None,
        options: None,
        reads: Reads::Unit,
    };
}

/// What a rule's checks read beyond the instruction they are called on
/// (`reads:` in `declare_rule!`; the engine's `incremental` module says how
/// the language server's lint uses it). Every variant includes the
/// *document key*: the text before the first `FROM`, each stage's name
/// and `--platform` (so the stage count), the names of all ARGs and ENVs,
/// the rules that run, the settings and the lint date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// Its stage, the stages it is built from or that are built from it or
    /// copy from it (its unit) and the document key: the default, for
    /// instruction checks. A rule with a document check must declare one of
    /// the others (a document check reads more than one unit).
    Unit,
    /// The instructions of these kinds anywhere in the file (inside
    /// `ONBUILD` too, under their own kind), each with the comments and
    /// blank lines between it and the instruction before it, and which
    /// stage each is in; the kinds `check_instruction` is called on and
    /// `FROM` count as declared. Nothing else: not the other instructions,
    /// not the values of ARGs or ENVs unless `Arg`/`Env` are listed, not
    /// the SHELL in effect unless `Shell` is. Its findings are kept while
    /// all of that is unchanged.
    Kinds(&'static [InstructionKind]),
    /// Anything else in the file (comments and pragmas, every instruction
    /// whatever its kind...): its findings are re-computed on every lint.
    Document,
}

impl Reads {
    /// The kinds a `Kinds` rule reads, as a bit set (bit `kind as usize`),
    /// counting the kinds its instruction check is called on and `FROM`;
    /// `None` for the other variants.
    pub fn kinds_read(rule: &Rule) -> Option<u32> {
        let Reads::Kinds(declared) = rule.reads else { return None };
        let bits = declared.iter().chain(rule.kinds).fold(0u32, |bits, k| bits | 1 << *k as u32);
        Some(bits | 1 << InstructionKind::From as u32)
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("name", &self.meta.name).finish()
    }
}

/// Reads one rule's `[rules.<name>]` table into its options type; the
/// config loader calls it with the table's spanned TOML, so a bad key or
/// value is reported where it was written.
#[derive(Clone, Copy)]
pub struct OptionsReader {
    pub(crate) read: fn(toml::de::ValueDeserializer<'_>) -> Result<OptionsValue, toml::de::Error>,
    type_id: fn() -> TypeId,
}

impl OptionsReader {
    #[doc(hidden)]
    pub const fn of<T: RuleOptions>() -> OptionsReader {
        OptionsReader { read: read_options::<T>, type_id: TypeId::of::<T> }
    }
}

fn read_options<T: RuleOptions>(table: toml::de::ValueDeserializer<'_>) -> Result<OptionsValue, toml::de::Error> {
    T::deserialize(table).map(OptionsValue::new)
}

/// What a rule sees while it runs, and where it reports.
pub struct Context<'a> {
    pub doc: &'a Document,
    pub settings: &'a Settings,
    pub(crate) rule: &'static Rule,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(doc: &'a Document, settings: &'a Settings, rule: &'static Rule) -> Context<'a> {
        Context { doc, settings, rule, diagnostics: Vec::new() }
    }

    /// Report a finding at `range`; refine it with the returned handle.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            rule: &self.rule.meta,
            severity: self.rule.meta.severity,
            message: message.into(),
            range,
            fix: None,
            related: Vec::new(),
        });
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// This rule's options (`[rules.<name>]`), or their defaults. `T` is the
    /// type the rule declared with `options:`.
    pub fn options<T: RuleOptions>(&self) -> T {
        rule_options(self.settings, self.rule)
    }
}

/// `rule`'s options in `settings`, or their defaults; `T` must be the type
/// `rule` declared.
pub(crate) fn rule_options<T: RuleOptions>(settings: &Settings, rule: &Rule) -> T {
    assert!(
        rule.options.is_some_and(|reader| (reader.type_id)() == TypeId::of::<T>()),
        "rule {} reads options of a type it did not declare",
        rule.meta.name
    );
    settings.rule_options(rule.meta.name).and_then(OptionsValue::get::<T>).cloned().unwrap_or_default()
}

/// Declares a rule: the `RULE` static of a rule file. The doc comment is
/// the one-line summary `dockside rules` shows; the fields come in this
/// order, and the ones marked optional may be left out:
///
/// ```ignore
/// declare_rule! {
///     /// A stage that no other stage uses and that is not the final stage
///     name: "unused-stage",          // kebab-case; the file is `unused_stage.rs`
///     aliases: ["DL3000"],           // optional: hadolint codes, BuildKit check names
///     category: Maintainability,
///     severity: Info,                // the default severity
///     fix: Sometimes,                // optional: None (default), Sometimes, Always
///     enabled_by_default: false,     // optional: true by default
///     options: Options,              // optional: a `RuleOptions` type
///     kinds: [Copy, Add],            // optional: or `ALL`; what `check_instruction` sees
///     in_onbuild: true,              // optional: false by default
///     reads: Kinds([Copy, Run]),     // optional: `Unit` (default), `Kinds([…])` or `Document`
///     check_instruction: check,      // optional
///     check_document: check_document, // optional
///     check_stages: check_stages,    // optional: once per group of related stages
/// }
/// ```
///
/// Rule files group the fields on a few lines (what it is; how it runs).
/// The documentation is the file's `//!` comment, extracted by `build.rs`
/// (only the docs are embedded, not the source); the path is `file!()`.
macro_rules! declare_rule {
    (
        #[doc = $summary:literal]
        name: $name:literal,
        $(aliases: [$($alias:literal),* $(,)?],)?
        category: $category:ident,
        severity: $severity:ident,
        $(fix: $fix:ident,)?
        $(fix_safety: $fix_safety:ident,)?
        $(enabled_by_default: $enabled:literal,)?
        $(options: $options:ty,)?
        $(kinds: $kinds:tt,)?
        $(in_onbuild: $in_onbuild:literal,)?
        $(reads: $reads:ident $(($($read_kinds:tt)*))?,)?
        $(check_instruction: $check_instruction:path,)?
        $(check_document: $check_document:path,)?
        $(check_stages: $check_stages:path,)?
    ) => {
        // A rule may write every field; the defaults then fill nothing.
        #[allow(clippy::needless_update)]
        pub(crate) static RULE: $crate::rule::Rule = $crate::rule::Rule {
            meta: $crate::rule_meta::RuleMeta {
                name: $name,
                $(aliases: &[$($alias),*],)?
                category: $crate::rule_meta::Category::$category,
                severity: $crate::rule_meta::Severity::$severity,
                $(fix: $crate::rule_meta::FixAvailability::$fix,)?
                $(fix_safety: $crate::rule_meta::FixSafety::$fix_safety,)?
                $(enabled_by_default: $enabled,)?
                summary: $summary.trim_ascii(),
                docs: include_str!(concat!(env!("OUT_DIR"), "/rule_docs/", $name, ".md")),
                path: file!(),
                ..$crate::rule_meta::RuleMeta::DEFAULTS
            },
            $(options: Some($crate::rule::OptionsReader::of::<$options>()),)?
            $(kinds: $crate::rule::declare_rule!(@kinds $kinds),)?
            $(in_onbuild: $in_onbuild,)?
            $(reads: $crate::rule::declare_rule!(@reads $reads $($($read_kinds)*)?),)?
            $(check_instruction: Some($check_instruction),)?
            $(check_document: Some($check_document),)?
            $(check_stages: Some($check_stages),)?
            ..$crate::rule::Rule::DEFAULTS
        };
    };
    (@reads Kinds $kinds:tt) => { $crate::rule::Reads::Kinds($crate::rule::declare_rule!(@kinds $kinds)) };
    (@reads $reads:ident) => { $crate::rule::Reads::$reads };
    (@kinds ALL) => { &$crate::model::InstructionKind::ALL };
    (@kinds [$($kind:ident),* $(,)?]) => { &[$($crate::model::InstructionKind::$kind),*] };
}

pub(crate) use declare_rule;
