//! What a generated SDK's webhook `Event` enum is built with.
//!
//! A generated `events` module has one `Event` enum, a variant per event type the spec
//! describes, each holding its payload as a [`Received`]. Decoding reads the body's
//! `eventType` first ([`event_type`]), then the payload of that event type
//! ([`Received::decode`]); an event type the SDK does not know keeps its body whole.
//!
//! ```
//! use rebilly_runtime::event::{event_type, Received};
//! use rebilly_runtime::serde_json::{self, value::RawValue};
//!
//! #[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
//! struct Created {
//!     #[serde(rename = "eventType")]
//!     event_type: String,
//!     id: String,
//! }
//!
//! let body = r#"{"id":"t1","eventType":"thing-created","addedLater":2.50}"#;
//! let raw: Box<RawValue> = serde_json::from_str(body).unwrap();
//! assert_eq!(event_type(&raw).unwrap(), "thing-created");
//! let payload: Received<Created> = Received::decode(raw).unwrap();
//! assert_eq!(payload.id, "t1");
//! // Written back byte for byte: the member `Created` does not know, the order, the spelling.
//! assert_eq!(serde_json::to_string(&payload).unwrap(), body);
//! ```

use std::fmt;
use std::ops::Deref;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

/// A webhook event's payload: the decoded payload, and, when it was received, the JSON text
/// it was decoded from.
///
/// It reads as the payload (`Deref`). It serializes back exactly as it was received, byte
/// for byte: every member, the ones the SDK does not know (yet) included, in their order
/// and spelling. So an event can go through a queue and come back unchanged. A payload
/// built in code ([`Received::new`]) serializes from its fields, the read-only ones
/// included (see [`crate::object::with_read_only`]). Equality compares the payloads only.
#[derive(Clone)]
pub struct Received<T> {
    payload: Box<T>,
    json: Option<Box<RawValue>>,
}

impl<T> Received<T> {
    /// A payload built in code (for example for a test), not received.
    pub fn new(payload: T) -> Self {
        Received {
            payload: Box::new(payload),
            json: None,
        }
    }

    /// The payload.
    pub fn payload(&self) -> &T {
        &self.payload
    }

    /// The payload, to change. The JSON it was received as is forgotten: the payload then
    /// serializes from its fields.
    pub fn payload_mut(&mut self) -> &mut T {
        self.json = None;
        &mut self.payload
    }

    /// The payload, owned.
    pub fn into_payload(self) -> T {
        *self.payload
    }

    /// The JSON text the payload was decoded from; `None` for a payload built in code or
    /// changed since.
    pub fn json(&self) -> Option<&str> {
        self.json.as_deref().map(RawValue::get)
    }
}

impl<T: DeserializeOwned> Received<T> {
    /// Decodes a payload from a body's JSON text, keeping the text.
    pub fn decode(json: Box<RawValue>) -> Result<Self, serde_json::Error> {
        let payload = serde_json::from_str(json.get())?;
        Ok(Received {
            payload: Box::new(payload),
            json: Some(json),
        })
    }
}

impl<T> Deref for Received<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.payload
    }
}

impl<T> From<T> for Received<T> {
    fn from(payload: T) -> Self {
        Received::new(payload)
    }
}

impl<T: PartialEq> PartialEq for Received<T> {
    fn eq(&self, other: &Self) -> bool {
        self.payload == other.payload
    }
}

impl<T: fmt::Debug> fmt::Debug for Received<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.payload.fmt(f)
    }
}

impl<T: Serialize> Serialize for Received<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.json {
            Some(json) => json.serialize(serializer),
            None => crate::object::with_read_only(|| self.payload.serialize(serializer)),
        }
    }
}

/// A webhook body's `eventType`, read without decoding the rest. Fails for a body that is
/// not an object, or has no `eventType` string.
pub fn event_type(body: &RawValue) -> Result<String, serde_json::Error> {
    let read: EventType = serde_json::from_str(body.get())?;
    read.0.ok_or_else(|| {
        de::Error::custom("a webhook body has an `eventType` member, and this one has none")
    })
}

/// The `eventType` member of a JSON object, if it has one; every other member is skipped
/// unread.
pub(crate) struct EventType(pub(crate) Option<String>);

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EventTypeVisitor)
    }
}

struct EventTypeVisitor;

impl<'de> Visitor<'de> for EventTypeVisitor {
    type Value = EventType;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook body: a JSON object with an `eventType` string")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EventType, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<crate::object::Key>()? {
            if &*key == "eventType" && found.is_none() {
                found = Some(map.next_value::<String>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(EventType(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for a payload with a read-only member.
    #[derive(Debug, Clone, PartialEq)]
    struct Payload {
        event_type: Option<String>,
        id: Option<String>,
    }

    crate::object! {
        Payload {
            event_type "eventType" optional,
            id "id" optional read_only,
        }
    }

    fn raw(text: &str) -> Box<RawValue> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn received_writes_back_what_came_and_built_writes_every_field() {
        let body = r#"{"id":"x1","later":[1,2.50,null],"eventType":"x-created"}"#;
        assert_eq!(event_type(&raw(body)).unwrap(), "x-created");
        let mut received: Received<Payload> = Received::decode(raw(body)).unwrap();
        assert_eq!(received.id.as_deref(), Some("x1"));
        assert_eq!(received.json(), Some(body));
        assert_eq!(serde_json::to_string(&received).unwrap(), body);

        let mut fields = Payload::new();
        fields.event_type = Some("x-created".into());
        fields.id = Some("x1".into());
        assert_eq!(&fields, received.payload());
        let built = Received::new(fields);
        assert_eq!(built, received);
        assert_eq!(
            serde_json::to_string(&built).unwrap(),
            r#"{"eventType":"x-created","id":"x1"}"#
        );
        // Changed, it forgets the JSON it came as.
        received.payload_mut().id = Some("x2".into());
        assert!(received.json().is_none());
        assert_eq!(serde_json::to_value(&received).unwrap()["id"], "x2");
        // Outside an event, the read-only member is not written.
        assert_eq!(
            serde_json::to_string(&received.into_payload()).unwrap(),
            r#"{"eventType":"x-created"}"#
        );
    }

    #[test]
    fn what_is_not_an_event_is_refused() {
        for (body, says) in [
            ("[1]", "a webhook body"),
            (r#"{"eventType":3}"#, "expected a string"),
            (r#"{"id":"x"}"#, "has none"),
        ] {
            let e = event_type(&raw(body)).unwrap_err();
            assert!(e.to_string().contains(says), "{body}: {e}");
        }
        let wrong: Result<Received<Payload>, _> = Received::decode(raw(r#"{"id":5}"#));
        assert!(wrong.is_err());
    }
}
