//! ## What it does
//! Checks for `$VAR` in instructions Docker expands itself (`ENV`, `ARG`,
//! `LABEL`, `COPY`, `ADD`, `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`,
//! `STOPSIGNAL`) when no `ARG` or `ENV` before it in the stage declares the
//! variable, the base image does not define it and BuildKit does not
//! predefine it (`TARGETPLATFORM`, `HTTP_PROXY`, …).
//!
//! ## Why is this bad?
//! An undefined variable expands to an empty string without any error, so
//! `COPY app-$VERSION.jar /app.jar` looks for `app-.jar`. The usual causes
//! are a misspelled name, and a global `ARG` (declared before the first
//! `FROM`) that the stage never re-declares: global arguments are visible
//! to `FROM` lines only, until a stage says `ARG NAME` again.
//!
//! ## Example
//! ```dockerfile
//! ARG VERSION=1.4.2
//! FROM alpine:3.20
//! COPY app-${VERSION}.tar.gz /tmp/
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! ARG VERSION=1.4.2
//! FROM alpine:3.20
//! ARG VERSION
//! COPY app-${VERSION}.tar.gz /tmp/
//! ```
//!
//! ## How the base image is taken into account
//! BuildKit knows the real environment of the base image; an offline linter
//! does not. dockside has a table of the variables well-known images define
//! (`PATH` everywhere; `PYTHON_VERSION` in `python`, `NODE_VERSION` in
//! `node`, `GOPATH` in `golang`, `JAVA_HOME` in the Java images, …), plus
//! `HOME`, `HOSTNAME` and the like, which are treated as always defined.
//! - On `scratch` and on official images in the table, every other
//!   undefined variable is reported.
//! - On any other image (or one named through an unknown variable), a
//!   variable is reported only when the Dockerfile declares it somewhere
//!   else (a global `ARG`, another stage, or later in this stage), or when
//!   it is a near-miss of a visible variable's name. Anything else may come
//!   from the image, and is left alone.
//!
//! Like BuildKit, variables with a default or alternative
//! (`${VAR:-default}`, `${VAR:+x}`) are not reported. Unlike BuildKit, an
//! `ENV` that extends its own variable (`ENV PYTHONPATH=$PYTHONPATH:/app`)
//! is not reported, and a variable set earlier in the same `ENV` is left to
//! `env-same-instruction-reference`.

use std::collections::BTreeSet;

use crate::model::{Base, Document, DocumentFact, Expansion, Instruction, InstructionKind, Part, Scope, Word};
use crate::rule::{Context, declare_rule};

use super::support::{did_you_mean, is_plain_expansion, stage_and_ancestors};

declare_rule! {
    /// A variable is used where no `ARG` or `ENV` declares it
    name: "undefined-var", aliases: ["UndefinedVar"], category: Correctness, severity: Warning,
    kinds: [Env, Arg, Label, Copy, Add, Workdir, User, Expose, Volume, Stopsignal],
    check_instruction: check,
}

/// Variables treated as defined everywhere: set by Docker or by nearly
/// every image, or by the shell environment they describe.
const ALWAYS_DEFINED: &[&str] = &["PATH", "HOME", "HOSTNAME", "USER", "TERM", "LANG", "LC_ALL", "SHELL", "PWD"];

