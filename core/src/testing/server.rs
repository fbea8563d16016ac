//! The fake's HTTP server: hyper on a current-thread tokio runtime, on its own thread.

use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use super::api::{Call, error};
use super::{Fault, RecordedRequest, Shared};
use crate::wire::version::ApiVersion;

/// The largest request body the fake reads.
const BODY_LIMIT: usize = 1024 * 1024;

/// Binds 127.0.0.1 on a random port and serves on a new thread until `stop` is sent
/// (or dropped). Returns the base URL.
pub(crate) fn spawn(
    shared: Arc<Shared>,
) -> std::io::Result<(String, oneshot::Sender<()>, std::thread::JoinHandle<()>)> {
    let listener = StdListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    listener.set_nonblocking(true)?;
    let url = format!("http://{}", listener.local_addr()?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    // Webhook deliveries run beside the server.
    shared.webhooks.set_runtime(runtime.handle().clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("fake-clerk".to_owned())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                tokio::spawn(accept(listener, shared));
                let _ = stopped.await;
            });
            // Dropping the runtime ends every connection task.
        })?;
    Ok((url, stop, thread))
}

async fn accept(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: wait rather than spin.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(shared.clone(), request));
            // A connection ends with an error when a fault drops it: nothing to do.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A fault that closes the connection: the service fails, and hyper closes the
/// connection without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

fn respond(status: u16, retry_after: Option<String>, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    if let Some(value) = retry_after.and_then(|v| hyper::header::HeaderValue::try_from(v).ok()) {
        headers.insert(hyper::header::RETRY_AFTER, value);
    }
    response
}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(body) => body.to_bytes().to_vec(),
        Err(_) => {
            let trace = shared.traces.fetch_add(1, Ordering::Relaxed);
            let answer = error(
                413,
                "request_body_too_large",
                "The request body is too large",
                None,
                trace,
            );
            return Ok(reply(answer));
        }
    };
    let authorized = bearer_is(&parts.headers, shared.key.expose());
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let headers = parts
        .headers
        .iter()
        .filter(|(name, _)| *name != hyper::header::AUTHORIZATION && *name != hyper::header::COOKIE)
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path,
        headers,
        authorized,
        body,
    };
    shared.record(recorded.clone());

    let delay = match shared.next_fault(&recorded) {
        Some(Fault::Status {
            status,
            body,
            headers,
        }) => {
            // An injected failure also closes the connection, as a failing proxy does,
            // so the client's next attempt starts on a fresh one.
            let mut response = respond(status, None, body);
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    hyper::header::HeaderName::try_from(name),
                    hyper::header::HeaderValue::try_from(value),
                ) {
                    response.headers_mut().insert(name, value);
                }
            }
            response.headers_mut().insert(
                hyper::header::CONNECTION,
                hyper::header::HeaderValue::from_static("close"),
            );
            return Ok(response);
        }
        Some(Fault::DropConnection) => return Err(Dropped),
        Some(Fault::Delay(delay)) => Some(delay),
        None => None,
    };
    // Processed in a task of its own, so a client that gives up (a timeout) does not
    // cancel it: as with Clerk, a request that arrived is applied.
    let processing = tokio::spawn(async move {
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        process(&shared, &recorded)
    });
    match processing.await {
        Ok(response) => Ok(response),
        Err(_) => Err(Dropped),
    }
}

/// Whether the request has one `Authorization` header, of scheme `Bearer` with
/// credentials `key`. The scheme is case-insensitive and one or more spaces part it
/// from the credentials (RFC 9110 §11.1 and §11.4: `credentials = auth-scheme
/// [ 1*SP ( token68 / #auth-param ) ]`, "It uses a case-insensitive token"); the key
/// is compared exactly.
fn bearer_is(headers: &hyper::HeaderMap, key: &str) -> bool {
    let mut values = headers.get_all(hyper::header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    let Some((scheme, credentials)) = value.to_str().ok().and_then(|v| v.split_once(' ')) else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer") && credentials.trim_start_matches(' ') == key
}

/// Answers a request that no fault stopped.
fn process(shared: &Shared, recorded: &RecordedRequest) -> Response<Full<Bytes>> {
    let trace = shared.traces.fetch_add(1, Ordering::Relaxed);
    if !recorded.authorized {
        let answer = error(
            401,
            "authentication_invalid",
            "Unable to authenticate the request: send Authorization: Bearer with an active secret key",
            None,
            trace,
        );
        return reply(answer);
    }
    let version = match recorded.header("clerk-api-version") {
        None => ApiVersion::V2021_02_05,
        Some(value) => match value.parse::<ApiVersion>() {
            Ok(version) => version,
            Err(_) => {
                let answer = error(
                    400,
                    "api_version_invalid",
                    "The Clerk-API-Version header names no API version",
                    None,
                    trace,
                );
                return reply(answer);
            }
        },
    };
    let call = Call {
        method: &recorded.method,
        content_type: recorded.header("content-type"),
        path: recorded.path.split('?').next().unwrap_or_default(),
        query: recorded.path.split_once('?').map_or("", |(_, q)| q),
        version,
        body: &recorded.body,
        trace,
    };
    let mut users = shared.users();
    let (answer, event) = users.answer(&call);
    // Published while the users are locked, so events are queued in the order their
    // writes were applied; delivering them is never waited for.
    if let Some(event) = event {
        let user_agent = recorded.header("user-agent").unwrap_or_default();
        shared.webhooks.publish(event, user_agent);
    }
    drop(users);
    reply(answer)
}

/// The HTTP response of one of the fake's answers.
fn reply(answer: super::api::Answer) -> Response<Full<Bytes>> {
    respond(
        answer.status,
        answer.retry_after.map(|s| s.to_string()),
        answer.body,
    )
}
