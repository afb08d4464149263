//! The settings of each document: its config file found by [`discover`],
//! loaded once and shared by every document under it, over the user
//! config's program choice, under the front-end's own layer, plus the
//! Dockerfile's build context.
//!
//! [`discover`]: crate::config::discover

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::config::{self, BuildContext, ConfigError, ConfigWarning, Settings, Trust};
use crate::diagnostic::Severity;

/// The `--select`/`--extend-select`/`--ignore`/`--fail-level` and ShellCheck
/// choices of a command line, applied over every config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Vec<String>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `Some(level)` when a fail level was given (`Some(None)` for `none`).
    pub fail_level: Option<Option<Severity>>,
    pub shellcheck_path: Option<PathBuf>,
    pub shellcheck_timeout: Option<Duration>,
}

impl Overrides {
    pub fn apply(&self, settings: &mut Settings) -> Result<(), ConfigError> {
        settings.apply_overrides(&self.select, &self.extend_select, &self.ignore)?;
        if let Some(level) = self.fail_level {
            settings.set_fail_level(level);
        }
        if let Some(path) = &self.shellcheck_path {
            settings.set_shellcheck(None, Some(Some(path.clone())));
        }
        if let Some(timeout) = self.shellcheck_timeout {
            settings.set_shellcheck_timeout(timeout);
        }
        Ok(())
    }
}

/// How long what was read from disk is trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// For one run over files that do not change meanwhile (the CLI): the
    /// user config is read up front, each folder's discovery and each
    /// config file once; the build context once per Dockerfile.
    Run,
    /// Checked on every lint (an editor that cannot watch files): discovery
    /// walks up again, a config file is read again when its modification
    /// time changed, the build context is read again.
    Polled,
    /// Kept until [`Configs::invalidate`] names a changed file in the folder
    /// or above (an editor that watches config files and `.dockerignore`).
    Watched,
}

/// The settings a document is linted with.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// With the Dockerfile's build context when one was named.
    pub settings: Arc<Settings>,
    /// The config file they came from: the project's, else the user
    /// config; `None` for the defaults.
    pub config: Option<PathBuf>,
    /// What that config asked for and did not get.
    pub warnings: Vec<ConfigWarning>,
}

/// A loaded project config (or `--config`): its modification time when
/// read, and its settings with the user's program choice and the overrides
/// applied.
#[derive(Clone)]
struct ConfigFile {
    modified: Option<SystemTime>,
    settings: Result<(Arc<Settings>, Vec<ConfigWarning>), ConfigError>,
}

/// The user config as last read.
#[derive(Clone, Default)]
struct UserConfig {
    path: Option<PathBuf>,
    modified: Option<SystemTime>,
    settings: Option<Arc<Settings>>,
}

/// A Dockerfile (absolute) and the configured context directory.
type ContextKey = (PathBuf, Option<PathBuf>);

/// Config files and build contexts by folder, shared by every lint of a
/// session.
pub struct Configs {
    freshness: Mutex<Freshness>,
    overrides: Overrides,
    /// `--config`: used for every document, no discovery. Trusted: the user named it.
    explicit: Option<(PathBuf, Arc<Settings>)>,
    user: Mutex<UserConfig>,
    /// Without a project config: the user config, else the defaults, with the overrides.
    fallback: Mutex<Arc<Settings>>,
    /// The config file discovered from each folder.
    discovered: Mutex<HashMap<PathBuf, Result<Option<PathBuf>, ConfigError>>>,
    files: Mutex<HashMap<PathBuf, ConfigFile>>,
    /// Build contexts by Dockerfile and configured context directory (only
    /// while [`Freshness::Watched`]).
    contexts: Mutex<HashMap<ContextKey, Arc<BuildContext>>>,
    /// Warnings of config files loaded since the last [`Configs::take_warnings`].
    new_warnings: Mutex<Vec<ConfigWarning>>,
}

