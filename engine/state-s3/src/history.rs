//! History from object versions: `ListObjectVersions` on the state key lists every version;
//! each version's document says which serial it is and what that serial changed (see `doc.rs`).
//! Versions are immutable, so a decoded version is cached by its version ID for the life of the
//! store. Several object versions can share a serial (writes that only record intents); they
//! describe the same version, and the newest of them is used.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use infra_state::{
    ChangeKind, ChangeSummary, StateError, StateSnapshot, VersionChange, VersionRow,
};

use crate::client::{block, S3};
use crate::doc::{Doc, VersionMeta};

/// Decoded object versions by version ID.
#[derive(Default)]
pub(crate) struct VersionCache {
    docs: Mutex<HashMap<String, Arc<Doc>>>,
}

/// One serial's newest object version.
pub(crate) struct Version {
    pub doc: Arc<Doc>,
    pub last_modified_millis: i64,
}

impl VersionCache {
    fn get(&self, id: &str) -> Option<Arc<Doc>> {
        self.docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    fn put(&self, id: String, doc: Arc<Doc>) {
        self.docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, doc);
    }
}

/// Every version of `env`'s state object by serial (serial 0, written by intents before the
/// first change, included).
pub(crate) fn versions(
    s3: &Arc<S3>,
    cache: &VersionCache,
    env: &str,
) -> Result<BTreeMap<u64, Version>, StateError> {
    let key = s3.settings.state_key(env);
    let (s3c, k) = (Arc::clone(s3), key.clone());
    let mut entries = block(async move { s3c.versions(&k).await })??;
    entries.retain(|e| !e.deleted);
    // Oldest first, so the newest object version of a serial wins.
    entries.sort_by_key(|e| e.last_modified_millis);
    let missing: Vec<String> = entries
        .iter()
        .filter(|e| cache.get(&e.version_id).is_none())
        .map(|e| e.version_id.clone())
        .collect();
    if !missing.is_empty() {
        let (s3c, k) = (Arc::clone(s3), key.clone());
        let fetched = block(async move {
            let mut set = tokio::task::JoinSet::new();
            for id in missing {
                let (s3c, k) = (Arc::clone(&s3c), k.clone());
                set.spawn(async move {
                    let got = s3c.get(&k, Some(&id)).await;
                    (id, got)
                });
            }
            let mut out = Vec::new();
            while let Some(r) = set.join_next().await {
                if let Ok(r) = r {
                    out.push(r);
                }
            }
            out
        })?;
        for (id, got) in fetched {
            let obj = got?.ok_or_else(|| {
                StateError::Backend(format!(
                    "version `{id}` of `{}` was listed but cannot be read",
                    s3.settings.url(&key)
                ))
            })?;
            let url = format!("{} (version {id})", s3.settings.url(&key));
            let doc = Doc::decode(&obj.bytes, env, &url)?;
            cache.put(id, Arc::new(doc));
        }
    }
    let mut out = BTreeMap::new();
    for e in entries {
        if let Some(doc) = cache.get(&e.version_id) {
            out.insert(
                doc.state.serial,
                Version {
                    doc,
                    last_modified_millis: e.last_modified_millis,
                },
            );
        }
    }
    Ok(out)
}

/// A history row from a version.
pub(crate) fn row(serial: u64, v: &Version) -> VersionRow {
    let meta = v.doc.version.clone().unwrap_or_else(|| VersionMeta {
        operation: "external write".into(),
        who: String::new(),
        time: infra_state::Timestamp::from_millis(v.last_modified_millis),
        note: "written without infra's version record (by Terraform?)".into(),
        changes: Vec::new(),
    });
    VersionRow {
        serial,
        time: meta.time,
        operation: meta.operation,
        who: meta.who,
        lineage: v.doc.state.lineage.clone(),
        note: meta.note,
        changes: meta.changes.iter().map(summary).collect(),
    }
}

fn summary(c: &VersionChange) -> ChangeSummary {
    ChangeSummary {
        subject: c.subject.clone(),
        kind: match (&c.before, &c.after) {
            (None, _) => ChangeKind::Create,
            (Some(_), None) => ChangeKind::Delete,
            (Some(_), Some(_)) => ChangeKind::Update,
        },
    }
}

/// The state right after version `serial` (0: empty, with the first version's lineage).
pub(crate) fn snapshot_at(
    versions: &BTreeMap<u64, Version>,
    env: &str,
    serial: u64,
    current: &StateSnapshot,
) -> Result<StateSnapshot, StateError> {
    let latest = current.serial;
    if serial > latest {
        return Err(StateError::NoSuchVersion {
            env: env.into(),
            serial,
            latest,
        });
    }
    if serial == 0 {
        let lineage = versions
            .range(1..)
            .next()
            .map(|(_, v)| v.doc.state.lineage.clone())
            .unwrap_or_else(|| current.lineage.clone());
        return Ok(StateSnapshot {
            lineage,
            ..StateSnapshot::default()
        });
    }
    match versions.get(&serial) {
        Some(v) => Ok(v.doc.state.clone()),
        None => Err(StateError::Backend(format!(
            "version {serial} of environment `{env}` is no longer in the bucket (an object version \
             was deleted, or versioning was off when it was written)"
        ))),
    }
}
