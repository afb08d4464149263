//! `textDocument/documentLink`: image references (FROM, `COPY --from=<image>`,
//! `--mount=…,from=<image>`, the `# syntax=` frontend) link to their
//! registry's web page, for registries with a stable URL scheme. Stage
//! names and references with unresolved variables get no link. URLs given
//! as ADD sources and LABEL values link to themselves.

use std::borrow::Cow;

use dockside_rules::model::{Base, ImageRef, InstructionKind, Scope, Word};
use dockside_rules::{Document, TextRange};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{Backend, blocking};

pub async fn document_link(backend: &Backend, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
    let Some(snap) = backend.state.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let unit = backend.state.features().unit;
    blocking("document links", move || {
        let doc = &snap.doc;
        let out = links(doc)
            .into_iter()
            .filter_map(|(range, url)| {
                Some(DocumentLink {
                    range: convert::range(doc, range, unit),
                    target: Some(url.parse().ok()?),
                    tooltip: Some(format!("Open {url}")),
                    data: None,
                })
            })
            .collect();
        Some(out)
    })
    .await
}

pub fn links(doc: &Document) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    for d in doc.directives.iter().filter(|d| d.name == "syntax") {
        if let Some(url) = image_url(&ImageRef::parse(&d.value)) {
            out.push((d.value_range, url));
        }
    }
    let globals = Scope::global(doc);
    for ins in &doc.instructions {
        if ins.kind == InstructionKind::From
            && let (Some(spec), Some(stage)) = (ins.image(), doc.stage_of(ins))
            && let Base::Image { reference, resolved: true, .. } = &stage.base
            && let Some(url) = image_url(reference)
        {
            out.push((spec.word.range, url));
        }
        // URLs: ADD sources and LABEL values.
        let mut urls: Vec<&Word> = Vec::new();
        match ins.kind {
            InstructionKind::Add if ins.json.is_none() => urls.extend(ins.args.iter()),
            InstructionKind::Label => urls.extend(ins.pairs.iter().filter_map(|p| p.value.as_ref())),
            _ => {}
        }
        for word in urls {
            let value = word.value();
            let is_url = value.starts_with("https://") || value.starts_with("http://");
            if is_url && !word.has_expansion() && !value.contains(char::is_whitespace) {
                // The link covers the URL without quotes.
                let range = if word.is_quoted() {
                    TextRange::new(word.range.start + 1, word.range.end - 1)
                } else {
                    word.range
                };
                out.push((range, value));
            }
        }
        let mut refs: Vec<&Word> = Vec::new();
        for flag in &ins.flags {
            if flag.name.eq_ignore_ascii_case("from") && ins.kind == InstructionKind::Copy {
                refs.extend(flag.value.iter());
            }
            refs.extend(
                flag.mount.iter().filter(|m| m.key.eq_ignore_ascii_case("from")).filter_map(|m| m.value.as_ref()),
            );
        }
        for word in refs {
            if doc.stage_named(&word.value()).is_some() {
                continue;
            }
            let scope = if word.has_expansion() { Scope::at(doc, ins.index) } else { Cow::Borrowed(globals) };
            let expanded = scope.expand(word);
            if expanded.complete
                && let Some(url) = image_url(&ImageRef::parse(&expanded.text))
            {
                out.push((word.range, url));
            }
        }
    }
    out
}

/// The web page of an image's repository, where the registry has one.
pub fn image_url(r: &ImageRef) -> Option<String> {
    let path = r.path.trim_matches('/');
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c));
    if !valid(path) || r.is_scratch() {
        return None;
    }
    let registry = r.registry.as_deref().map(str::to_ascii_lowercase);
    Some(match registry.as_deref() {
        None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io") => {
            match path.strip_prefix("library/").unwrap_or(path) {
                name if !name.contains('/') => format!("https://hub.docker.com/_/{name}"),
                user_repo => format!("https://hub.docker.com/r/{user_repo}"),
            }
        }
        Some("ghcr.io") => format!("https://ghcr.io/{path}"),
        Some("quay.io") => format!("https://quay.io/repository/{path}"),
        Some("mcr.microsoft.com") => format!("https://mcr.microsoft.com/en-us/artifact/mar/{path}"),
        Some("public.ecr.aws") => format!("https://gallery.ecr.aws/{path}"),
        Some(host) if host == "gcr.io" || host.ends_with(".gcr.io") => {
            let (project, name) = path.split_once('/')?;
            format!("https://console.cloud.google.com/gcr/images/{project}/global/{name}")
        }
        Some(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries() {
        let url = |s: &str| image_url(&ImageRef::parse(s));
        assert_eq!(url("python:3.12").as_deref(), Some("https://hub.docker.com/_/python"));
        assert_eq!(url("docker.io/library/node").as_deref(), Some("https://hub.docker.com/_/node"));
        assert_eq!(url("bitnami/redis:7").as_deref(), Some("https://hub.docker.com/r/bitnami/redis"));
        assert_eq!(
            url("quay.io/prometheus/node-exporter").as_deref(),
            Some("https://quay.io/repository/prometheus/node-exporter")
        );
        assert_eq!(
            url("gcr.io/distroless/static:nonroot").as_deref(),
            Some("https://console.cloud.google.com/gcr/images/distroless/global/static")
        );
        assert_eq!(url("registry.example.com/x/y"), None);
        assert_eq!(url("scratch"), None);
    }

    #[test]
    fn links_skip_stages_and_unresolved_images() {
        let text = "# syntax=docker/dockerfile:1\nARG V\nFROM golang:1.22 AS build\nFROM app:${V}\n\
                    COPY --from=build /a /b\nCOPY --from=nginx:1.27 /etc/nginx /n\n\
                    RUN --mount=from=ghcr.io/o/tools,target=/t true\n\
                    ADD https://example.com/a.tgz /a\nLABEL org.opencontainers.image.source=\"https://github.com/o/r\"\n";
        let doc = Document::parse(text);
        let got: Vec<(&str, String)> = links(&doc).into_iter().map(|(r, u)| (&text[r.as_range()], u)).collect();
        assert_eq!(
            got,
            [
                ("docker/dockerfile:1", "https://hub.docker.com/r/docker/dockerfile".to_string()),
                ("golang:1.22", "https://hub.docker.com/_/golang".to_string()),
                ("nginx:1.27", "https://hub.docker.com/_/nginx".to_string()),
                ("ghcr.io/o/tools", "https://ghcr.io/o/tools".to_string()),
                ("https://example.com/a.tgz", "https://example.com/a.tgz".to_string()),
                ("https://github.com/o/r", "https://github.com/o/r".to_string()),
            ]
        );
    }
}
