//! Which names refer to what: build stage names and ARG/ENV variables,
//! resolved with BuildKit's scoping. Front-ends use it for navigation (go to
//! definition, references, highlights) and rename.
//!
//! Scoping follows BuildKit:
//! - a global ARG (before the first FROM) is visible in FROM lines, and inside
//!   a stage only after an `ARG NAME` that re-declares it;
//! - ARG and ENV declared in a stage are visible to the instructions after
//!   them; both are inherited by a stage built `FROM` that stage;
//! - a later declaration of the same name shadows the earlier one, and ENV
//!   wins over an ARG of the same name;
//! - the values of one ENV instruction see the variables from before it.
//!
//! Uses are `$X`, `${X}` and `${X:-…}` in instruction arguments, flags and
//! values, and the shell's expansions in RUN scripts (the shell sees ARG and
//! ENV as environment variables), except after the script assigns the
//! variable itself.
//!
//! A *symbol* groups the declarations that one rename must change together:
//! a stage ARG that re-declares a global ARG, and a declaration that shadows
//! a visible one, join the symbol of what they re-declare.

use std::collections::HashMap;

use super::{Base, Document, InstructionKind, PREDEFINED_ARGS, ShellScript, Word, for_each_node};
use crate::diagnostic::{Edit, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Stage,
    Variable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub kind: SymbolKind,
    /// The name as first declared (stage names as written, not lower-cased).
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OccurrenceKind {
    /// `FROM … AS name`, `ARG NAME`, `ENV NAME=…`.
    Declaration,
    /// A use of the name.
    Reference,
    /// A stage used by its number (`COPY --from=0`): not renamed.
    Index,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The name itself (no `$`, braces or quotes).
    pub range: TextRange,
    /// Index into [`Symbols::symbols`].
    pub symbol: usize,
    pub kind: OccurrenceKind,
    /// The declaration this occurrence resolves to: for a use, the visible
    /// declaration; for an `ARG NAME` that re-declares a global ARG, that
    /// global ARG; for other declarations, themselves.
    pub definition: TextRange,
    /// Inside a RUN script.
    pub in_script: bool,
}

/// Every stage name and variable occurrence of a document.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    pub symbols: Vec<Symbol>,
    /// In document order.
    pub occurrences: Vec<Occurrence>,
}

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Symbols {
    pub fn build(doc: &Document) -> Symbols {
        let mut b = Builder::default();
        b.stages(doc);
        b.variables(doc);
        b.finish()
    }

    /// The occurrence under `offset` (a cursor at the end of a name counts).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let i = self.occurrences.partition_point(|o| o.range.start <= offset);
        let o = self.occurrences.get(i.checked_sub(1)?)?;
        (offset <= o.range.end).then_some(o)
    }

    /// Every occurrence of a symbol, in document order.
    pub fn occurrences_of(&self, symbol: usize) -> impl Iterator<Item = &Occurrence> + '_ {
        self.occurrences.iter().filter(move |o| o.symbol == symbol)
    }

    /// The edits that rename the symbol under `offset` to `new_name`.
    pub fn rename(&self, doc: &Document, offset: usize, new_name: &str) -> Result<Vec<Edit>, RenameError> {
        let at = self.renameable_at(offset)?;
        let symbol = &self.symbols[at.symbol];
        match symbol.kind {
            SymbolKind::Stage => {
                if !is_stage_name(new_name) {
                    return Err(RenameError(format!(
                        "`{new_name}` is not a valid stage name: use lower-case letters, digits, `-`, `_` and `.`, starting with a letter"
                    )));
                }
                let own = self.occurrences_of(at.symbol).find(|o| o.kind == OccurrenceKind::Declaration);
                let taken = doc.stages.iter().any(|s| {
                    s.name.as_deref() == Some(new_name)
                        && s.name_range.map(|r| unquoted(doc, r)) != own.map(|o| o.range)
                });
                if taken {
                    return Err(RenameError(format!("a stage named `{new_name}` already exists")));
                }
                let used_as_image = doc.instructions.iter().filter(|i| i.kind == InstructionKind::From).any(|i| {
                    i.image().is_some_and(|img| img.word.value().eq_ignore_ascii_case(new_name))
                        && !self.occurrences.iter().any(|o| o.symbol == at.symbol && i.range.contains(o.range.start))
                });
                if used_as_image || new_name == "scratch" {
                    return Err(RenameError(format!(
                        "`{new_name}` is used as an image name; the rename would change what that FROM builds on"
                    )));
                }
            }
            SymbolKind::Variable => {
                if !is_variable_name(new_name) {
                    return Err(RenameError(format!(
                        "`{new_name}` is not a valid variable name: use letters, digits and `_`, not starting with a digit"
                    )));
                }
                if new_name != symbol.name
                    && self.symbols.iter().any(|s| s.kind == SymbolKind::Variable && s.name == new_name)
                {
                    return Err(RenameError(format!("a variable named `{new_name}` is already declared")));
                }
                if PREDEFINED_ARGS.contains(&new_name) {
                    return Err(RenameError(format!("`{new_name}` is a build argument BuildKit sets itself")));
                }
            }
        }
        Ok(self
            .occurrences_of(at.symbol)
            .filter(|o| o.kind != OccurrenceKind::Index)
            .map(|o| Edit::replace(o.range, new_name))
            .collect())
    }

    /// The occurrence under `offset`, if a rename can start there.
    pub fn renameable_at(&self, offset: usize) -> Result<&Occurrence, RenameError> {
        let at = self.at(offset).ok_or_else(|| RenameError("no stage name or variable here".to_string()))?;
        if at.kind == OccurrenceKind::Index {
            return Err(RenameError("this refers to a stage by number; rename the stage at its `AS` name".to_string()));
        }
        Ok(at)
    }
}

