//! Concurrency limits of running invocations
//! (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html>).
//!
//! Each account has a concurrency limit per region. A function with reserved
//! concurrency (PutFunctionConcurrency) runs at most that many invocations at
//! once, and no other function can use that share. Every other function
//! shares the rest: the account limit minus all reservations. An invocation
//! keeps a [`Slot`] while it runs. A synchronous invocation that finds no
//! free slot fails with TooManyRequestsException (429), whose `Reason` names
//! the limit that was reached
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;

use crate::http::HttpResponse;
use crate::store::Namespace;

/// The default concurrency limit of an account in one region
/// (<https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>).
pub const DEFAULT_ACCOUNT_LIMIT: usize = 1000;

/// The limit an invocation reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// The function's reserved concurrency is in use, or is 0.
    Reserved,
    /// The account's unreserved concurrency is in use.
    Account,
}

impl Throttle {
    /// Returns the `Reason` member of TooManyRequestsException.
    pub fn reason(self) -> &'static str {
        match self {
            Throttle::Reserved => "ReservedFunctionConcurrentInvocationLimitExceeded",
            Throttle::Account => "ConcurrentInvocationLimitExceeded",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Throttle::Reserved => {
                "Rate Exceeded. The function's reserved concurrency is in use; raise it with PutFunctionConcurrency or retry later."
            }
            Throttle::Account => "Rate Exceeded. The account's unreserved concurrency is in use; retry later.",
        }
    }

    /// Builds the TooManyRequestsException response.
    pub fn response(self, request_id: &str) -> HttpResponse {
        let body = serde_json::json!({ "Type": "User", "message": self.message(), "Reason": self.reason() });
        let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert("x-amzn-errortype", HeaderValue::from_static("TooManyRequestsException"));
        // NOTE: unverified which Retry-After value Lambda sends; one second is a guess.
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        if let Ok(value) = HeaderValue::from_str(request_id) {
            headers.insert("x-amzn-requestid", value);
        }
        response
    }
}

/// Running invocations in one account and region.
#[derive(Debug, Default)]
struct Usage {
    /// Invocations of functions without reserved concurrency.
    unreserved: usize,
    /// Invocations by unqualified function ARN.
    by_function: HashMap<String, usize>,
}

#[derive(Debug)]
struct State {
    account_limit: usize,
    by_namespace: HashMap<Namespace, Usage>,
}

/// The running invocations of every account, and the account limit.
#[derive(Debug, Clone)]
pub struct Concurrency {
    state: Arc<Mutex<State>>,
}

impl Default for Concurrency {
    fn default() -> Concurrency {
        Concurrency {
            state: Arc::new(Mutex::new(State { account_limit: DEFAULT_ACCOUNT_LIMIT, by_namespace: HashMap::new() })),
        }
    }
}

/// The limits of one function, as [`Concurrency::acquire`] checks them.
pub struct FunctionLimits<'a> {
    pub namespace: &'a Namespace,
    pub function_arn: &'a str,
    /// The function's reserved concurrency, if any.
    pub reserved: Option<i64>,
    /// The sum of every reservation in the namespace, this function's included.
    pub reserved_total: i64,
}

/// A running invocation's share of concurrency, released when dropped.
#[derive(Debug)]
pub struct Slot {
    state: Arc<Mutex<State>>,
    namespace: Namespace,
    function_arn: String,
    unreserved: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = lock(&self.state);
        let Some(usage) = state.by_namespace.get_mut(&self.namespace) else {
            return;
        };
        if self.unreserved {
            usage.unreserved = usage.unreserved.saturating_sub(1);
        }
        if let Some(count) = usage.by_function.get_mut(&self.function_arn) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                usage.by_function.remove(&self.function_arn);
            }
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Concurrency {
    /// Sets the account limit per region for every account.
    pub fn set_account_limit(&self, limit: usize) {
        lock(&self.state).account_limit = limit;
    }

    /// Returns the number of running invocations of a function.
    pub fn running(&self, namespace: &Namespace, function_arn: &str) -> usize {
        let state = lock(&self.state);
        state.by_namespace.get(namespace).and_then(|usage| usage.by_function.get(function_arn)).copied().unwrap_or(0)
    }

    /// Takes a slot for one invocation, or reports the limit that is reached.
    pub fn acquire(&self, function: &FunctionLimits<'_>) -> Result<Slot, Throttle> {
        let mut state = lock(&self.state);
        let account_limit = state.account_limit;
        let usage = state.by_namespace.entry(function.namespace.clone()).or_default();
        let running = usage.by_function.get(function.function_arn).copied().unwrap_or(0);
        let unreserved = match function.reserved {
            Some(reserved) => {
                if i64::try_from(running).unwrap_or(i64::MAX) >= reserved {
                    return Err(Throttle::Reserved);
                }
                false
            }
            None => {
                let reserved_total = usize::try_from(function.reserved_total).unwrap_or(0);
                if usage.unreserved >= account_limit.saturating_sub(reserved_total) {
                    return Err(Throttle::Account);
                }
                usage.unreserved += 1;
                true
            }
        };
        *usage.by_function.entry(function.function_arn.to_owned()).or_default() += 1;
        Ok(Slot {
            state: self.state.clone(),
            namespace: function.namespace.clone(),
            function_arn: function.function_arn.to_owned(),
            unreserved,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits<'a>(namespace: &'a Namespace, arn: &'a str, reserved: Option<i64>, total: i64) -> FunctionLimits<'a> {
        FunctionLimits { namespace, function_arn: arn, reserved, reserved_total: total }
    }

    #[test]
    fn reserved_limit_throttles_and_releases() {
        let concurrency = Concurrency::default();
        let namespace = Namespace::new("111111111111", "eu-west-1");
        let first = concurrency.acquire(&limits(&namespace, "f", Some(1), 1)).expect("one slot is free");
        let second = concurrency.acquire(&limits(&namespace, "f", Some(1), 1));
        assert_eq!(second.err(), Some(Throttle::Reserved), "a second invocation exceeds a reservation of 1");
        drop(first);
        assert!(concurrency.acquire(&limits(&namespace, "f", Some(1), 1)).is_ok(), "a released slot is reused");
    }

    #[test]
    fn zero_reservation_always_throttles() {
        let concurrency = Concurrency::default();
        let namespace = Namespace::new("111111111111", "eu-west-1");
        assert_eq!(concurrency.acquire(&limits(&namespace, "f", Some(0), 0)).err(), Some(Throttle::Reserved));
    }

    #[test]
    fn account_limit_excludes_reservations() {
        let concurrency = Concurrency::default();
        concurrency.set_account_limit(3);
        let namespace = Namespace::new("111111111111", "eu-west-1");
        let _slot = concurrency.acquire(&limits(&namespace, "a", None, 2)).expect("one unreserved slot");
        let throttled = concurrency.acquire(&limits(&namespace, "b", None, 2));
        assert_eq!(throttled.err(), Some(Throttle::Account), "2 of 3 are reserved, so one unreserved slot exists");
        let other_region = Namespace::new("111111111111", "us-east-1");
        assert!(concurrency.acquire(&limits(&other_region, "b", None, 0)).is_ok(), "the limit is per region");
    }
}