/// A poisoned lock only means another thread panicked; the maps stay usable
/// (entries are inserted whole).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl Configs {
    /// For one run of the CLI. Fails when the overrides name unknown rules,
    /// or `explicit` (`--config`) or the user config cannot be loaded.
    pub fn new(overrides: Overrides, explicit: Option<&Path>) -> Result<Configs, ConfigError> {
        let user_settings = config::load_user_config()?;
        let user_path = user_settings.as_ref().and_then(|_| config::user_config_path());
        let user = UserConfig {
            modified: user_path.as_deref().and_then(modified),
            path: user_path,
            settings: user_settings.map(Arc::new),
        };
        let fallback = Arc::new(fallback(&user, &overrides)?);
        let explicit = match explicit {
            Some(path) => {
                let mut settings = config::load(path, Trust::User)?.settings;
                if let Some(user) = &user.settings {
                    settings.inherit_programs(user);
                }
                overrides.apply(&mut settings)?;
                Some((path.to_path_buf(), Arc::new(settings)))
            }
            None => None,
        };
        Ok(Configs::build(Freshness::Run, overrides, explicit, user, fallback))
    }

    /// For an editor: no command line; the user config is read when it
    /// changes, and a broken one is reported per document.
    pub fn for_editor(freshness: Freshness) -> Configs {
        let defaults = Arc::new(Settings::default());
        Configs::build(freshness, Overrides::default(), None, UserConfig::default(), defaults)
    }

    fn build(
        freshness: Freshness,
        overrides: Overrides,
        explicit: Option<(PathBuf, Arc<Settings>)>,
        user: UserConfig,
        fallback: Arc<Settings>,
    ) -> Configs {
        Configs {
            freshness: Mutex::new(freshness),
            overrides,
            explicit,
            user: Mutex::new(user),
            fallback: Mutex::new(fallback),
            discovered: Mutex::default(),
            files: Mutex::default(),
            contexts: Mutex::default(),
            new_warnings: Mutex::default(),
        }
    }

    pub fn freshness(&self) -> Freshness {
        *lock(&self.freshness)
    }

    /// Switch to another freshness (an editor's file watching was
    /// registered); everything read so far is read again.
    pub fn set_freshness(&self, freshness: Freshness) {
        *lock(&self.freshness) = freshness;
        self.clear();
    }

    /// The settings for a document at `anchor` (its path, or the directory
    /// standing for standard input), with the build context of `dockerfile`
    /// when given. Layers, lowest first: the user config's program choice,
    /// the project config (which may not name a program) or the user config
    /// alone, the overrides.
    pub fn resolve(&self, anchor: &Path, dockerfile: Option<&Path>) -> Result<Resolved, ConfigError> {
        let with_context = |settings: Arc<Settings>| match dockerfile {
            Some(file) => self.with_context(&settings, file),
            None => settings,
        };
        if let Some((path, settings)) = &self.explicit {
            return Ok(Resolved {
                settings: with_context(Arc::clone(settings)),
                config: Some(path.clone()),
                warnings: Vec::new(),
            });
        }
        let user = self.user()?;
        let Some(config_path) = self.discover(anchor)? else {
            let fallback = Arc::clone(&lock(&self.fallback));
            return Ok(Resolved { settings: with_context(fallback), config: user.path, warnings: Vec::new() });
        };
        let (settings, warnings) = self.load(&config_path, user.settings.as_deref())?;
        Ok(Resolved { settings: with_context(settings), config: Some(config_path), warnings })
    }

    /// The defaults (the fallback of a document whose config is broken),
    /// with the build context of `dockerfile` when given.
    pub fn defaults(&self, dockerfile: Option<&Path>) -> Arc<Settings> {
        let defaults = Arc::new(Settings::default());
        match dockerfile {
            Some(file) => self.with_context(&defaults, file),
            None => defaults,
        }
    }

    /// `settings` with the build context of the Dockerfile at `file`.
    pub fn with_context(&self, settings: &Settings, file: &Path) -> Arc<Settings> {
        if self.freshness() != Freshness::Watched {
            return Arc::new(settings.for_dockerfile(file));
        }
        let key = (
            std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()),
            settings.build_context_dir().map(Path::to_path_buf),
        );
        let cached = lock(&self.contexts).get(&key).cloned();
        let context = cached.unwrap_or_else(|| {
            let context = settings.for_dockerfile(file).build_context().cloned().unwrap_or_default();
            let context = Arc::new(context);
            lock(&self.contexts).insert(key, Arc::clone(&context));
            context
        });
        let mut settings = settings.clone();
        settings.set_build_context(Some(context));
        Arc::new(settings)
    }

    /// The user config, read again in an editor when it changed.
    fn user(&self) -> Result<UserConfig, ConfigError> {
        let mut user = lock(&self.user);
        if self.freshness() == Freshness::Run {
            return Ok(user.clone());
        }
        let path = config::user_config_path().filter(|p| p.is_file());
        let stamp = path.as_deref().and_then(modified);
        let unchanged = path == user.path && (path.is_none() || (stamp.is_some() && stamp == user.modified));
        if !unchanged {
            let settings = match &path {
                Some(path) => Some(Arc::new(config::load(path, Trust::User)?.settings)),
                None => None,
            };
            *user = UserConfig { path, modified: stamp, settings };
            // Project configs inherit its program choice.
            lock(&self.files).clear();
            *lock(&self.fallback) = Arc::new(fallback(&user, &self.overrides)?);
        }
        Ok(user.clone())
    }

    /// The config file for documents in `anchor`'s folder.
    fn discover(&self, anchor: &Path) -> Result<Option<PathBuf>, ConfigError> {
        let folder = config::folder_of(anchor);
        if self.freshness() == Freshness::Polled {
            return config::discover_in(&folder);
        }
        if let Some(found) = lock(&self.discovered).get(&folder) {
            return found.clone();
        }
        let found = config::discover_in(&folder);
        lock(&self.discovered).insert(folder, found.clone());
        found
    }

    /// A project config's settings and warnings, loaded once per file (or
    /// again when its modification time changed, while polled).
    fn load(&self, path: &Path, user: Option<&Settings>) -> Result<(Arc<Settings>, Vec<ConfigWarning>), ConfigError> {
        let polled = self.freshness() == Freshness::Polled;
        let stamp = if polled { modified(path) } else { None };
        let mut files = lock(&self.files);
        if let Some(file) = files.get(path)
            && (!polled || (stamp.is_some() && file.modified == stamp))
        {
            return file.settings.clone();
        }
        let settings = config::load(path, Trust::Project).and_then(|config::Loaded { mut settings, warnings }| {
            // An editor reports a config's warnings with each lint; a run says them once.
            if self.freshness() == Freshness::Run {
                lock(&self.new_warnings).extend(warnings.iter().cloned());
            }
            if let Some(user) = user {
                settings.inherit_programs(user);
            }
            self.overrides.apply(&mut settings)?;
            Ok((Arc::new(settings), warnings))
        });
        files.insert(path.to_path_buf(), ConfigFile { modified: stamp, settings: settings.clone() });
        settings
    }

    /// The warnings about config files loaded since the last call, in file
    /// and line order.
    pub fn take_warnings(&self) -> Vec<ConfigWarning> {
        let mut warnings = std::mem::take(&mut *lock(&self.new_warnings));
        warnings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        warnings
    }

    /// A watched file (a config file, an ignore file, an entry of a build
    /// context) was created, changed or deleted: forget what was read in its
    /// folder and below, where it may count.
    pub fn invalidate(&self, changed: &Path) {
        let folder = changed.parent().unwrap_or(changed);
        lock(&self.discovered).retain(|dir, _| !dir.starts_with(folder));
        lock(&self.files).retain(|file, _| !file.starts_with(folder));
        lock(&self.contexts)
            .retain(|(dockerfile, _), context| !dockerfile.starts_with(folder) && !context.dir.starts_with(folder));
    }

    /// Whether a change of `changed` may change the settings of the
    /// Dockerfile at `file`, linted with `settings`.
    pub fn affects(changed: &Path, file: &Path, settings: &Settings) -> bool {
        let folder = changed.parent().unwrap_or(changed);
        file.starts_with(folder) || settings.build_context().is_some_and(|c| c.dir.starts_with(folder))
    }

    /// Forget everything read: the next lint reads it again.
    pub fn clear(&self) {
        lock(&self.discovered).clear();
        lock(&self.files).clear();
        lock(&self.contexts).clear();
    }
}