/// BuildKit's stage names: `[a-z][a-z0-9-_.]*`.
pub fn is_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Variable names: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A word's range without surrounding quotes.
fn unquoted(doc: &Document, range: TextRange) -> TextRange {
    let text = &doc.text()[range.as_range()];
    let quoted = text.len() >= 2
        && (text.starts_with('"') && text.ends_with('"') || text.starts_with('\'') && text.ends_with('\''));
    if quoted { TextRange::new(range.start + 1, range.end - 1) } else { range }
}

/// A variable declaration site; bindings are joined into symbols.
struct Binding {
    name: String,
    range: TextRange,
}

struct Pending {
    range: TextRange,
    kind: OccurrenceKind,
    in_script: bool,
    target: Target,
}

enum Target {
    Stage(usize),
    /// The binding the occurrence resolves to, and the binding it belongs to
    /// (they differ only for a declaration that re-declares a global ARG).
    Binding {
        resolves_to: usize,
        member_of: usize,
    },
}

/// Visible variables: name -> (binding, declared by ENV).
type Scope = HashMap<String, (usize, bool)>;

/// For a stage ARG: the global ARGs, and whether the ARG has a value.
type Redeclares<'a> = Option<(&'a Scope, bool)>;

#[derive(Default)]
struct Builder {
    bindings: Vec<Binding>,
    /// Union-find parents over `bindings`.
    parent: Vec<usize>,
    pending: Vec<Pending>,
    /// Per stage: its declaration range (unquoted `AS` name).
    stage_decl: Vec<Option<TextRange>>,
    stage_names: Vec<Option<String>>,
}

