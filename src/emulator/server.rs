//! The HTTP side: `{api_url}/bot{token}/{method}`, parameters from a JSON body, an urlencoded or multipart
//! form, or the query string; replies in the Bot API envelope with the HTTP status equal to `error_code`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, Request, State as AxumState};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::oneshot;

use super::state::{ApiError, Ctx, Params, State};
use super::{EmuEvent, Shared, multipart};

/// Telegram accepts uploads up to 50 MB from bots.
const MAX_BODY_BYTES: usize = 50 * 1024 * 1024;
/// getUpdates long-poll timeouts above this are clamped (Telegram allows up to 50 s).
const MAX_POLL_TIMEOUT_SECS: u64 = 50;

/// Keeps the server running; dropping it shuts the server down.
pub(crate) struct ServerGuard {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub(crate) async fn serve(shared: Arc<Shared>) -> anyhow::Result<ServerGuard> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new().fallback(handle).with_state(shared);
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(error) = server.await {
            tracing::error!(%error, "telegram emulator server failed");
        }
    });
    Ok(ServerGuard { addr, shutdown: Some(shutdown) })
}

fn reply(result: Result<String, ApiError>) -> Response {
    let (status, body) = match result {
        Ok(result) => (StatusCode::OK, format!("{{\"ok\":true,\"result\":{result}}}")),
        Err(error) => {
            // Field order as Telegram writes it (serde_json's Map would sort the keys).
            let description = Value::String(error.description.clone());
            let mut body = format!("{{\"ok\":false,\"error_code\":{},\"description\":{description}", error.code);
            if let Some(retry_after) = error.retry_after {
                body.push_str(&format!(",\"parameters\":{{\"retry_after\":{retry_after}}}"));
            }
            body.push('}');
            (StatusCode::from_u16(error.code).unwrap_or(StatusCode::BAD_REQUEST), body)
        }
    };
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let Some((token, method)) = path.strip_prefix("/bot").and_then(|rest| rest.split_once('/')) else {
        return reply(Err(ApiError::not_found()));
    };
    if token != shared.token {
        shared.lock().record_error(401);
        return reply(Err(ApiError::unauthorized()));
    }
    let method = method.trim_end_matches('/').to_owned();
    let params = match read_params(request).await {
        Ok(params) => params,
        Err(error) => {
            shared.lock().record_error(error.code);
            return reply(Err(error));
        }
    };
    if method.eq_ignore_ascii_case("getUpdates") {
        return reply(get_updates(&shared, &params).await);
    }
    let held = shared.lock().take_held_fault(&method, &params);
    if let Some(chat_id) = held {
        let mut released = shared.released.subscribe();
        let seen = *released.borrow_and_update();
        shared.emit(EmuEvent::Held { chat_id });
        let _ = released.wait_for(|n| *n > seen).await;
        shared.lock().record_error(502);
        let error = ApiError::server_error();
        shared.emit(EmuEvent::Refused {
            method: method.clone(),
            chat_id: Some(chat_id),
            error_code: error.code,
            description: error.description.clone(),
        });
        return reply(Err(error));
    }
    let now = shared.clock.now();
    let ctx = Ctx {
        bot_user: json!({
            "id": shared.bot_id,
            "is_bot": true,
            "first_name": shared.bot_username.trim_end_matches("_bot").trim_end_matches("bot"),
            "username": shared.bot_username,
        }),
        now: now.timestamp(),
        now_ms: now.timestamp_millis(),
        rate_limits: shared.rate_limits,
    };
    let mut events = Vec::new();
    let result = shared.lock().call(&ctx, &method, &params, &mut events);
    if method.eq_ignore_ascii_case("setWebhook") || method.eq_ignore_ascii_case("deleteWebhook") {
        // A waiting getUpdates gives way to the webhook; the delivery starts (or stops).
        shared.updates_queued();
    }
    let changed = !events.is_empty();
    for event in events {
        shared.emit(event);
    }
    if changed {
        shared.bot_activity.notify_waiters();
    }
    if let Err(error) = &result {
        shared.emit(EmuEvent::Refused {
            method: method.clone(),
            chat_id: State::request_chat(&params),
            error_code: error.code,
            description: error.description.clone(),
        });
    }
    reply(result.map(|value| value.to_string()))
}

