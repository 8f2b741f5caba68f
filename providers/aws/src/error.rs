//! The provider's errors, and how they become diagnostics.
//!
//! Every SDK call maps its error into [`Error`] at the call site, naming the AWS operation
//! (`CreateVpc`). The framework turns an [`Error`] into a diagnostic that says what was being done
//! (`creating aws_vpc`), the operation, and the AWS error code and message; the engine adds the
//! resource address. Throttling and transient failures are retried inside the SDK (standard retry
//! mode, exponential backoff with jitter, `max_retries`); what is retried here is described in
//! [`crate::retry`].

use std::time::Duration;

use aws_sdk_ec2::config::http::HttpResponse;
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use infra_core::{Diagnostic, Diagnostics};

/// What went wrong in the provider.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// AWS answered with an error.
    #[error("{operation} returned {code}: {message}")]
    Api {
        operation: &'static str,
        code: String,
        message: String,
        status: Option<u16>,
    },
    /// The request got no answer from AWS (connection refused, timeout, TLS, credentials).
    #[error("{operation} failed: {message}")]
    Transport {
        operation: &'static str,
        message: String,
    },
    /// An operation kept failing with a retryable error until its timeout ran out.
    #[error("still failing after {elapsed:?} of retrying: {last}")]
    TimedOut {
        elapsed: Duration,
        #[source]
        last: Box<Error>,
    },
    /// An object did not appear (or disappear) within its timeout.
    #[error("{what} did not happen within {elapsed:?}")]
    WaitTimedOut { what: String, elapsed: Duration },
    /// The engine asked the provider to stop while it was waiting.
    #[error("interrupted while {what}")]
    Interrupted { what: String },
    /// The object `id` was created, but a later step of the create failed (see
    /// [`crate::framework`], which deletes it again).
    #[error("{source}")]
    AfterCreate {
        id: String,
        #[source]
        source: Box<Error>,
    },
    /// A problem with the values the provider was given, already phrased as diagnostics.
    #[error("invalid input")]
    Invalid(Diagnostics),
}

