//! The state lock: a lock object next to the state (`<key>.tflock`, Terraform's `use_lockfile`),
//! created with `If-None-Match: *` so that of several contenders exactly one succeeds. It holds
//! Terraform's lock info JSON (`ID`, `Operation`, `Info`, `Who`, `Version`, `Created`, `Path`),
//! plus `Host`, `Pid` and `CreatedMillis`, which Terraform ignores.
//!
//! A contender that finds the object waits and retries until its timeout, then reports the
//! holder read from the object. Releasing deletes the object only while it is still ours (same
//! lock ID, and `If-Match` on the ETag we read). S3 cannot notice that a holder died: a lock left
//! by a killed process stays until `infra force-unlock ID`, as with Terraform.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use infra_state::{new_uuid, LockInfo, StateError, StateLock, Timestamp};

use crate::client::{block, Condition, Failure, S3};

/// How long to sleep between attempts while another process holds the lock.
const RETRY: Duration = Duration::from_millis(250);

fn encode(info: &LockInfo, path: &str) -> Vec<u8> {
    let doc = json!({
        "ID": info.id,
        "Operation": info.operation,
        "Info": info.info,
        "Who": info.who,
        "Version": concat!("infra ", env!("CARGO_PKG_VERSION")),
        "Created": info.since.to_string(),
        "Path": path,
        "Host": info.host,
        "Pid": info.pid,
        "CreatedMillis": info.since.unix_millis,
    });
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// Reads lock info JSON (ours or Terraform's).
fn decode(bytes: &[u8]) -> Option<LockInfo> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let who = s("Who");
    let host = match s("Host") {
        h if h.is_empty() => who
            .rsplit_once('@')
            .map(|(_, h)| h.to_string())
            .unwrap_or_default(),
        h => h,
    };
    Some(LockInfo {
        id: v.get("ID")?.as_str()?.to_string(),
        operation: s("Operation"),
        who,
        host,
        pid: v
            .get("Pid")
            .and_then(Value::as_u64)
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(0),
        since: Timestamp::from_millis(v.get("CreatedMillis").and_then(Value::as_i64).unwrap_or(0)),
        info: s("Info"),
    })
}

/// The current holder and the lock object's ETag; `None` when nobody holds the lock.
fn holder(s3: &Arc<S3>, env: &str) -> Result<Option<(LockInfo, String)>, StateError> {
    let key = s3.settings.lock_key(env);
    let s3c = Arc::clone(s3);
    let k = key.clone();
    let Some(obj) = block(async move { s3c.get(&k, None).await })?? else {
        return Ok(None);
    };
    let info = decode(&obj.bytes).unwrap_or_else(|| LockInfo {
        id: "unknown".into(),
        operation: "unknown".into(),
        who: "unknown".into(),
        host: "unknown".into(),
        pid: 0,
        since: Timestamp::default(),
        info: format!(
            "the lock object `{}` does not hold readable lock info",
            s3.settings.url(&key)
        ),
    });
    Ok(Some((info, obj.etag)))
}

/// Deletes the lock object if it still has `etag`; where the service does not support
/// conditional deletes, deletes it unconditionally (the ID was checked just before).
fn delete(s3: &Arc<S3>, key: &str, etag: &str) -> Result<(), StateError> {
    let (s3c, k, e) = (Arc::clone(s3), key.to_string(), etag.to_string());
    match block(async move { s3c.delete_if(&k, &e).await })? {
        Ok(()) => Ok(()),
        Err(f) if f.status == Some(501) || f.code.as_deref() == Some("NotImplemented") => {
            let (s3c, k) = (Arc::clone(s3), key.to_string());
            block(async move { s3c.delete(&k).await })?.map_err(Failure::into_state)
        }
        Err(f) if f.is_conflict() => Ok(()), // replaced meanwhile: no longer ours to delete
        Err(f) => Err(f.into_state()),
    }
}

pub(crate) fn lock(
    s3: &Arc<S3>,
    env: &str,
    mut info: LockInfo,
    timeout: Duration,
) -> Result<StateLock, StateError> {
    let key = s3.settings.lock_key(env);
    let path = format!("{}/{}", s3.settings.bucket, s3.settings.state_key(env));
    let deadline = Instant::now() + timeout;
    let mut vanished = 0;
    loop {
        info.id = new_uuid();
        info.pid = std::process::id();
        info.since = Timestamp::now();
        let body = encode(&info, &path);
        let (s3c, k) = (Arc::clone(s3), key.clone());
        match block(async move { s3c.put(&k, body, Condition::Absent).await })? {
            Ok(_) => {
                let (s3r, env_name, id) = (Arc::clone(s3), env.to_string(), info.id.clone());
                let release = move || match holder(&s3r, &env_name)? {
                    Some((h, etag)) if h.id == id => {
                        delete(&s3r, &s3r.settings.lock_key(&env_name), &etag)
                    }
                    // Force-unlocked (and maybe taken by someone else since): not ours to delete.
                    _ => Ok(()),
                };
                return Ok(StateLock::new(env, info, Box::new(release)));
            }
            Err(f) if f.is_conflict() => {
                let now = Instant::now();
                if now < deadline {
                    std::thread::sleep(RETRY.min(deadline - now));
                    continue;
                }
                match holder(s3, env)? {
                    Some((h, _)) => {
                        return Err(StateError::Locked {
                            env: env.to_string(),
                            holder: Box::new(h),
                        })
                    }
                    // Released between our attempt and the read: try again, a few times.
                    None if vanished < 3 => vanished += 1,
                    None => {
                        return Err(StateError::Backend(format!(
                            "the state lock `{}` keeps changing hands: try again",
                            s3.settings.url(&key)
                        )))
                    }
                }
            }
            Err(f) => return Err(f.into_state()),
        }
    }
}

pub(crate) fn force_unlock(s3: &Arc<S3>, env: &str, id: &str) -> Result<(), StateError> {
    let Some((current, etag)) = holder(s3, env)? else {
        return Err(StateError::NotLocked {
            env: env.to_string(),
        });
    };
    if current.id != id {
        return Err(StateError::LockIdMismatch {
            env: env.into(),
            given: id.into(),
            holder: Box::new(current),
        });
    }
    delete(s3, &s3.settings.lock_key(env), &etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_info_round_trips_and_reads_terraforms() {
        let mut info = LockInfo::new("apply");
        info.id = "abc".into();
        info.info = "plan.tfplan".into();
        let back = decode(&encode(&info, "b/k")).unwrap_or_else(|| LockInfo::new("x"));
        assert_eq!(back, info);
        let tf = br#"{"ID":"x-1","Operation":"OperationTypeApply","Info":"","Who":"bob@box","Version":"1.10.0","Created":"2024-01-01T00:00:00Z","Path":"b/k"}"#;
        let h = decode(tf).unwrap_or_else(|| LockInfo::new("x"));
        assert_eq!(
            (h.id.as_str(), h.who.as_str(), h.host.as_str()),
            ("x-1", "bob@box", "box")
        );
    }
}
