//! `S3Store`: the `StateStore` contract on an S3 bucket. Every write is a read-modify-write of
//! the environment's whole document (see `doc.rs`) against the last version this store saw,
//! sent as one conditional PutObject; the operations' logic (what changes, which version it
//! makes) is here, the wire is in `client.rs`, the lock in `lock.rs`, history in `history.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use infra_state::{
    derived_uuid, instance_record, output_record, parse_instance_address, Change, Intent,
    IntentRow, LockInfo, OutputValue, ResourceInstance, StateError, StateLock, StateSnapshot,
    StateStore, Subject, Timestamp, VersionChange, VersionRow,
};

use crate::client::{block, Condition, S3};
use crate::config::S3Settings;
use crate::doc::{Doc, VersionMeta};
use crate::history::{self, VersionCache};

/// What this store last saw of an environment's object: its ETag (`None`: no object) and
/// document. Writes are conditional on that ETag.
#[derive(Clone)]
struct Seen {
    etag: Option<String>,
    doc: Doc,
}

/// The state of every environment as one object each in an S3 bucket. Usable from many
/// threads; writes of one store are serialised.
pub struct S3Store {
    s3: Arc<S3>,
    who: String,
    seen: Mutex<HashMap<String, Seen>>,
    versions: VersionCache,
    versioning_checked: OnceLock<()>,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("bucket", &self.s3.settings.bucket)
            .field("key", &self.s3.settings.key)
            .finish()
    }
}

/// Environment names become part of object keys: keep them plain (as the SQLite store does).
fn check_env(env: &str) -> Result<(), StateError> {
    let ok = !env.is_empty()
        && env.len() <= 64
        && env.starts_with(|c: char| c.is_ascii_alphanumeric())
        && env
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StateError::InvalidEnvironment(env.to_string()))
    }
}

impl S3Store {
    /// Builds the client for `settings`. Nothing is sent yet: a missing bucket or bad
    /// credentials show with the first request, as diagnostics naming it.
    pub fn open(settings: S3Settings) -> Result<S3Store, StateError> {
        let s3 = block(S3::connect(settings))??;
        Ok(S3Store {
            s3: Arc::new(s3),
            who: infra_state::who(),
            seen: Mutex::new(HashMap::new()),
            versions: VersionCache::default(),
            versioning_checked: OnceLock::new(),
        })
    }

    /// Records `who` (rather than this process's `user@host`) in the versions this store writes.
    pub fn with_who(mut self, who: impl Into<String>) -> S3Store {
        self.who = who.into();
        self
    }

    pub fn settings(&self) -> &S3Settings {
        &self.s3.settings
    }

    /// Fails unless the bucket keeps object versions, which history, rollback and the promise
    /// that no state is ever lost rest on. Checked once per store (on the first write).
    pub fn check_versioning(&self) -> Result<(), StateError> {
        if self.versioning_checked.get().is_some() {
            return Ok(());
        }
        let s3 = Arc::clone(&self.s3);
        if block(async move { s3.versioning_enabled().await })?? {
            let _ = self.versioning_checked.set(());
            return Ok(());
        }
        let b = &self.s3.settings.bucket;
        Err(StateError::Backend(format!(
            "versioning is not enabled on the bucket `{b}`: infra keeps every version of the state \
             as an S3 object version (for `infra state history` and `infra state rollback`), so it \
             does not write state to a bucket without versioning. Enable it, for example with \
             `aws s3api put-bucket-versioning --bucket {b} --versioning-configuration Status=Enabled`"
        )))
    }

    fn seen(&self) -> MutexGuard<'_, HashMap<String, Seen>> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lineage an environment gets at its first write, known before it.
    fn pending_lineage(&self, env: &str) -> String {
        let s = &self.s3.settings;
        derived_uuid(&s.url(&s.key), env)
    }

    /// Reads the environment's object now.
    fn fetch(&self, env: &str) -> Result<Seen, StateError> {
        let key = self.s3.settings.state_key(env);
        let (s3, k) = (Arc::clone(&self.s3), key.clone());
        match block(async move { s3.get(&k, None).await })?? {
            None => Ok(Seen {
                etag: None,
                doc: Doc::empty(self.pending_lineage(env)),
            }),
            Some(obj) => Ok(Seen {
                doc: Doc::decode(&obj.bytes, env, &self.s3.settings.url(&key))?,
                etag: Some(obj.etag),
            }),
        }
    }

