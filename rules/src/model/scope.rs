//! Build-argument and environment scopes with BuildKit's semantics:
//! global ARGs (before the first FROM) are visible to FROM lines only, until a
//! stage re-declares them with `ARG NAME`; ARG and ENV accumulate through a
//! stage, and a stage built `FROM` another inherits both, with their values
//! at the end of that stage (Docker's reference: "build arguments declared
//! in a stage are inherited by child stages").

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

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
    /// name -> value (`None`: declared, value unknown at lint time): the
    /// global scope, or one replayed by hand.
    vars: BTreeMap<String, Option<String>>,
    /// A stage's variables as they stand before one of its instructions.
    stage: Option<(Arc<StageVars>, usize)>,
}

/// What the ARG and ENV instructions of one stage set, in order: a history
/// per name instead of a copy of the scope per instruction, which took
/// memory (or, past a budget, time) quadratic in the number of variables.
#[derive(Debug, Default)]
struct StageVars {
    /// Per name, each value it took, from the index of the first
    /// instruction that sees it.
    history: HashMap<String, Vec<(usize, Option<String>)>>,
    /// The stage it builds on, whose ARG and ENV variables it inherits.
    parent: Option<Arc<StageVars>>,
}

impl StageVars {
    /// `name` as instruction `at` sees it (`usize::MAX`: at the stage's end).
    fn lookup(&self, name: &str, at: usize) -> Option<&Option<String>> {
        if let Some(values) = self.history.get(name) {
            let seen = values.partition_point(|(from, _)| *from <= at);
            if let Some((_, value)) = seen.checked_sub(1).map(|i| &values[i]) {
                return Some(value);
            }
        }
        // Inherited: the value at the end of the nearest stage up the chain
        // that declares it. (A loop: chains of stages can be as long as the
        // file.)
        let mut stage = self.parent.as_deref();
        while let Some(s) = stage {
            if let Some((_, value)) = s.history.get(name).and_then(|v| v.last()) {
                return Some(value);
            }
            stage = s.parent.as_deref();
        }
        None
    }

    /// Every name visible to instruction `at`, sorted.
    fn names(&self, at: usize) -> BTreeSet<&str> {
        let mut names: BTreeSet<&str> = BTreeSet::new();
        let mut stage = Some(self);
        while let Some(s) = stage {
            names.extend(s.history.keys().map(String::as_str).filter(|n| self.lookup(n, at).is_some()));
            stage = s.parent.as_deref();
        }
        names
    }

    fn set(&mut self, name: String, from: usize, value: Option<String>) {
        self.history.entry(name).or_default().push((from, value));
    }

