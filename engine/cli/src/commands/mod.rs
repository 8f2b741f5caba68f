//! One module per subcommand: each builds its options, calls the libraries, renders, and returns
//! the exit status.

pub mod console;
pub mod fmt;
pub mod graph;
pub mod import;
pub mod init;
mod migrate;
pub mod output;
pub mod run;
pub mod show;
mod show_format;
pub mod state;
mod state_edit;
pub mod unlock;
pub mod validate;

use std::io::IsTerminal;

use crate::render::Sources;

/// Whether to colour output written to stderr.
pub(crate) fn stderr_color(no_color: bool) -> bool {
    !no_color && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Every source file of a configuration tree, for rendering diagnostics.
pub(crate) fn config_sources(config: &infra_config::Config) -> Sources {
    fn walk(c: &infra_config::Config, s: &mut Sources) {
        s.extend(&c.module.files);
        for child in c.children.values() {
            walk(child, s);
        }
    }
    let mut s = Sources::default();
    walk(config, &mut s);
    s
}
