//! Build-argument and environment scopes with BuildKit's semantics:
//! global ARGs (before the first FROM) are visible to FROM lines only, until a
//! stage re-declares them with `ARG NAME`; ENV accumulates through a stage and
//! is inherited by stages built `FROM` it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Base, Document, Expanded, Instruction, InstructionKind, Word};

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

/// Every instruction's scope, computed in one pass the first time a rule
/// asks ([`Document::scopes`]). Asking per instruction from scratch was
/// quadratic in the length of a stage.
#[derive(Debug, Default)]
pub struct Scopes {
    global: Scope,
    /// Per top-level instruction (`None` before the first FROM: the global
    /// scope): a snapshot and the instruction it was taken before. The
    /// scope is the snapshot plus the ARG/ENV instructions from there on,
    /// which is none unless the snapshot budget ran out.
    at: Vec<Option<(Arc<Scope>, usize)>>,
}

/// How many variable entries the snapshots may hold in all: a file of
/// thousands of ENV lines would otherwise need memory quadratic in them.
/// Past it, scopes are replayed from the last snapshot.
const SNAPSHOT_BUDGET: usize = 1 << 20;

impl Scopes {
    pub(crate) fn compute(doc: &Document) -> Scopes {
        Scopes::compute_with_budget(doc, SNAPSHOT_BUDGET)
    }

    fn compute_with_budget(doc: &Document, mut budget: usize) -> Scopes {
        let global = Scope::compute_global(doc);
        let mut at = vec![None; doc.instructions.len()];
        let mut stage_ends: Vec<Arc<Scope>> = Vec::with_capacity(doc.stages.len());
        for stage in &doc.stages {
            let mut state = match stage.base {
                // ENV is inherited from the parent stage; ARGs are not.
                Base::Stage(parent) if parent < stage.index => Scope::clone(&stage_ends[parent]).only_env(doc, parent),
                _ => Scope::default(),
            };
            let mut snapshot = (Arc::new(state.clone()), stage.from + 1);
            if let Some(slot) = at.get_mut(stage.from) {
                *slot = Some((Arc::clone(&snapshot.0), stage.from));
            }
            let body = stage.from + 1..stage.end;
            for (i, ins) in body.clone().zip(&doc.instructions[body]) {
                at[i] = Some((Arc::clone(&snapshot.0), snapshot.1));
                let changes = matches!(ins.kind, InstructionKind::Arg | InstructionKind::Env);
                if changes {
                    state.apply(ins, &global);
                }
                if snapshot.1 == i {
                    if !changes {
                        snapshot.1 = i + 1;
                    } else if budget >= state.vars.len() {
                        budget -= state.vars.len();
                        snapshot = (Arc::new(state.clone()), i + 1);
                    }
                }
            }
            stage_ends.push(Arc::new(state));
        }
        Scopes { global, at }
    }
}

impl Scope {
    /// The global ARGs: what FROM lines can use.
    pub fn global(doc: &Document) -> &Scope {
        &doc.scopes().global
    }

    /// The global ARGs, computed (the model uses it to resolve stage bases,
    /// before the cached [`Scopes`] can exist).
    pub(crate) fn compute_global(doc: &Document) -> Scope {
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
    pub fn at(doc: &Document, index: usize) -> Cow<'_, Scope> {
        let scopes = doc.scopes();
        match scopes.at.get(index) {
            Some(Some((snapshot, from))) if *from >= index => Cow::Borrowed(snapshot),
            Some(Some((snapshot, from))) => {
                let mut scope = Scope::clone(snapshot);
                for ins in &doc.instructions[*from..index] {
                    scope.apply(ins, &scopes.global);
                }
                Cow::Owned(scope)
            }
            _ => Cow::Borrowed(&scopes.global),
        }
    }

    /// Add what an ARG or ENV instruction of a stage declares.
    fn apply(&mut self, ins: &Instruction, globals: &Scope) {
        match ins.kind {
            InstructionKind::Arg => {
                for pair in &ins.pairs {
                    let name = pair.key.value();
                    let value = match &pair.value {
                        Some(v) => {
                            let e = self.expand(v);
                            e.complete.then_some(e.text)
                        }
                        None => globals.value(&name),
                    };
                    self.vars.insert(name, value);
                }
            }
            InstructionKind::Env => {
                for pair in &ins.pairs {
                    let value = pair.value.as_ref().map(|v| {
                        if pair.legacy {
                            Some(v.raw.trim().to_string())
                        } else {
                            let e = self.expand(v);
                            e.complete.then_some(e.text)
                        }
                    });
                    self.vars.insert(pair.key.value(), value.flatten());
                }
            }
            _ => {}
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The scope before `index`, replayed from the start of its stage (and,
    /// for ENV, through the stages it builds on).
    fn replayed(doc: &Document, index: usize, global: &Scope) -> Scope {
        let Some(stage) = doc.instructions[index].stage else { return global.clone() };
        in_stage(doc, stage, index, global)
    }

    fn in_stage(doc: &Document, stage: usize, upto: usize, global: &Scope) -> Scope {
        let st = &doc.stages[stage];
        let mut scope = match st.base {
            Base::Stage(parent) if parent < stage => {
                in_stage(doc, parent, doc.stages[parent].end, global).only_env(doc, parent)
            }
            _ => Scope::default(),
        };
        for ins in &doc.instructions[st.from + 1..upto.max(st.from + 1)] {
            scope.apply(ins, global);
        }
        scope
    }

    fn assert_same(doc: &Document, scopes: &Scopes, what: &str) {
        for index in 0..doc.instructions.len() {
            let expected = replayed(doc, index, &scopes.global);
            let got = match &scopes.at[index] {
                Some((snapshot, from)) => {
                    let mut s = Scope::clone(snapshot);
                    for ins in &doc.instructions[*from..index.max(*from)] {
                        s.apply(ins, &scopes.global);
                    }
                    s
                }
                None => scopes.global.clone(),
            };
            assert_eq!(got.vars, expected.vars, "{what}: instruction {index}");
        }
    }

    const CASES: &[&str] = &[
        "ARG V=1\nARG B=alpine:$V\nFROM $B AS base\nARG V\nENV A=$V X=y\nRUN true\nARG V=2\nENV B=${A}-$V\n\
         FROM base AS child\nARG Z\nENV C=$A$B\nRUN true\nFROM scratch\nENV A=1\nENV A=2 B=$A\nCOPY . .\n",
        "FROM a\nENV legacy value with spaces\nARG X\nRUN echo\n",
        "ARG ONLY=1\n",
    ];

    #[test]
    fn cached_scopes_equal_a_replay_with_and_without_snapshots() {
        for case in CASES {
            let doc = Document::parse(case);
            for budget in [SNAPSHOT_BUDGET, 3, 0] {
                assert_same(&doc, &Scopes::compute_with_budget(&doc, budget), case);
            }
        }
    }

    /// The same on every file of the shared corpus.
    #[test]
    fn cached_scopes_equal_a_replay_on_the_corpus() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/files");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("the shared corpus at {}: {e}", dir.display()));
        let mut files = 0;
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            let doc = Document::parse(&text);
            assert_same(&doc, doc.scopes(), &entry.path().display().to_string());
            assert_same(&doc, &Scopes::compute_with_budget(&doc, 0), &entry.path().display().to_string());
            files += 1;
        }
        assert!(files > 1000, "{files} corpus files read");
    }
}