/// Result of a provider operation.
pub(crate) type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Maps an SDK error of `operation`.
    pub(crate) fn sdk<E>(operation: &'static str, e: SdkError<E, HttpResponse>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = e.raw_response().map(|r| r.status().as_u16());
        match (&e, e.code()) {
            (SdkError::ServiceError(_), Some(code)) => Error::Api {
                operation,
                code: code.to_string(),
                message: e.message().unwrap_or_default().to_string(),
                status,
            },
            // S3 answers HEAD requests with a bare status and no error document.
            (SdkError::ServiceError(_), None) => Error::Api {
                operation,
                code: match status {
                    Some(404) => "NotFound".to_string(),
                    Some(s) => format!("HTTP{s}"),
                    None => "Unknown".to_string(),
                },
                message: e.message().unwrap_or("(no message)").to_string(),
                status,
            },
            _ => Error::Transport {
                operation,
                message: DisplayErrorContext(&e).to_string(),
            },
        }
    }

    /// Marks an error that happened after the object `id` was created.
    pub(crate) fn after_create(id: &str) -> impl FnOnce(Error) -> Error + '_ {
        move |e| Error::AfterCreate {
            id: id.to_string(),
            source: Box::new(e),
        }
    }

    /// An internal inconsistency; a bug in infra.
    pub(crate) fn bug(detail: impl Into<String>) -> Error {
        Error::Invalid(
            Diagnostic::error(
                "Provider bug",
                format!("{} This is a bug in infra.", detail.into()),
            )
            .into(),
        )
    }

    /// A value in the configuration or state the provider cannot use.
    pub(crate) fn invalid(summary: &str, detail: impl Into<String>) -> Error {
        Error::Invalid(Diagnostic::error(summary, detail).into())
    }

    /// The AWS error code, when AWS answered.
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            Error::TimedOut { last, .. } => last.code(),
            Error::AfterCreate { source, .. } => source.code(),
            _ => None,
        }
    }

    /// Whether AWS said the object does not exist (`InvalidVpcID.NotFound`, `NoSuchBucket`, 404).
    pub(crate) fn is_not_found(&self) -> bool {
        match self {
            Error::Api { code, status, .. } => {
                code.ends_with("NotFound")
                    || code.ends_with(".NotFound")
                    || code == "NoSuchBucket"
                    || *status == Some(404)
            }
            _ => false,
        }
    }

    /// Whether AWS refused because another object still depends on this one.
    pub(crate) fn is_dependency_violation(&self) -> bool {
        self.code() == Some("DependencyViolation")
    }

    /// The diagnostics for this error while `doing` something (`creating aws_vpc`).
    pub(crate) fn into_diagnostics(self, doing: &str) -> Diagnostics {
        let this = match self {
            Error::Invalid(d) => return d,
            Error::AfterCreate { source, .. } => return source.into_diagnostics(doing),
            this => this,
        };
        let summary = match &this {
            Error::Api { .. } => "AWS API error",
            Error::Transport { .. } => "AWS request failed",
            Error::TimedOut { .. } | Error::WaitTimedOut { .. } => "Timed out waiting for AWS",
            Error::Interrupted { .. } => "Operation interrupted",
            Error::AfterCreate { .. } | Error::Invalid(_) => unreachable!("returned above"),
        };
        let mut detail = format!("Error {doing}: {this}.");
        if let Some(hint) = this.hint() {
            detail.push(' ');
            detail.push_str(hint);
        }
        Diagnostic::error(summary, detail).into()
    }

    fn hint(&self) -> Option<&'static str> {
        if self.is_dependency_violation() {
            return Some(
                "Another object still uses this one; delete or detach it first (infra deletes dependents \
                 it manages before their dependencies), or raise the resource's `timeouts { delete }`.",
            );
        }
        match self.code() {
            Some("BucketNotEmpty") => Some(
                "Set `force_destroy = true` on the bucket (and apply) to delete it with its objects, or empty it first.",
            ),
            Some("AuthFailure" | "UnauthorizedOperation" | "InvalidClientTokenId" | "SignatureDoesNotMatch" | "AccessDenied") => Some(
                "Check the provider's credentials (access_key/secret_key, profile, or the AWS_* environment \
                 variables) and that they allow this operation.",
            ),
            _ => match self {
                Error::Transport { .. } => Some(
                    "Check the network, the provider's region and endpoints, and that credentials are available.",
                ),
                _ => None,
            },
        }
    }
}

/// For reads of an object that may be gone: a "not found" error becomes `Ok(None)`.
pub(crate) fn none_if_not_found<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> Error {
        Error::Api {
            operation: "DeleteVpc",
            code: code.into(),
            message: "msg".into(),
            status: Some(400),
        }
    }

    #[test]
    fn not_found_codes_are_recognised() {
        assert!(api("InvalidVpcID.NotFound").is_not_found());
        assert!(api("NoSuchBucket").is_not_found());
        assert!(!api("DependencyViolation").is_not_found());
        assert!(api("DependencyViolation").is_dependency_violation());
    }

    #[test]
    fn diagnostics_name_the_action_operation_code_and_message() {
        let d = api("DependencyViolation").into_diagnostics("deleting aws_vpc");
        let d = &d.0[0];
        assert_eq!(d.summary, "AWS API error");
        assert!(
            d.detail.starts_with(
                "Error deleting aws_vpc: DeleteVpc returned DependencyViolation: msg."
            ),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("timeouts"), "{}", d.detail);
        let t = Error::TimedOut {
            elapsed: Duration::from_secs(3),
            last: Box::new(api("DependencyViolation")),
        };
        assert_eq!(t.code(), Some("DependencyViolation"));
        let d = t.into_diagnostics("deleting aws_vpc");
        assert_eq!(d.0[0].summary, "Timed out waiting for AWS");
        assert!(
            d.0[0]
                .detail
                .contains("DeleteVpc returned DependencyViolation"),
            "{}",
            d.0[0].detail
        );
    }
}
