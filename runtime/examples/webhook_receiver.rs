//! A webhook receiver for Rebilly on axum, with `rebilly_runtime::webhook::Receiver`.
//!
//! ```sh
//! WEBHOOK_USER=rebilly WEBHOOK_PASSWORD='a long random password' \
//!     cargo run -p rebilly-runtime --features webhooks --example webhook_receiver
//! ```
//!
//! It answers `POST /webhooks`: 204 for a new delivery, 200 `duplicate` for one it has seen
//! before, and the refusal's response (401, 405, 400, 413) otherwise. It prints the event
//! type of each delivery. Environment: `WEBHOOK_ADDR` (default `127.0.0.1:3000`),
//! `WEBHOOK_USER` and `WEBHOOK_PASSWORD`, and, while rotating credentials, the pair being
//! replaced in `WEBHOOK_PREVIOUS_USER` and `WEBHOOK_PREVIOUS_PASSWORD`.
//!
//! The set of deliveries seen is kept in memory, so it is lost on restart and grows without
//! bound: a real application keeps the key with the effects of the event, in its database,
//! under a unique constraint (see the runtime's README, "Webhooks").

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use rebilly_runtime::webhook::{Delivery, Receiver};
use serde_json::Value;

/// What the handler shares: the receiver, and the keys of the deliveries seen.
pub struct App {
    receiver: Receiver,
    seen: Mutex<HashSet<String>>,
}

/// The routes: `/webhooks`, for every method (the receiver answers 405 for the wrong one,
/// with `Allow`).
pub fn app(receiver: Receiver) -> Router {
    let state = Arc::new(App {
        receiver,
        seen: Mutex::new(HashSet::new()),
    });
    Router::new()
        .route("/webhooks", any(handle))
        .with_state(state)
}

async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let delivery = match app.receiver.receive(request).await {
        Ok(delivery) => delivery,
        Err(refusal) => return refusal.to_response().map(Body::from),
    };
    let event_type = delivery.event_type().unwrap_or_else(|| "(none)".into());
    let new = app
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(idempotency_key(&delivery));
    if !new {
        println!("{event_type} (duplicate)");
        return (StatusCode::OK, "duplicate\n").into_response();
    }
    // Handle the event here. Should handling fail, remove the key and answer 5xx, so
    // that Rebilly's next attempt is handled anew.
    println!("{event_type}");
    StatusCode::NO_CONTENT.into_response()
}

/// What makes a delivery the same event again: its type, and the id and `updatedTime` of
/// the resource it embeds (Rebilly's payloads carry no event id). A payload without an
/// embedded resource is keyed on its exact bytes.
pub fn idempotency_key(delivery: &Delivery) -> String {
    let payload: Value = delivery.json().unwrap_or(Value::Null);
    let resource = payload["_embedded"]
        .as_object()
        .and_then(|embedded| embedded.values().find(|v| v["id"].is_string()));
    match (payload["eventType"].as_str(), resource) {
        (Some(event_type), Some(resource)) => format!(
            "{event_type}/{}/{}",
            resource["id"].as_str().unwrap_or_default(),
            resource["updatedTime"].as_str().unwrap_or_default()
        ),
        _ => String::from_utf8_lossy(delivery.body()).into_owned(),
    }
}

/// The receiver the environment describes.
pub fn receiver_from_env() -> Result<Receiver, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(user), Some(password)) = (var("WEBHOOK_USER"), var("WEBHOOK_PASSWORD")) else {
        return Err(
            "set WEBHOOK_USER and WEBHOOK_PASSWORD (the webhook's basic credentials)".into(),
        );
    };
    let mut builder = Receiver::builder().basic(user, password);
    match (
        var("WEBHOOK_PREVIOUS_USER"),
        var("WEBHOOK_PREVIOUS_PASSWORD"),
    ) {
        (Some(user), Some(password)) => builder = builder.basic(user, password),
        (None, None) => {}
        _ => {
            return Err(
                "set both WEBHOOK_PREVIOUS_USER and WEBHOOK_PREVIOUS_PASSWORD, or neither".into(),
            )
        }
    }
    builder.build().map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let receiver = receiver_from_env()?;
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "receiving webhooks at http://{}/webhooks for {:?}",
        listener.local_addr()?,
        receiver.users().collect::<Vec<_>>()
    );
    axum::serve(listener, app(receiver)).await?;
    Ok(())
}
