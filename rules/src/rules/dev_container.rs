//! VS Code dev container definitions (`.devcontainer/Dockerfile`): images
//! built to be a developer's workbench, never deployed. The user the
//! developer works as comes from `devcontainer.json` (`remoteUser`), and
//! that user gets password-less `sudo` by design, so the rules about the
//! image's final user, `sudo` and lean package installs do not apply.

use crate::model::{Base, Document, DocumentFact, InstructionKind, Stage};
use crate::settings::Settings;

/// Where Microsoft publishes the dev container base images.
const IMAGE_PREFIXES: &[&str] = &["mcr.microsoft.com/devcontainers/", "mcr.microsoft.com/vscode/devcontainers/"];

/// True when `stage` (or, with `None`, the file as a whole) is a dev
/// container: the root of the stage's chain is a dev container image, or
/// the file is a dev container template (`${templateOption:…}` in an `ARG`
/// default, which only the dev container tooling substitutes), or the
/// build context is a `.devcontainer` directory.
pub(crate) fn is_dev_container(doc: &Document, settings: &Settings, stage: Option<&Stage>) -> bool {
    let root = stage.and_then(|s| doc.stage_root(s.index));
    let image_based = root.is_some_and(|root| {
        let written = doc.instructions.get(root.from).and_then(|f| f.image()).map(|i| i.word.raw.as_str());
        let resolved = match &root.base {
            Base::Image { text, .. } => Some(text.as_str()),
            _ => None,
        };
        [written, resolved].into_iter().flatten().any(is_dev_container_image)
    });
    image_based || is_template(doc) || in_devcontainer_dir(settings)
}

fn is_dev_container_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let lower = lower.strip_prefix("docker.io/").unwrap_or(&lower);
    IMAGE_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// A dev container template: an `ARG` default holds `${templateOption:…}`.
fn is_template(doc: &Document) -> bool {
    doc.fact::<Template>().0
}

/// Computed once per document: rules ask for every RUN.
struct Template(bool);

impl DocumentFact for Template {
    fn compute(doc: &Document) -> Template {
        Template(
            doc.instructions
                .iter()
                .filter(|i| i.kind == InstructionKind::Arg)
                .flat_map(|i| &i.pairs)
                .filter_map(|p| p.value.as_ref())
                .any(|v| v.raw.contains("${templateOption:")),
        )
    }
}

/// The build context (by default the Dockerfile's directory) is a
/// `.devcontainer` directory or lies inside one.
fn in_devcontainer_dir(settings: &Settings) -> bool {
    settings.build_context().is_some_and(|c| c.dir.components().any(|c| c.as_os_str() == ".devcontainer"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::BuildContext;

    fn dev(text: &str) -> bool {
        let doc = Document::parse(text);
        is_dev_container(&doc, &Settings::default(), doc.final_stage())
    }

    #[test]
    fn recognises_dev_container_images_and_templates() {
        assert!(dev("FROM mcr.microsoft.com/devcontainers/javascript-node:20\nUSER root\n"));
        assert!(dev("ARG VARIANT=16\nFROM mcr.microsoft.com/vscode/devcontainers/javascript-node:0-${VARIANT}\n"));
        assert!(dev("FROM mcr.microsoft.com/devcontainers/base:bookworm AS base\nFROM base\nRUN true\n"));
        assert!(dev("ARG VARIANT=\"${templateOption:imageVariant}\"\nFROM node:${VARIANT}\n"));
        assert!(!dev("FROM mcr.microsoft.com/dotnet/sdk:8.0\nUSER root\n"));
        assert!(!dev("FROM node:20\nARG USERNAME=vscode\n"));
        // Only the stage's own chain counts.
        assert!(!dev("FROM mcr.microsoft.com/devcontainers/base:bookworm AS dev\nFROM debian:12\nRUN true\n"));
    }

    #[test]
    fn recognises_a_devcontainer_directory() {
        let doc = Document::parse("FROM node:20\nUSER root\n");
        let context = |dir: &str| BuildContext { dir: dir.into(), ..BuildContext::default() };
        let settings = Settings::default().with_build_context(context("/src/app/.devcontainer"));
        assert!(is_dev_container(&doc, &settings, doc.final_stage()));
        let settings = Settings::default().with_build_context(context("/src/app"));
        assert!(!is_dev_container(&doc, &settings, doc.final_stage()));
    }
}