    /// Reads the environment's object and remembers it as the base of the next write.
    fn refresh(&self, env: &str) -> Result<Doc, StateError> {
        let mut seen = self.seen();
        let s = self.fetch(env)?;
        let doc = s.doc.clone();
        seen.insert(env.to_string(), s);
        Ok(doc)
    }

    /// The read-modify-write behind every write: `f` edits a copy of the document last seen
    /// (read now if this store has not seen it) and says whether it changed anything; a change
    /// is written with `If-Match` on the ETag seen (`If-None-Match: *` when there was no object).
    /// If someone else wrote the object since, nothing is written and the write fails.
    fn modify<T>(
        &self,
        env: &str,
        f: impl FnOnce(&mut Doc) -> Result<(T, bool), StateError>,
    ) -> Result<T, StateError> {
        check_env(env)?;
        let mut seen = self.seen();
        let base = match seen.get(env) {
            Some(s) => s.clone(),
            None => self.fetch(env)?,
        };
        let mut doc = base.doc.clone();
        let (out, changed) = f(&mut doc)?;
        if !changed {
            seen.insert(env.to_string(), base);
            return Ok(out);
        }
        self.check_versioning()?;
        let key = self.s3.settings.state_key(env);
        let body = doc.encode();
        let condition = match &base.etag {
            Some(e) => Condition::Matches(e.clone()),
            None => Condition::Absent,
        };
        let (s3, k, b) = (Arc::clone(&self.s3), key.clone(), body.clone());
        match block(async move { s3.put(&k, b, condition).await })? {
            Ok(etag) => {
                seen.insert(
                    env.to_string(),
                    Seen {
                        etag: Some(etag),
                        doc,
                    },
                );
                Ok(out)
            }
            Err(fail) if fail.is_conflict() => {
                seen.remove(env);
                // A retried request whose first attempt succeeded finds its own write: done.
                let (s3, k) = (Arc::clone(&self.s3), key.clone());
                if let Ok(Ok(Some(now))) = block(async move { s3.get(&k, None).await }) {
                    if now.bytes == body {
                        seen.insert(
                            env.to_string(),
                            Seen {
                                etag: Some(now.etag),
                                doc,
                            },
                        );
                        return Ok(out);
                    }
                }
                Err(StateError::Conflict(format!(
                    "the state of environment `{env}` at `{}` was changed by another writer since \
                     infra read it (S3 answered {} to the conditional PutObject); nothing was \
                     overwritten. Another process is writing this state without holding its lock: \
                     make sure it has finished, then run the command again",
                    self.s3.settings.url(&key),
                    fail.code.as_deref().unwrap_or("412 Precondition Failed"),
                )))
            }
            Err(fail) => Err(fail.into_state()),
        }
    }

    /// Makes `doc`'s state `target` (with `lineage`) as one new version recorded under
    /// `operation`; false when nothing differs.
    fn new_version(
        &self,
        doc: &mut Doc,
        target: StateSnapshot,
        operation: &str,
        note: String,
    ) -> bool {
        let changes = diff(&doc.state, &target);
        if changes.is_empty() && target.lineage == doc.state.lineage {
            return false;
        }
        doc.state = StateSnapshot {
            serial: doc.state.serial + 1,
            ..target
        };
        doc.version = Some(VersionMeta {
            operation: operation.to_string(),
            who: self.who.clone(),
            time: Timestamp::now(),
            note,
            changes,
        });
        true
    }

    fn history_versions(&self, env: &str) -> Result<BTreeMap<u64, history::Version>, StateError> {
        self.check_versioning()?;
        history::versions(&self.s3, &self.versions, env)
    }
}

/// Each subject's before and after between two states, in the version log's record form.
fn diff(current: &StateSnapshot, target: &StateSnapshot) -> Vec<VersionChange> {
    let mut out = Vec::new();
    let addresses: BTreeSet<&String> = current
        .resources
        .keys()
        .chain(target.resources.keys())
        .collect();
    for a in addresses {
        let (b, t) = (current.resources.get(a), target.resources.get(a));
        if b != t {
            out.push(VersionChange {
                subject: Subject::Instance(a.clone()),
                before: b.map(|i| instance_record(i)),
                after: t.map(|i| instance_record(i)),
            });
        }
    }
    let names: BTreeSet<&String> = current
        .outputs
        .keys()
        .chain(target.outputs.keys())
        .collect();
    for n in names {
        let (b, t) = (current.outputs.get(n), target.outputs.get(n));
        if b != t {
            out.push(VersionChange {
                subject: Subject::Output(n.clone()),
                before: b.map(output_record),
                after: t.map(output_record),
            });
        }
    }
    out
}