/// Long poll: answers at once when updates are pending, otherwise waits up to `timeout` seconds for one.
/// A newer getUpdates call ends a waiting one with 409, as Telegram does when two bot instances poll.
async fn get_updates(shared: &Shared, params: &Params) -> Result<String, ApiError> {
    let offset = params.int("offset");
    let limit = params.int("limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(params.int("timeout").unwrap_or(0).clamp(0, MAX_POLL_TIMEOUT_SECS as i64) as u64);
    let allowed_updates = match params.object("allowed_updates") {
        Ok(value) => value.and_then(|v| serde_json::from_value::<Vec<String>>(v).ok()),
        Err(error) => return Err(error),
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let generation = {
        let mut state = shared.lock();
        state.poll_generation += 1;
        state.poll_generation
    };
    // Wake an older waiting call so it can give way.
    shared.updates_ready.notify_waiters();
    let mut allowed_updates = Some(allowed_updates);
    let mut first = true;
    loop {
        let notified = shared.updates_ready.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let (updates, confirmed) = {
            let mut state = shared.lock();
            if state.webhook().is_some() {
                state.record_error(409);
                return Err(ApiError {
                    code: 409,
                    description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook \
                                  to delete the webhook first"
                        .to_owned(),
                    retry_after: None,
                });
            }
            if state.poll_generation != generation {
                state.record_error(409);
                return Err(ApiError {
                    code: 409,
                    description: "Conflict: terminated by other getUpdates request; make sure that only one bot \
                                  instance is running"
                        .to_owned(),
                    retry_after: None,
                });
            }
            // Confirm only on the first pass; later passes just look for new updates.
            let offset = if first { offset } else { None };
            first = false;
            state.take_updates(offset, limit, allowed_updates.take().flatten())
        };
        if confirmed > 0 {
            shared.updates_confirmed.notify_waiters();
        }
        if !updates.is_empty() || tokio::time::Instant::now() >= deadline {
            let mut body = String::with_capacity(2 + updates.iter().map(|u| u.len() + 1).sum::<usize>());
            body.push('[');
            for (i, update) in updates.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(update);
            }
            body.push(']');
            return Ok(body);
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            // One last look happens on the next pass, which returns whatever is there (possibly nothing).
            continue;
        }
    }
}

async fn read_params(request: Request) -> Result<Params, ApiError> {
    let uri = request.uri().clone();
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.map_err(|_| ApiError {
        code: 413,
        description: "Request Entity Too Large".to_owned(),
        retry_after: None,
    })?;
    let mut params = Params::default();
    if let Some(query) = uri.query() {
        params.fields.extend(urlencoded(query)?);
    }
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if body.is_empty() {
        return Ok(params);
    }
    match mime.as_str() {
        "multipart/form-data" => {
            let boundary = multipart::boundary(&content_type)
                .ok_or_else(|| ApiError::bad_request("multipart/form-data without boundary"))?;
            for part in multipart::parse(&body, &boundary).map_err(ApiError::bad_request)? {
                match part.file_name {
                    Some(file_name) => {
                        params.files.insert(part.name, (Some(file_name), part.data));
                    }
                    None => {
                        let text = String::from_utf8_lossy(&part.data).into_owned();
                        params.fields.insert(part.name, Value::String(text));
                    }
                }
            }
        }
        "application/x-www-form-urlencoded" => {
            let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("form body is not UTF-8"))?;
            params.fields.extend(urlencoded(text)?);
        }
        // teloxide sends application/json; anything else is tried as JSON too.
        _ => {
            let object: Map<String, Value> =
                serde_json::from_slice(&body).map_err(|_| ApiError::bad_request("can't parse JSON request body"))?;
            params.fields.extend(object);
        }
    }
    Ok(params)
}

fn urlencoded(text: &str) -> Result<Map<String, Value>, ApiError> {
    let uri: Uri = format!("/?{text}").parse().map_err(|_| ApiError::bad_request("can't parse form"))?;
    let Query(pairs) =
        Query::<Vec<(String, String)>>::try_from_uri(&uri).map_err(|_| ApiError::bad_request("can't parse form"))?;
    Ok(pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}