/// Environment variables official Docker Hub images set, by image name.
const IMAGE_ENV: &[(&[&str], &[&str])] = &[
    (
        &[
            "alpine",
            "busybox",
            "debian",
            "ubuntu",
            "centos",
            "rockylinux",
            "almalinux",
            "oraclelinux",
            "amazonlinux",
            "archlinux",
            "buildpack-deps",
            "photon",
            "clearlinux",
            "opensuse",
            "mageia",
            "alt",
        ],
        &[],
    ),
    (&["fedora"], &["DISTTAG", "FGC", "FBR"]),
    (
        &["python", "pypy"],
        &[
            "GPG_KEY",
            "PYTHON_VERSION",
            "PYTHON_SHA256",
            "PYTHON_PIP_VERSION",
            "PYTHON_SETUPTOOLS_VERSION",
            "PYTHON_GET_PIP_URL",
            "PYTHON_GET_PIP_SHA256",
            "PYPY_VERSION",
        ],
    ),
    (&["node"], &["NODE_VERSION", "YARN_VERSION"]),
    (&["golang"], &["GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN"]),
    (&["rust"], &["RUSTUP_HOME", "CARGO_HOME", "RUST_VERSION"]),
    (
        &["ruby"],
        &[
            "RUBY_MAJOR",
            "RUBY_VERSION",
            "RUBY_DOWNLOAD_URL",
            "RUBY_DOWNLOAD_SHA256",
            "GEM_HOME",
            "BUNDLE_SILENCE_ROOT_WARNING",
            "BUNDLE_APP_CONFIG",
            "LANGUAGE",
        ],
    ),
    (
        &["php", "composer", "wordpress", "drupal", "joomla", "matomo", "nextcloud"],
        &[
            "PHP_VERSION",
            "PHP_INI_DIR",
            "PHPIZE_DEPS",
            "PHP_CFLAGS",
            "PHP_CPPFLAGS",
            "PHP_LDFLAGS",
            "PHP_URL",
            "PHP_ASC_URL",
            "PHP_SHA256",
            "PHP_EXTRA_CONFIGURE_ARGS",
            "PHP_EXTRA_BUILD_DEPS",
            "GPG_KEYS",
            "APACHE_CONFDIR",
            "APACHE_ENVVARS",
            "COMPOSER_ALLOW_SUPERUSER",
            "COMPOSER_HOME",
            "COMPOSER_VERSION",
        ],
    ),
    (
        &[
            "openjdk",
            "eclipse-temurin",
            "amazoncorretto",
            "ibmjava",
            "ibm-semeru-runtimes",
            "sapmachine",
            "maven",
            "gradle",
            "tomcat",
            "jetty",
            "groovy",
            "clojure",
            "sbt",
        ],
        &[
            "JAVA_HOME",
            "JAVA_VERSION",
            "JAVA_URL",
            "JAVA_SHA256",
            "JDK_VERSION",
            "LANGUAGE",
            "MAVEN_HOME",
            "MAVEN_CONFIG",
            "MAVEN_VERSION",
            "GRADLE_HOME",
            "GRADLE_VERSION",
            "CATALINA_HOME",
            "TOMCAT_NATIVE_LIBDIR",
            "LD_LIBRARY_PATH",
            "GPG_KEYS",
            "TOMCAT_MAJOR",
            "TOMCAT_VERSION",
            "TOMCAT_SHA512",
            "JETTY_VERSION",
            "JETTY_HOME",
            "JETTY_BASE",
            "TMPDIR",
            "GROOVY_HOME",
            "GROOVY_VERSION",
            "LEIN_VERSION",
            "LEIN_INSTALL",
            "LEIN_ROOT",
            "CLOJURE_VERSION",
        ],
    ),
    (&["nginx"], &["NGINX_VERSION", "NJS_VERSION", "NJS_RELEASE", "PKG_RELEASE", "DYNPKG_RELEASE", "ACME_VERSION"]),
    (&["httpd"], &["HTTPD_PREFIX", "HTTPD_VERSION", "HTTPD_SHA256", "HTTPD_PATCHES"]),
    (&["postgres"], &["PG_MAJOR", "PG_VERSION", "PG_SHA256", "PGDATA", "GOSU_VERSION", "DOCKER_PG_LLVM_DEPS"]),
    (&["mysql"], &["MYSQL_MAJOR", "MYSQL_VERSION", "MYSQL_SHELL_VERSION", "GOSU_VERSION"]),
    (&["mariadb"], &["MARIADB_VERSION", "MARIADB_MAJOR", "GOSU_VERSION", "LANGUAGE"]),
    (&["redis"], &["REDIS_VERSION", "REDIS_DOWNLOAD_URL", "REDIS_DOWNLOAD_SHA", "GOSU_VERSION"]),
    (
        &["mongo"],
        &[
            "MONGO_MAJOR",
            "MONGO_VERSION",
            "MONGO_PACKAGE",
            "MONGO_REPO",
            "GOSU_VERSION",
            "JSYAML_VERSION",
            "JSYAML_CHECKSUM",
        ],
    ),
    (&["erlang", "elixir"], &["OTP_VERSION", "REBAR3_VERSION", "ELIXIR_VERSION", "LANGUAGE"]),
    (&["gcc"], &["GCC_VERSION", "GCC_MIRRORS", "GPG_KEYS"]),
    (&["caddy"], &["CADDY_VERSION", "XDG_CONFIG_HOME", "XDG_DATA_HOME"]),
    (&["julia"], &["JULIA_PATH", "JULIA_VERSION", "JULIA_GPG"]),
    (&["r-base"], &["R_BASE_VERSION"]),
    (&["haproxy"], &["HAPROXY_VERSION", "HAPROXY_URL", "HAPROXY_SHA256"]),
    (&["perl"], &["PERL_VERSION"]),
    (&["swift"], &["SWIFT_SIGNING_KEY", "SWIFT_PLATFORM", "SWIFT_BRANCH", "SWIFT_VERSION", "SWIFT_WEBROOT"]),
];