    /// Record what the ARG and ENV instructions among `instructions` set.
    fn replay(&mut self, instructions: &[super::Instruction], global: &Scope) {
        for ins in instructions {
            // Later pairs of the instruction see the earlier ones.
            let from = ins.index + 1;
            let current = |vars: &StageVars, name: &str| vars.lookup(name, from).cloned().flatten();
            match ins.kind {
                InstructionKind::Arg => {
                    for pair in &ins.pairs {
                        let name = pair.key.value();
                        let value = match &pair.value {
                            Some(v) => {
                                let e = v.expand(&|n| current(self, n));
                                e.complete.then_some(e.text)
                            }
                            None => global.value(&name),
                        };
                        self.set(name, from, value);
                    }
                }
                InstructionKind::Env => {
                    for pair in &ins.pairs {
                        let value = pair.value.as_ref().and_then(|v| {
                            if pair.legacy {
                                Some(v.raw.trim().to_string())
                            } else {
                                let e = v.expand(&|n| current(self, n));
                                e.complete.then_some(e.text)
                            }
                        });
                        self.set(pair.key.value(), from, value);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Every instruction's scope, computed in one pass the first time a rule
/// asks ([`Document::scopes`]). Asking per instruction from scratch was
/// quadratic in the length of a stage.
#[derive(Debug, Default)]
pub struct Scopes {
    global: Scope,
    /// Per stage, what its ARG and ENV instructions set.
    stages: Vec<Arc<StageVars>>,
    /// The same for the instructions before the first FROM, when they are
    /// a fragment's implicit stage rather than global ARGs only.
    prelude: Option<Arc<StageVars>>,
}

impl Scopes {
    pub(crate) fn compute(doc: &Document) -> Scopes {
        let global = Scope::compute_global(doc);
        let mut stages: Vec<Arc<StageVars>> = Vec::with_capacity(doc.stages.len());
        for stage in &doc.stages {
            let parent = match stage.base {
                // ARG and ENV are inherited from the parent stage.
                Base::Stage(parent) if parent < stage.index => Some(Arc::clone(&stages[parent])),
                _ => None,
            };
            let mut vars = StageVars { parent, ..StageVars::default() };
            vars.replay(&doc.instructions[stage.from + 1..stage.end], &global);
            stages.push(Arc::new(vars));
        }
        // A fragment's instructions before the first FROM are a stage of
        // their own (see `Document::stage_runs`): its ENVs are seen by the
        // instructions after them.
        let prelude = doc.stage_runs().next().filter(|(stage, _)| stage.is_none()).map(|(_, instructions)| {
            let mut vars = StageVars::default();
            vars.replay(instructions, &global);
            Arc::new(vars)
        });
        Scopes { global, stages, prelude }
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
        let stage = match doc.instructions.get(index).map(|i| i.stage) {
            Some(Some(s)) => scopes.stages.get(s),
            Some(None) => scopes.prelude.as_ref(),
            None => None,
        };
        match stage {
            Some(stage) => Cow::Owned(Scope { vars: BTreeMap::new(), stage: Some((Arc::clone(stage), index)) }),
            None => Cow::Borrowed(&scopes.global),
        }
    }

    /// `name` as declared here: `Some(None)` when its value is unknown.
    fn lookup(&self, name: &str) -> Option<&Option<String>> {
        match &self.stage {
            Some((stage, at)) => stage.lookup(name, *at),
            None => self.vars.get(name),
        }
    }

    /// `word` with the variables of this scope expanded.
    pub fn expand(&self, word: &Word) -> Expanded {
        word.expand(&|n| self.value(n))
    }

    /// The value of `name`, when declared with a known value.
    pub fn value(&self, name: &str) -> Option<String> {
        self.lookup(name).cloned().flatten()
    }

    /// True when `name` is declared (ARG, ENV) or predefined by BuildKit.
    pub fn is_defined(&self, name: &str) -> bool {
        self.lookup(name).is_some() || PREDEFINED_ARGS.contains(&name)
    }

    /// The declared names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        match &self.stage {
            Some((stage, at)) => stage.names(*at).into_iter().collect::<Vec<_>>().into_iter(),
            None => self.vars.keys().map(String::as_str).collect::<Vec<_>>().into_iter(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instruction;

    /// The scope before `index`, replayed from the start of its stage and
    /// through the stages it builds on: the definition the
    /// histories must agree with.
    fn replayed(doc: &Document, index: usize, global: &BTreeMap<String, Option<String>>) -> Vars {
        let Some(stage) = doc.instructions[index].stage else { return global.clone() };
        in_stage(doc, stage, index, global)
    }

    type Vars = BTreeMap<String, Option<String>>;

    fn in_stage(doc: &Document, stage: usize, upto: usize, global: &Vars) -> Vars {
        let st = &doc.stages[stage];
        let mut vars = match st.base {
            Base::Stage(parent) if parent < stage => in_stage(doc, parent, doc.stages[parent].end, global),
            _ => Vars::new(),
        };
        for ins in &doc.instructions[st.from + 1..upto.max(st.from + 1)] {
            apply(&mut vars, ins, global);
        }
        vars
    }

    fn expand(vars: &Vars, word: &Word) -> Expanded {
        word.expand(&|n| vars.get(n).cloned().flatten())
    }

    fn apply(vars: &mut Vars, ins: &Instruction, global: &Vars) {
        for pair in &ins.pairs {
            let name = pair.key.value();
            let value = match (ins.kind, &pair.value) {
                (InstructionKind::Arg, None) => global.get(&name).cloned().flatten(),
                (InstructionKind::Env, Some(v)) if pair.legacy => Some(v.raw.trim().to_string()),
                (InstructionKind::Arg | InstructionKind::Env, Some(v)) => {
                    let e = expand(vars, v);
                    e.complete.then_some(e.text)
                }
                (InstructionKind::Env, None) => None,
                _ => continue,
            };
            vars.insert(name, value);
        }
    }

    fn assert_same(doc: &Document, what: &str) {
        let global = &Scope::global(doc).vars;
        for index in 0..doc.instructions.len() {
            let expected = replayed(doc, index, global);
            let scope = Scope::at(doc, index);
            let got: Vars = scope.names().map(|n| (n.to_string(), scope.lookup(n).cloned().flatten())).collect();
            assert_eq!(got, expected, "{what}: instruction {index}");
            for (name, value) in &expected {
                assert!(scope.is_defined(name));
                assert_eq!(&scope.value(name), value);
            }
        }
    }

    const CASES: &[&str] = &[
        "ARG V=1\nARG B=alpine:$V\nFROM $B AS base\nARG V\nENV A=$V X=y\nRUN true\nARG V=2\nENV B=${A}-$V\n\
         FROM base AS child\nARG Z\nENV C=$A$B\nRUN true\nFROM scratch\nENV A=1\nENV A=2 B=$A\nCOPY . .\n",
        "FROM a\nENV legacy value with spaces\nARG X\nRUN echo\n",
        "ARG ONLY=1\n",
        // ARG overriding an inherited ENV, and ENV set two stages up.
        "FROM a AS one\nENV A=1 B=2\nARG A=3\nFROM one AS two\nARG B=4 C=$A\nFROM two\nRUN echo\nENV D=$A$B$C\n",
        "FROM a\nARG A=1 B=$A A=2 C=$A\nENV A=3 D=$A\nRUN x\n",
        // ARGs are inherited like ENV, with their value at the parent's end.
        "FROM alpine:3.22 AS base\nARG VERSION=1.0\nFROM base AS final\nLABEL v=\"${VERSION}\"\nFROM alpine AS other\nRUN x\n",
    ];

    #[test]
    fn a_child_stage_inherits_args_and_a_sibling_does_not() {
        let text =
            "FROM alpine AS base\nARG VERSION=1.0\nARG LATER\nFROM base AS final\nRUN x\nFROM alpine AS other\nRUN y\n";
        let doc = Document::parse(text);
        let child = Scope::at(&doc, 4);
        assert_eq!(child.value("VERSION").as_deref(), Some("1.0"));
        assert!(child.is_defined("LATER"));
        assert_eq!(child.names().collect::<Vec<_>>(), ["LATER", "VERSION"]);
        let sibling = Scope::at(&doc, 6);
        assert!(!sibling.is_defined("VERSION"));
    }

    #[test]
    fn scopes_equal_a_replay() {
        for case in CASES {
            assert_same(&Document::parse(case), case);
        }
    }

    /// The same on every file of the shared corpus.
    #[test]
    fn scopes_equal_a_replay_on_the_corpus() {
        let Some(corpus) = crate::test_env::shared_corpus("scopes_equal_a_replay_on_the_corpus") else { return };
        let dir = corpus.join("files");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("the shared corpus at {}: {e}", dir.display()));
        let mut files = 0;
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            assert_same(&Document::parse(&text), &entry.path().display().to_string());
            files += 1;
        }
        assert!(files > 1000, "{files} corpus files read");
    }
}