/// Resolves intent `id` in `doc`: true when it was open; an ID never handed out is an error.
fn resolve(doc: &mut Doc, env: &str, id: i64) -> Result<bool, StateError> {
    if let Some(pos) = doc.intents.iter().position(|i| i.id == id) {
        doc.intents.remove(pos);
        return Ok(true);
    }
    if id >= 1 && id < doc.next_intent_id {
        return Ok(false); // resolved before: harmless
    }
    Err(StateError::IntentNotFound {
        env: env.into(),
        id,
    })
}

/// The instance stored under `address` as given, or as spelled canonically.
fn find<'a>(state: &'a StateSnapshot, address: &str) -> Option<&'a ResourceInstance> {
    let found = state.resources.get(address).or_else(|| {
        parse_instance_address(address)
            .ok()
            .and_then(|a| state.resources.get(&a.to_string()))
    });
    found.map(|i| &**i)
}

impl StateStore for S3Store {
    fn environments(&self) -> Result<Vec<String>, StateError> {
        let s = &self.s3.settings;
        let (s3, p1, p2) = (
            Arc::clone(&self.s3),
            s.key.clone(),
            format!("{}/", s.workspace_key_prefix),
        );
        let keys = block(async move {
            let mut keys = s3.list_keys(&p1).await?;
            keys.extend(s3.list_keys(&p2).await?);
            Ok::<_, crate::client::Failure>(keys)
        })??;
        let envs: BTreeSet<String> = keys.iter().filter_map(|k| s.environment_of(k)).collect();
        Ok(envs.into_iter().collect())
    }

    fn load(&self, env: &str) -> Result<StateSnapshot, StateError> {
        check_env(env)?;
        Ok(self.refresh(env)?.state)
    }

    fn lock(&self, env: &str, info: LockInfo, timeout: Duration) -> Result<StateLock, StateError> {
        check_env(env)?;
        crate::lock::lock(&self.s3, env, info, timeout)
    }

    fn force_unlock(&self, env: &str, id: &str) -> Result<(), StateError> {
        check_env(env)?;
        crate::lock::force_unlock(&self.s3, env, id)
    }

    fn begin_intent(&self, env: &str, intent: Intent) -> Result<i64, StateError> {
        self.modify(env, |doc| {
            let id = doc.next_intent_id;
            doc.next_intent_id += 1;
            doc.intents.push(IntentRow {
                id,
                environment: env.to_string(),
                address: intent.address,
                action: intent.action,
                marker: intent.marker,
                planned: intent.planned,
                created: Timestamp::now(),
                resolved: None,
            });
            Ok((id, true))
        })
    }

    fn commit_change(&self, env: &str, change: Change) -> Result<u64, StateError> {
        if let Some(new) = &change.new {
            let actual = new.address();
            if actual != change.address {
                return Err(StateError::Conflict(format!(
                    "the change for `{}` carries an instance whose address is `{actual}`",
                    change.address
                )));
            }
        }
        self.modify(env, |doc| {
            let resolved = match change.intent {
                Some(id) => resolve(doc, env, id)?,
                None => false,
            };
            let mut target = doc.state.clone();
            match change.new {
                Some(i) => target.resources.insert(change.address.clone(), Arc::new(i)),
                None => target.resources.remove(&change.address),
            };
            let versioned = self.new_version(doc, target, &change.operation, String::new());
            Ok((doc.state.serial, versioned || resolved))
        })
    }

    fn set_outputs(
        &self,
        env: &str,
        outputs: BTreeMap<String, OutputValue>,
    ) -> Result<u64, StateError> {
        self.modify(env, |doc| {
            let target = StateSnapshot {
                outputs,
                ..doc.state.clone()
            };
            let changed = self.new_version(doc, target, "outputs", String::new());
            Ok((doc.state.serial, changed))
        })
    }

    fn open_intents(&self, env: &str) -> Result<Vec<IntentRow>, StateError> {
        check_env(env)?;
        Ok(self.refresh(env)?.intents)
    }

    fn resolve_intent(&self, env: &str, id: i64) -> Result<(), StateError> {
        self.modify(env, |doc| Ok(((), resolve(doc, env, id)?)))
    }

    fn history(&self, env: &str) -> Result<Vec<VersionRow>, StateError> {
        check_env(env)?;
        let current = self.refresh(env)?.state;
        if current.serial == 0 {
            return Ok(Vec::new());
        }
        let versions = self.history_versions(env)?;
        Ok(versions
            .range(1..=current.serial)
            .map(|(serial, v)| history::row(*serial, v))
            .collect())
    }

