//! `infra force-unlock [-force] LOCK_ID`: releases the environment's state lock when its ID is
//! `LOCK_ID` (the ID shown by the command that could not take the lock), after asking for
//! confirmation unless `-force`. For locks whose holder is stuck; a holder that died has already
//! lost its lock.

use std::io::{BufRead, Write};
use std::time::Duration;

use infra_core::Diagnostic;
use infra_state::{LockInfo, StateError};

use super::state::{existing_store, fail, sentence};
use crate::args::ForceUnlockArgs;

pub fn run(a: ForceUnlockArgs) -> u8 {
    if !a.force {
        print!(
            "Do you really want to force-unlock?\n  infra will remove the lock on the state of environment \"{}\".\n  This will allow local infra commands to modify this state, even though it\n  may still be in use. Only 'yes' will be accepted to confirm.\n\n  Enter a value: ",
            a.env
        );
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        println!();
        if answer.trim() != "yes" {
            println!("force-unlock cancelled.");
            return 1;
        }
    }
    // No local state database means nothing was ever locked here; do not create one to find out.
    let store = match existing_store() {
        Ok(s) => s,
        Err(d) => return fail(d, a.no_color),
    };
    let result = if let Some(store) = store {
        // The store remembers the last holder after a normal release, so first find out whether
        // anyone holds the lock now: if it can be taken at once, there is nothing to unlock.
        match store.lock(&a.env, LockInfo::new("force-unlock"), Duration::ZERO) {
            Ok(probe) => {
                let _ = probe.unlock();
                Err(StateError::NotLocked { env: a.env.clone() })
            }
            Err(StateError::Locked { .. }) => store.force_unlock(&a.env, &a.lock_id),
            Err(e) => Err(e),
        }
    } else {
        Err(StateError::NotLocked { env: a.env.clone() })
    };
    if let Err(e) = result {
        return fail(
            Diagnostic::error("Failed to unlock state", sentence(&e.to_string())),
            a.no_color,
        );
    }
    println!("infra state has been successfully unlocked!\n\nThe state has been unlocked, and infra commands should now be able to\nobtain a new lock on the state.");
    0
}
