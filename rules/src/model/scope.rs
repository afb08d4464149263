//! Build-argument and environment scopes with BuildKit's semantics:
//! global ARGs (before the first FROM) are visible to FROM lines only, until a
//! stage re-declares them with `ARG NAME`; ENV accumulates through a stage and
//! is inherited by stages built `FROM` it.

use std::collections::BTreeMap;

use super::{Base, Document, Expanded, InstructionKind, Word};

/// Build args BuildKit defines without a declaration (values unknown here).
pub const PREDEFINED_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "BUILDKIT_INLINE_CACHE",
    "BUILDKIT_SYNTAX",
    "SOURCE_DATE_EPOCH",
];

/// The variables visible at one point, with their values when known.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// name -> value (`None`: declared, value unknown at lint time).
    vars: BTreeMap<String, Option<String>>,
}

impl Scope {
    /// The global ARGs: what FROM lines can use.
    pub fn global(doc: &Document) -> Scope {
        let mut scope = Scope::default();
        for ins in doc.instructions.iter().take_while(|i| i.kind != InstructionKind::From) {
            if ins.kind == InstructionKind::Arg {
                for pair in &ins.pairs {
                    let value = pair.value.as_ref().map(|v| scope.expand(v));
                    let value = value.filter(|v| v.complete).map(|v| v.text);
                    scope.vars.insert(pair.key.value(), value);
                }
            }
        }
        scope
    }

    /// The variables visible to instruction `index` (before it runs).
    pub fn at(doc: &Document, index: usize) -> Scope {
        let Some(stage_index) = doc.instructions.get(index).and_then(|i| i.stage) else {
            return Scope::global(doc);
        };
        Scope::in_stage(doc, stage_index, index, &Scope::global(doc))
    }

    /// The variables of stage `stage_index` before instruction `upto` runs.
    fn in_stage(doc: &Document, stage_index: usize, upto: usize, globals: &Scope) -> Scope {
        let stage = &doc.stages[stage_index];
        let mut scope = match stage.base {
            // ENV is inherited from the parent stage; ARGs are not.
            Base::Stage(parent) if parent < stage_index => {
                Scope::in_stage(doc, parent, doc.stages[parent].end, globals).only_env(doc, parent)
            }
            _ => Scope::default(),
        };
        for ins in &doc.instructions[stage.from + 1..upto.max(stage.from + 1)] {
            match ins.kind {
                InstructionKind::Arg => {
                    for pair in &ins.pairs {
                        let name = pair.key.value();
                        let value = match &pair.value {
                            Some(v) => {
                                let e = scope.expand(v);
                                e.complete.then_some(e.text)
                            }
                            None => globals.value(&name),
                        };
                        scope.vars.insert(name, value);
                    }
                }
                InstructionKind::Env => {
                    for pair in &ins.pairs {
                        let value = pair.value.as_ref().map(|v| {
                            if pair.legacy {
                                Some(v.raw.trim().to_string())
                            } else {
                                let e = scope.expand(v);
                                e.complete.then_some(e.text)
                            }
                        });
                        scope.vars.insert(pair.key.value(), value.flatten());
                    }
                }
                _ => {}
            }
        }
        scope
    }

    /// Keep the variables set by ENV in `stage` and its ancestors.
    fn only_env(mut self, doc: &Document, stage: usize) -> Scope {
        let mut env_names = std::collections::BTreeSet::new();
        let mut s = Some(stage);
        while let Some(i) = s {
            let st = &doc.stages[i];
            for ins in st.instructions(doc) {
                if ins.kind == InstructionKind::Env {
                    env_names.extend(ins.pairs.iter().map(|p| p.key.value()));
                }
            }
            s = match st.base {
                Base::Stage(p) => Some(p),
                _ => None,
            };
        }
        self.vars.retain(|k, _| env_names.contains(k));
        self
    }

    /// `word` with the variables of this scope expanded.
    pub fn expand(&self, word: &Word) -> Expanded {
        word.expand(&|n| self.value(n))
    }

    /// The value of `name`, when declared with a known value.
    pub fn value(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned().flatten()
    }

    /// True when `name` is declared (ARG, ENV) or predefined by BuildKit.
    pub fn is_defined(&self, name: &str) -> bool {
        self.vars.contains_key(name) || PREDEFINED_ARGS.contains(&name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }
}
