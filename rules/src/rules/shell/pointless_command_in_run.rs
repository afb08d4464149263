//! ## What it does
//! Checks `RUN` instructions for commands that have no lasting effect in an
//! image build: `free`, `kill`, `mount`, `ps`, `service`, `shutdown`, `ssh`,
//! `top` and `vim`.
//!
//! ## Why is this bad?
//! Each `RUN` executes in a fresh, short-lived container without a terminal
//! or an init system, and only its file changes are kept. Processes and
//! services started in it are gone when it ends, so `service nginx start`
//! does not make nginx run in the image (`CMD` does). `ps`, `top` and
//! `free` describe that throwaway container, `vim` and `ssh` wait for a
//! person to type, `shutdown` has nothing to shut down, and `mount` needs
//! privileges a build does not have (use `RUN --mount`). Such a line is a
//! leftover from an interactive session, or a sign that something is meant
//! to happen at run time instead.
//!
//! ## Example
//! ```dockerfile
//! FROM ubuntu:24.04
//! RUN apt-get update && apt-get install -y nginx && service nginx start
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ubuntu:24.04
//! RUN apt-get update && apt-get install -y nginx
//! CMD ["nginx", "-g", "daemon off;"]
//! ```
//!
//! ## Notes
//! hadolint reports these commands wherever they appear. dockside leaves
//! out the uses that do work within one `RUN`: `kill` and `ps` when the
//! same `RUN` starts a background job (`server & … kill $!`), `service`
//! when more commands follow it in the same `RUN` or it stops what an
//! earlier `service` started (start a database, load data, stop it), and lookups such as `command -v ps`.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::{self, has_background_job, is_lookup, logical_start};

declare_rule! {
    /// Interactive or process-management commands have no lasting effect in `RUN`
    name: "pointless-command-in-run", aliases: ["DL3001"], category: Shell, severity: Info,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    let Some(script) = support::script(ctx.doc, run) else { return };
    let background = has_background_job(script);
    for (i, cmd) in script.commands.iter().enumerate() {
        // A `-c` string's background jobs are not in the outer tree: any
        // lone `&` in the script may be one.
        let background = background || (cmd.in_command_string && script.text.replace("&&", "").contains('&'));
        let reason = match cmd.base_name() {
            "free" | "top" => "shows the state of the build container, which is thrown away",
            "ps" if !background => "lists the processes of the build container, which is thrown away",
            "kill" if !background => "has no process to stop: nothing outlives a `RUN`",
            "service" => {
                // A later command may use the service (seed a database), and
                // an earlier `service` call is what a final `stop` ends.
                let start = logical_start(cmd);
                let later = script.commands.iter().enumerate().any(|(j, c)| j != i && logical_start(c) > start)
                    || script.commands[..i].iter().any(|c| c.base_name() == "service");
                if later {
                    continue;
                }
                "starts or stops a service in the build container only; the image runs `CMD`"
            }
            "shutdown" => "has nothing to shut down in a build container",
            "mount" => "needs privileges a build does not have; use `RUN --mount`",
            "ssh" => "opens a remote session nobody can interact with during a build",
            "vim" => "waits for keyboard input a build cannot give",
            _ => continue,
        };
        if is_lookup(script, cmd) {
            continue;
        }
        ctx.report(cmd.name_range, format!("`{}` {reason}", cmd.base_name()));
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
                "FROM debian\nRUN apt-get install -y vim procps\n",
                "FROM debian\nRUN server & pid=$!; sleep 5; kill $pid\n",
                "FROM debian\nRUN (mysqld &) && sleep 5 && ps aux | grep mysqld\n",
                "FROM debian\nRUN service mysql start && mysql < /init.sql && service mysql stop\n",
                "FROM debian\nRUN command -v ps || apt-get install -y procps\n",
                "FROM debian\nRUN gpgconf --kill all\n",
                "FROM debian\nRUN echo top free\n",
                "FROM debian\nRUN ssh-keyscan github.com >> /root/.ssh/known_hosts\n",
                "FROM debian\nRUN sh -c 'service mysql start && mysql < /init.sql'\n",
                "FROM debian\nRUN sh -c 'server & sleep 5; kill $!'\n",
                "FROM debian\nRUN sh -c 'command -v ps || apt-get install -y procps'\n",
            ],
            &[
                "FROM debian\nRUN apt-get install -y nginx && ⟦service⟧ nginx start\n",
                "FROM debian\nRUN sh -c 'apt-get install -y nginx && ⟦service⟧ nginx start'\n",
                "FROM debian\nRUN sh -c 'sleep 5; ⟦kill⟧ 1'\n",
                "FROM debian\nRUN ⟦ps⟧ aux\n",
                "FROM debian\nRUN ⟦kill⟧ -9 1\n",
                "FROM debian\nRUN ⟦vim⟧ /etc/hosts\n",
                "FROM debian\nRUN ⟦free⟧ -m\n",
                "FROM debian\nRUN ⟦mount⟧ -t tmpfs none /mnt\n",
                "FROM debian\nRUN ⟦ssh⟧ git@github.com\n",
                "FROM debian\nRUN set -e; \\\n    ⟦top⟧ -b \\\n      -n 1\n",
                "FROM debian\nRUN <<EOF\nset -e\n⟦shutdown⟧ -h now\nEOF\n",
                "FROM debian\nONBUILD RUN ⟦service⟧ cron start\n",
                "FROM debian\nRUN [\"sh\", \"-c\", \"⟦ps⟧ aux\"]\n",
                "FROM debian\nRUN sudo ⟦service⟧ ssh restart\n",
            ],
            &[],
        );
    }
}