/// The settings of a document without a project config.
fn fallback(user: &UserConfig, overrides: &Overrides) -> Result<Settings, ConfigError> {
    let mut settings = user.settings.as_deref().cloned().unwrap_or_default();
    overrides.apply(&mut settings)?;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find_rule;

    const IGNORING: &str = "ignore = [\"maintainer-deprecated\"]\n";

    fn ignores(configs: &Configs, dockerfile: &Path) -> bool {
        let settings = configs.resolve(dockerfile, Some(dockerfile)).unwrap().settings;
        !settings.is_enabled(&find_rule("maintainer-deprecated").unwrap().meta)
    }

    fn ignored_md(configs: &Configs, dockerfile: &Path) -> bool {
        let settings = configs.resolve(dockerfile, Some(dockerfile)).unwrap().settings;
        settings.build_context().unwrap().is_ignored("notes.md")
    }

    #[test]
    fn watched_settings_hold_until_their_folder_is_invalidated() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        for folder in [&a, &b] {
            std::fs::create_dir(folder).unwrap();
            std::fs::write(folder.join("dockside.toml"), IGNORING).unwrap();
        }
        let configs = Configs::for_editor(Freshness::Watched);
        let (in_a, in_b) = (a.join("Dockerfile"), b.join("Dockerfile"));
        assert!(ignores(&configs, &in_a) && ignores(&configs, &in_b));
        assert!(!ignored_md(&configs, &in_a));
        for folder in [&a, &b] {
            std::fs::write(folder.join("dockside.toml"), "").unwrap();
            std::fs::write(folder.join(".dockerignore"), "*.md\n").unwrap();
        }
        assert!(ignores(&configs, &in_a) && !ignored_md(&configs, &in_a), "nothing is read again");
        configs.invalidate(&a.join("dockside.toml"));
        assert!(!ignores(&configs, &in_a) && ignored_md(&configs, &in_a), "a is read again");
        assert!(ignores(&configs, &in_b), "b is not");
        // A change above a folder concerns it.
        configs.invalidate(&dir.path().join("dockside.toml"));
        assert!(!ignores(&configs, &in_b) && ignored_md(&configs, &in_b));
    }

    #[test]
    fn polled_settings_follow_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let dockerfile = dir.path().join("Dockerfile");
        let configs = Configs::for_editor(Freshness::Polled);
        assert!(!ignores(&configs, &dockerfile));
        std::fs::write(dir.path().join("dockside.toml"), IGNORING).unwrap();
        assert!(ignores(&configs, &dockerfile), "a new config is found");
        std::fs::write(dir.path().join(".dockerignore"), "*.md\n").unwrap();
        assert!(ignored_md(&configs, &dockerfile), "the build context is read again");
    }

    #[test]
    fn a_run_loads_each_config_once_and_reports_its_warnings_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dockside.toml"), "shellcheck-path = \"/bin/true\"\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let configs = Configs::new(Overrides::default(), None).unwrap();
        let (top, below) = (dir.path().join("Dockerfile"), dir.path().join("sub/Dockerfile"));
        let first = configs.resolve(&top, None).unwrap();
        let second = configs.resolve(&below, None).unwrap();
        assert!(Arc::ptr_eq(&first.settings, &second.settings), "one load for both");
        assert_eq!(first.config.as_deref(), Some(dir.path().join("dockside.toml").as_path()));
        assert_eq!(configs.take_warnings().len(), 1, "a project config may not name a program");
        assert!(configs.take_warnings().is_empty());
    }
}