impl Builder {
    fn find(&mut self, mut b: usize) -> usize {
        while self.parent[b] != b {
            self.parent[b] = self.parent[self.parent[b]];
            b = self.parent[b];
        }
        b
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The earlier declaration stays the root (it names the symbol).
            let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[high] = low;
        }
    }

    fn bind(&mut self, name: String, range: TextRange) -> usize {
        self.bindings.push(Binding { name, range });
        self.parent.push(self.bindings.len() - 1);
        self.bindings.len() - 1
    }

    // ------------------------------------------------------------- stages

    fn stages(&mut self, doc: &Document) {
        for stage in &doc.stages {
            let decl = stage.name_range.map(|r| unquoted(doc, r));
            self.stage_decl.push(decl);
            self.stage_names.push(decl.map(|r| doc.text()[r.as_range()].to_string()));
            if let Some(range) = decl {
                self.pending.push(Pending {
                    range,
                    kind: OccurrenceKind::Declaration,
                    in_script: false,
                    target: Target::Stage(stage.index),
                });
            }
        }
        for stage in &doc.stages {
            let from = &doc.instructions[stage.from];
            if let (Base::Stage(parent), Some(image)) = (&stage.base, from.image())
                && !image.word.has_expansion()
            {
                self.stage_ref(doc, &image.word, Some(*parent));
            }
        }
        for ins in &doc.instructions {
            for flag in &ins.flags {
                if ins.kind == InstructionKind::Copy && flag.name.eq_ignore_ascii_case("from") {
                    if let Some(value) = &flag.value {
                        self.stage_ref(doc, value, None);
                    }
                } else if ins.kind == InstructionKind::Run && flag.name.eq_ignore_ascii_case("mount") {
                    for option in flag.mount.iter().filter(|o| o.key.eq_ignore_ascii_case("from")) {
                        if let Some(value) = &option.value {
                            self.stage_ref(doc, value, None);
                        }
                    }
                }
            }
        }
    }

    /// A word naming a stage (`--from=build`, `FROM build`); `known` when
    /// the model already resolved it.
    fn stage_ref(&mut self, doc: &Document, word: &Word, known: Option<usize>) {
        if word.has_expansion() {
            return;
        }
        let value = word.value();
        let range = unquoted(doc, word.range);
        let lower = value.to_ascii_lowercase();
        let by_name = known.or_else(|| doc.stages.iter().position(|s| s.name.as_deref() == Some(lower.as_str())));
        let (stage, kind) = match by_name {
            Some(s) => (s, OccurrenceKind::Reference),
            None => match value.parse::<usize>() {
                Ok(i) if i < doc.stages.len() => (i, OccurrenceKind::Index),
                _ => return,
            },
        };
        if kind == OccurrenceKind::Reference && self.stage_decl[stage].is_none() {
            return;
        }
        self.pending.push(Pending { range, kind, in_script: false, target: Target::Stage(stage) });
    }

    // ---------------------------------------------------------- variables

    fn variables(&mut self, doc: &Document) {
        let mut globals: Scope = HashMap::new();
        for ins in doc.instructions.iter().take_while(|i| i.stage.is_none()) {
            if ins.kind == InstructionKind::Arg {
                for pair in &ins.pairs {
                    if let Some(value) = &pair.value {
                        self.words(std::slice::from_ref(value), &globals);
                    }
                    self.declare(pair.key.value(), pair.key.range, false, &mut globals, None);
                }
            }
        }
        let mut finals: Vec<Scope> = Vec::new();
        for stage in &doc.stages {
            let from = &doc.instructions[stage.from];
            let mut words: Vec<&Word> = from.image().into_iter().map(|i| &i.word).collect();
            words.extend(from.flags.iter().filter_map(|f| f.value.as_ref()));
            self.words(words, &globals);
            let mut scope: Scope = match stage.base {
                Base::Stage(parent) if parent < finals.len() => finals[parent].clone(),
                _ => HashMap::new(),
            };
            for ins in &doc.instructions[stage.from + 1..stage.end] {
                match ins.kind {
                    InstructionKind::Arg => {
                        // Each pair sees the ones before it.
                        for pair in &ins.pairs {
                            if let Some(value) = &pair.value {
                                self.words(std::slice::from_ref(value), &scope);
                            }
                            let redeclares = Some((&globals, pair.value.is_some()));
                            self.declare(pair.key.value(), pair.key.range, false, &mut scope, redeclares);
                        }
                        continue;
                    }
                    InstructionKind::Env => {
                        // Every value sees the variables from before the instruction.
                        self.words(ins.pairs.iter().filter_map(|p| p.value.as_ref()), &scope);
                        for pair in &ins.pairs {
                            self.declare(pair.key.value(), pair.key.range, true, &mut scope, None);
                        }
                        continue;
                    }
                    InstructionKind::Onbuild => continue,
                    _ => {}
                }
                let mut words: Vec<&Word> = Vec::new();
                for flag in &ins.flags {
                    if flag.mount.is_empty() {
                        words.extend(flag.value.as_ref());
                    } else {
                        words.extend(flag.mount.iter().filter_map(|o| o.value.as_ref()));
                    }
                }
                if ins.json.is_none() {
                    words.extend(ins.args.iter());
                }
                words.extend(ins.pairs.iter().flat_map(|p| std::iter::once(&p.key).chain(p.value.as_ref())));
                self.words(words, &scope);
                if let Some(script) = ins.script() {
                    self.script(script, &scope);
                }
            }
            finals.push(scope);
        }
    }

    /// Declare `name`; `redeclares` holds the globals when this is a stage
    /// ARG (which joins a global ARG of the same name).
    fn declare(&mut self, name: String, range: TextRange, env: bool, scope: &mut Scope, redeclares: Redeclares<'_>) {
        if name.is_empty() || !is_variable_name(&name) {
            return;
        }
        let b = self.bind(name.clone(), range);
        let mut resolves_to = b;
        if let Some((globals, has_value)) = redeclares
            && let Some(&(global, _)) = globals.get(&name)
        {
            self.union(b, global);
            // `ARG NAME` without a value takes the global's: it leads there.
            if !has_value {
                resolves_to = global;
            }
        }
        let previous = scope.get(&name).copied();
        if let Some((visible, _)) = previous {
            self.union(b, visible);
        }
        // ENV wins over a later ARG of the same name.
        if !matches!(previous, Some((_, true))) || env {
            scope.insert(name, (b, env));
        }
        self.pending.push(Pending {
            range,
            kind: OccurrenceKind::Declaration,
            in_script: false,
            target: Target::Binding { resolves_to, member_of: b },
        });
    }

    fn words<'w>(&mut self, words: impl IntoIterator<Item = &'w Word>, scope: &Scope) {
        for word in words {
            for e in word.expansions() {
                if let Some(&(b, _)) = scope.get(&e.name) {
                    self.pending.push(Pending {
                        range: e.name_range,
                        kind: OccurrenceKind::Reference,
                        in_script: false,
                        target: Target::Binding { resolves_to: b, member_of: b },
                    });
                }
            }
        }
    }

    fn script(&mut self, script: &ShellScript, scope: &Scope) {
        // Where the script first assigns each name itself.
        let mut assigned: HashMap<&str, usize> = HashMap::new();
        let mut uses: Vec<(usize, usize)> = Vec::new();
        // Assignments that prefix a command (`X=1 cmd`) only set X for it.
        let mut prefixes: std::collections::HashSet<usize> = std::collections::HashSet::new();
        // No `node.parent()`: it walks down from the root, and `a && b && …`
        // nests one level per command.
        for_each_node(script.tree.root_node(), |node| {
            let mut cursor = node.walk();
            let mut assign = |name: Option<tree_sitter::Node<'_>>| {
                if let Some(name) = name.filter(|n| n.kind() == "variable_name") {
                    let first = assigned.entry(&script.text[name.byte_range()]).or_insert(name.start_byte());
                    *first = (*first).min(name.start_byte());
                }
            };
            match node.kind() {
                "simple_expansion" | "expansion" => {
                    for child in node.children(&mut cursor).filter(|c| c.kind() == "variable_name") {
                        uses.push((child.start_byte(), child.end_byte()));
                    }
                }
                "command" => {
                    prefixes.extend(
                        node.children(&mut cursor)
                            .filter(|c| c.kind() == "variable_assignment")
                            .map(|c| c.start_byte()),
                    );
                }
                "variable_assignment" if !prefixes.contains(&node.start_byte()) => {
                    assign(node.child_by_field_name("name"));
                }
                "for_statement" => assign(node.child_by_field_name("variable")),
                _ => {}
            }
        });
        for (start, end) in uses {
            let name = &script.text[start..end];
            if assigned.get(name).is_some_and(|&at| at < start) {
                continue;
            }
            if let Some(&(b, _)) = scope.get(name) {
                self.pending.push(Pending {
                    range: script.source_range(start, end),
                    kind: OccurrenceKind::Reference,
                    in_script: true,
                    target: Target::Binding { resolves_to: b, member_of: b },
                });
            }
        }
    }

    fn finish(mut self) -> Symbols {
        let mut symbols = Vec::new();
        let mut stage_symbol: HashMap<usize, usize> = HashMap::new();
        let mut binding_symbol: HashMap<usize, usize> = HashMap::new();
        let mut occurrences = Vec::with_capacity(self.pending.len());
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            let (symbol, definition) = match p.target {
                Target::Stage(s) => {
                    let Some(decl) = self.stage_decl[s] else { continue };
                    let name = self.stage_names[s].clone().unwrap_or_default();
                    let id = *stage_symbol.entry(s).or_insert_with(|| {
                        symbols.push(Symbol { kind: SymbolKind::Stage, name });
                        symbols.len() - 1
                    });
                    (id, decl)
                }
                Target::Binding { resolves_to, member_of } => {
                    let root = self.find(member_of);
                    let name = self.bindings[root].name.clone();
                    let id = *binding_symbol.entry(root).or_insert_with(|| {
                        symbols.push(Symbol { kind: SymbolKind::Variable, name });
                        symbols.len() - 1
                    });
                    (id, self.bindings[resolves_to].range)
                }
            };
            occurrences.push(Occurrence { range: p.range, symbol, kind: p.kind, definition, in_script: p.in_script });
        }
        occurrences.sort_by_key(|o| (o.range.start, o.range.end));
        occurrences.dedup_by_key(|o| o.range);
        Symbols { symbols, occurrences }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every occurrence of the symbol under the first `needle`
    /// (at `delta` bytes into it), as `(offset, kind)` pairs.
    fn occurrences(text: &str, needle: &str, delta: usize) -> Vec<(usize, OccurrenceKind)> {
        let doc = Document::parse(text);
        let symbols = Symbols::build(&doc);
        let at = text.find(needle).unwrap() + delta;
        let o = symbols.at(at).unwrap_or_else(|| panic!("no symbol at {needle}"));
        symbols.occurrences_of(o.symbol).map(|o| (o.range.start, o.kind)).collect()
    }

    fn offsets(text: &str, pattern: &[(&str, usize)]) -> Vec<usize> {
        // The `n`th match of each needle.
        pattern.iter().map(|(needle, n)| text.match_indices(needle).nth(*n).unwrap().0).collect()
    }

    fn definition(text: &str, needle: &str, delta: usize) -> usize {
        let doc = Document::parse(text);
        let symbols = Symbols::build(&doc);
        symbols.at(text.find(needle).unwrap() + delta).unwrap().definition.start
    }

    use OccurrenceKind::{Declaration as D, Index as I, Reference as R};

    #[test]
    fn stage_names_are_declared_by_as_and_used_by_from_copy_and_mounts() {
        let text = "FROM alpine AS Build\nRUN true\nFROM build\nCOPY --from=build /a /b\nCOPY --from=0 /a /c\nRUN --mount=type=cache,from=build,target=/x true\nCOPY --from=other /a /d\n";
        let got = occurrences(text, "build\nCOPY", 0);
        let want = offsets(text, &[("Build", 0), ("build\n", 0), ("build /a", 0), ("0 /a", 0), ("build,", 0)]);
        assert_eq!(got, want.into_iter().zip([D, R, R, I, R]).collect::<Vec<_>>());
        assert_eq!(definition(text, "from=build", 5), text.find("Build").unwrap());
    }

    #[test]
    fn global_args_are_visible_in_from_and_after_a_redeclaration_only() {
        let text = "ARG V=1\nFROM alpine:${V}\nRUN echo $V\nARG V\nRUN echo $V \"${V:-x}\"\n";
        let got = occurrences(text, "V=1", 0);
        // Not the `$V` before the stage's `ARG V`.
        let want = offsets(text, &[("V=1", 0), ("V}", 0), ("V\nRUN", 0), ("V \"", 0), ("V:-", 0)]);
        assert_eq!(got, want.into_iter().zip([D, R, D, R, R]).collect::<Vec<_>>());
        // The uses lead to the stage ARG, which leads to the global one.
        assert_eq!(definition(text, "$V \"", 1), text.find("V\nRUN").unwrap());
        assert_eq!(definition(text, "V\nRUN", 0), 4);
        let doc = Document::parse(text);
        let first_use = text.find("$V\n").unwrap() + 1;
        assert!(Symbols::build(&doc).at(first_use).is_none());
    }

    #[test]
    fn args_are_inherited_through_from_too() {
        let text = "FROM alpine AS base\nARG V=1\nFROM base AS final\nLABEL v=$V\nFROM alpine\nLABEL v=$V\n";
        assert_eq!(definition(text, "$V", 1), text.find("V=1").unwrap());
        let doc = Document::parse(text);
        assert!(Symbols::build(&doc).at(text.rfind("$V").unwrap() + 1).is_none());
    }

    #[test]
    fn env_is_inherited_through_from_and_later_declarations_shadow() {
        let text = "FROM alpine AS base\nENV P=/a\nFROM base\nWORKDIR $P\nENV P=$P/b Q=$P\nRUN cd \"$P\"\nFROM alpine\nRUN echo $P\n";
        let doc = Document::parse(text);
        let symbols = Symbols::build(&doc);
        let first = text.find("P=/a").unwrap();
        let workdir = text.find("$P\nENV").unwrap() + 1;
        let shadow = text.find("P=$P/b").unwrap();
        let in_value = shadow + 3;
        let q_value = text.find("Q=$P").unwrap() + 3;
        let run = text.find("$P\"").unwrap() + 1;
        assert_eq!(symbols.at(workdir).unwrap().definition.start, first);
        // ENV values see the variables from before the instruction.
        assert_eq!(symbols.at(in_value).unwrap().definition.start, first);
        assert_eq!(symbols.at(q_value).unwrap().definition.start, first);
        assert_eq!(symbols.at(run).unwrap().definition.start, shadow);
        // One symbol for the rename; the unrelated stage's `$P` is not in it.
        let id = symbols.at(first).unwrap().symbol;
        let all: Vec<usize> = symbols.occurrences_of(id).map(|o| o.range.start).collect();
        assert_eq!(all, [first, workdir, shadow, in_value, q_value, run]);
        assert!(symbols.at(text.rfind("$P").unwrap() + 1).is_none());
    }

    #[test]
    fn run_scripts_use_variables_until_they_assign_them() {
        let text = "FROM alpine\nARG N=1\nRUN echo ${N} \\\n  && X=$N && N=2 && echo $N\nRUN N=3 true; for N in a; do :; done\n";
        let got = occurrences(text, "N=1", 0);
        let want = offsets(text, &[("N=1", 0), ("N}", 0), ("$N &&", 0)]);
        let want: Vec<usize> = want.iter().enumerate().map(|(i, o)| if i == 2 { o + 1 } else { *o }).collect();
        assert_eq!(got, want.into_iter().zip([D, R, R]).collect::<Vec<_>>());
        let doc = Document::parse(text);
        assert!(Symbols::build(&doc).occurrences.iter().all(|o| o.in_script == (o.kind == R)));
    }

    #[test]
    fn env_wins_over_a_later_arg_and_command_prefixes_are_not_assignments() {
        let text = "FROM alpine\nENV X=1\nARG X\nRUN X=2 env; echo $X\nONBUILD RUN echo $X\n";
        assert_eq!(definition(text, "$X", 1), text.find("X=1").unwrap());
        let got = occurrences(text, "X=1", 0);
        let want = offsets(text, &[("X=1", 0), ("X\nRUN", 0), ("$X", 0)]);
        let want: Vec<usize> = want.iter().enumerate().map(|(i, o)| if i == 2 { o + 1 } else { *o }).collect();
        // ONBUILD runs in another build: not a use here.
        assert_eq!(got, want.into_iter().zip([D, D, R]).collect::<Vec<_>>());
    }

    #[test]
    fn renames_check_names_and_edit_every_occurrence() {
        let text = "ARG V=1\nFROM alpine AS build\nARG V\nRUN echo $V\nFROM alpine AS other\nCOPY --from=build /a /b\nFROM debian\n";
        let doc = Document::parse(text);
        let symbols = Symbols::build(&doc);
        let apply = |edits: Vec<Edit>| {
            let mut out = text.to_string();
            for e in edits.iter().rev() {
                out.replace_range(e.range.as_range(), &e.new_text);
            }
            out
        };
        let edits = symbols.rename(&doc, text.find("$V").unwrap() + 1, "VERSION").unwrap();
        assert_eq!(
            apply(edits),
            "ARG VERSION=1\nFROM alpine AS build\nARG VERSION\nRUN echo $VERSION\nFROM alpine AS other\nCOPY --from=build /a /b\nFROM debian\n"
        );
        let at = text.find("build /a").unwrap();
        assert_eq!(
            apply(symbols.rename(&doc, at, "builder").unwrap()),
            text.replace("AS build", "AS builder").replace("=build", "=builder")
        );
        for bad in ["Builder", "1x", "", "a b", "other", "debian", "scratch"] {
            assert!(symbols.rename(&doc, at, bad).is_err(), "{bad}");
        }
        for bad in ["1V", "A-B", "", "V W", "TARGETARCH"] {
            assert!(symbols.rename(&doc, 4, bad).is_err(), "{bad}");
        }
        assert!(symbols.rename(&doc, text.find("alpine").unwrap(), "x").is_err());
    }
}