    fn version_changes(&self, env: &str, serial: u64) -> Result<Vec<VersionChange>, StateError> {
        check_env(env)?;
        let current = self.refresh(env)?;
        let latest = current.state.serial;
        if serial == 0 || serial > latest {
            return Err(StateError::NoSuchVersion {
                env: env.into(),
                serial,
                latest,
            });
        }
        let meta = if serial == latest {
            current.version
        } else {
            let versions = self.history_versions(env)?;
            versions.get(&serial).and_then(|v| v.doc.version.clone())
        };
        let mut changes = meta.map(|m| m.changes).unwrap_or_default();
        changes.sort_by(|a, b| a.subject.cmp(&b.subject));
        Ok(changes)
    }

    fn snapshot_at(&self, env: &str, serial: u64) -> Result<StateSnapshot, StateError> {
        check_env(env)?;
        let current = self.refresh(env)?.state;
        if serial == current.serial && serial > 0 {
            return Ok(current);
        }
        if current.serial == 0 {
            return history::snapshot_at(&BTreeMap::new(), env, serial, &current);
        }
        let versions = self.history_versions(env)?;
        history::snapshot_at(&versions, env, serial, &current)
    }

    fn rollback(&self, env: &str, serial: u64) -> Result<u64, StateError> {
        let target = self.snapshot_at(env, serial)?;
        self.modify(env, |doc| {
            if doc.state.serial == 0 && serial == 0 {
                return Ok((0, false));
            }
            let target = StateSnapshot {
                serial: doc.state.serial,
                ..target
            };
            let changed = self.new_version(doc, target, "rollback", format!("to serial {serial}"));
            Ok((doc.state.serial, changed))
        })
    }

    fn remove(&self, env: &str, address: &str) -> Result<u64, StateError> {
        self.modify(env, |doc| {
            let inst = find(&doc.state, address)
                .ok_or_else(|| StateError::NotFound(address.to_string()))?;
            let mut target = doc.state.clone();
            target.resources.remove(&inst.address());
            let changed = self.new_version(doc, target, "state rm", String::new());
            Ok((doc.state.serial, changed))
        })
    }

    fn move_instance(&self, env: &str, from: &str, to: &str) -> Result<u64, StateError> {
        let target_addr = parse_instance_address(to)?;
        self.modify(env, |doc| {
            let old = find(&doc.state, from)
                .ok_or_else(|| StateError::NotFound(from.to_string()))?
                .clone();
            let (from, to) = (old.address(), target_addr.to_string());
            if from == to {
                return Ok((doc.state.serial, false));
            }
            if target_addr.mode != old.mode || target_addr.type_name != old.type_name {
                return Err(StateError::Conflict(format!(
                    "cannot move `{from}` to `{to}`: an instance can only move to an address of \
                     the same resource type (`{}`)",
                    old.type_name
                )));
            }
            if doc.state.resources.contains_key(&to) {
                return Err(StateError::Conflict(format!(
                    "cannot move `{from}` to `{to}`: `{to}` is already in the state; remove it \
                     first or choose another address"
                )));
            }
            let new = ResourceInstance {
                module: target_addr.module,
                name: target_addr.name,
                index: target_addr.index,
                ..old
            };
            let mut target = doc.state.clone();
            target.resources.remove(&from);
            target.resources.insert(to, Arc::new(new));
            let changed = self.new_version(doc, target, "state mv", String::new());
            Ok((doc.state.serial, changed))
        })
    }

    fn replace_all(
        &self,
        env: &str,
        snapshot: StateSnapshot,
        operation: &str,
    ) -> Result<u64, StateError> {
        if let Some((key, inst)) = snapshot.resources.iter().find(|(k, i)| **k != i.address()) {
            return Err(StateError::Conflict(format!(
                "the snapshot lists the instance `{}` under the address `{key}`",
                inst.address()
            )));
        }
        self.modify(env, |doc| {
            let lineage = if snapshot.lineage.trim().is_empty() {
                doc.state.lineage.clone()
            } else {
                snapshot.lineage
            };
            let target = StateSnapshot {
                lineage,
                serial: doc.state.serial,
                resources: snapshot.resources,
                outputs: snapshot.outputs,
            };
            let changed = self.new_version(doc, target, operation, String::new());
            Ok((doc.state.serial, changed))
        })
    }
}