/// What the root image of a stage is known to define.
enum BaseEnv {
    /// The whole environment is known (scratch, an image in the table).
    Known(&'static [&'static str]),
    /// Anything might be defined.
    Unknown,
}

fn base_env(doc: &Document, stage: usize) -> BaseEnv {
    let root = stage_and_ancestors(doc, stage).last().unwrap_or(stage);
    // An image chosen through a variable could be any image.
    let from = &doc.instructions[doc.stages[root].from];
    if from.image().is_some_and(|i| i.word.has_expansion()) {
        return BaseEnv::Unknown;
    }
    match &doc.stages[root].base {
        Base::Scratch => BaseEnv::Known(&[]),
        Base::Image { reference, resolved: true, .. } if reference.is_docker_hub() => {
            let path = reference.path.strip_prefix("library/").unwrap_or(&reference.path);
            IMAGE_ENV
                .iter()
                .find(|(names, _)| names.contains(&path))
                .map_or(BaseEnv::Unknown, |(_, vars)| BaseEnv::Known(vars))
        }
        _ => BaseEnv::Unknown,
    }
}

/// Expansions Docker evaluates unconditionally: `$NAME` and `${NAME}`, not
/// nested in another expansion's default.
fn plain_expansions<'a>(word: &'a Word, text: &str) -> Vec<&'a Expansion> {
    fn walk<'a>(parts: &'a [Part], text: &str, out: &mut Vec<&'a Expansion>) {
        for p in parts {
            match p {
                Part::Expansion(e) if is_plain_expansion(e, text) => out.push(e),
                Part::Quoted { parts, .. } => walk(parts, text, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&word.parts, text, &mut out);
    out
}

/// Every name an `ARG` or `ENV` anywhere in the file declares: asked for
/// each undefined name, so gathered once per document.
struct DeclaredAnywhere(BTreeSet<String>);

impl DocumentFact for DeclaredAnywhere {
    fn compute(doc: &Document) -> DeclaredAnywhere {
        DeclaredAnywhere(
            doc.instructions
                .iter()
                .filter(|i| matches!(i.kind, InstructionKind::Arg | InstructionKind::Env))
                .flat_map(|i| i.pairs.iter().map(|p| p.key.value()))
                .collect(),
        )
    }
}

fn check(ins: &Instruction, ctx: &mut Context<'_>) {
    let doc = ctx.doc;
    let Some(stage) = ins.stage else { return };
    // (word, ENV/ARG key it sets, index of its pair)
    let mut words: Vec<(&Word, Option<String>, usize)> = Vec::new();
    for (i, pair) in ins.pairs.iter().enumerate() {
        if ins.kind == InstructionKind::Label {
            words.push((&pair.key, None, i));
        }
        if let Some(v) = &pair.value {
            words.push((v, Some(pair.key.value()), i));
        }
    }
    if ins.json.is_none() {
        words.extend(ins.args.iter().map(|w| (w, None, 0)));
    }
    for flag in &ins.flags {
        if ["from", "chown", "chmod"].iter().any(|n| flag.name.eq_ignore_ascii_case(n))
            && let Some(v) = &flag.value
        {
            words.push((v, None, 0));
        }
    }
    if words.iter().all(|(w, _, _)| !w.has_expansion()) {
        return;
    }
    let scope = Scope::at(doc, ins.index);
    let env = base_env(doc, stage);
    let globals = Scope::global(doc);
    let mut declared: Option<std::sync::Arc<DeclaredAnywhere>> = None;
    for (word, key, pair_index) in words {
        for e in plain_expansions(word, doc.text()) {
            let name = e.name.as_str();
            if scope.is_defined(name) || ALWAYS_DEFINED.contains(&name) {
                continue;
            }
            // Set earlier in this instruction: ARG pairs apply in order; ENV is
            // another rule's business. An ENV extending its own variable is intended.
            let earlier = ins.pairs[..pair_index].iter().any(|p| p.key.value() == name);
            if earlier || key.as_deref() == Some(name) && ins.kind == InstructionKind::Env {
                continue;
            }
            if let BaseEnv::Known(vars) = env
                && vars.contains(&name)
            {
                continue;
            }
            let declared = declared.get_or_insert_with(|| doc.fact::<DeclaredAnywhere>());
            let suggestion = did_you_mean(name, scope.names());
            let elsewhere = declared.0.contains(name);
            if matches!(env, BaseEnv::Unknown) && !elsewhere && suggestion.is_none() {
                continue;
            }
            let why = if globals.is_defined(name) {
                format!("; it is a global ARG, which a stage must re-declare with `ARG {name}` to use")
            } else if elsewhere {
                " here; it is declared elsewhere in the file, but not before this point in this stage".to_string()
            } else {
                match suggestion {
                    Some(s) => format!(" (did you mean `{s}`?)"),
                    None => String::new(),
                }
            };
            ctx.report(e.range, format!("`{name}` is not defined{why}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM alpine\nARG V=1\nCOPY app-$V /app\n",
                "FROM alpine\nENV PATH=$PATH:/x HOME=/root\n",
                "FROM alpine\nWORKDIR $HOME/app\n",
                "FROM alpine\nLABEL p=$TARGETPLATFORM proxy=$HTTP_PROXY\n",
                "FROM alpine\nENV A=${UNSET:-x}\n",
                "FROM alpine\nRUN echo $UNSET\n",
                "FROM alpine\nENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/x\n",
                "FROM alpine\nARG A=1 B=$A\n",
                "FROM python:3.12\nENV V=$PYTHON_VERSION\n",
                "FROM node:22-alpine\nLABEL node=$NODE_VERSION\n",
                "FROM golang:1.22 AS build\nFROM build\nWORKDIR $GOPATH/src\n",
                "FROM alpine AS a\nENV X=1\nFROM a\nWORKDIR /$X\n",
                // A stage inherits the ARGs of the stage it is built on.
                "FROM alpine:3.22 AS base\nARG VERSION=1.0\nFROM base AS final\nLABEL v=\"${VERSION}\"\n",
                "FROM alpine AS a\nARG V\nFROM a AS b\nFROM b\nCOPY app-$V /app\n",
                // Unknown image: an unknown name may come from it.
                "FROM example.com/custom:1\nWORKDIR $APP_HOME\n",
                "FROM ${BASE:-alpine}\nWORKDIR $APP_HOME\n",
                "FROM alpine\nLABEL a='$literal' b=\\$x\n",
                "FROM alpine\nCOPY [\"$X\", \"/y\"]\n",
                "FROM alpine\nONBUILD COPY $X /y\n",
                // A template placeholder, not a Docker expansion.
                "FROM alpine\nARG A=\"${templateOption:a}\"\n",
            ],
            &[
                "ARG VERSION=1\nFROM alpine\nCOPY app-⟦${VERSION}⟧ /app\n",
                "FROM alpine\nWORKDIR ⟦$APP⟧\n",
                "FROM scratch\nCOPY ⟦$SRC⟧ /\n",
                "FROM alpine\nUSER ⟦$UID⟧\nARG UID=1000\n",
                "FROM example.com/custom:1\nARG VERSION=1\nCOPY app-⟦$VERSOIN⟧ /app\n",
                "FROM example.com/custom:1 AS a\nARG X\nFROM example.com/custom:1\nWORKDIR ⟦$X⟧\n",
                "FROM alpine\nCOPY --chown=⟦$USR⟧ a b\n",
                "FROM python:3.12\nENV V=⟦$NODE_VERSION⟧\n",
                // A sibling stage inherits nothing from `base`.
                "FROM alpine:3.22 AS base\nARG VERSION=1.0\nFROM alpine AS other\nLABEL v=\"⟦${VERSION}⟧\"\n",
                "FROM alpine AS base\nARG V=1\nFROM base AS a\nFROM alpine\nCOPY app-⟦$V⟧ /app\n",
            ],
            &[],
        );
    }

    #[test]
    fn explains_global_args() {
        let doc = crate::model::Document::parse("ARG V=1\nFROM example.com/x\nLABEL v=$V\n");
        let d = crate::engine::check_with_rules(&doc, &Default::default(), &[&super::RULE]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("ARG V"), "{}", d[0].message);
    }
}
