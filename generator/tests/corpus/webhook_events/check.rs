use rebilly_runtime::serde_json::Value;
use webhook_events::events::Event;
// A received event: decoded by its type, every member kept, written back as it came.
let body = r#"{"eventType":"order-created","orderId":"o1","_embedded":{"order":{"id":"o1","total":12.5,"createdTime":"2025-01-02T03:04:05.000Z"}},"later":[1,2.50]}"#;
let event = Event::from_slice(body.as_bytes()).unwrap();
assert_eq!(event.event_type(), "order-created");
let Event::OrderCreated(payload) = &event else { panic!("{event:?}") };
assert_eq!(payload.order_id.as_deref(), Some("o1"));
let order = payload.embedded.as_ref().unwrap().order.as_ref().unwrap();
assert_eq!((order.id.as_str(), order.total), ("o1", 12.5));
// Byte for byte: the order of the members and the spelling of `2.50` too.
assert_eq!(to_json(&event), body);
let queued: Event = json(&to_json(&event));
assert_eq!(queued, event);
assert_eq!(to_json(&queued), to_json(&event));
// Two events share the payload type.
let cancelled = Event::from_slice(br#"{"eventType":"order-cancelled","orderId":"o2"}"#).unwrap();
assert!(matches!(&cancelled, Event::OrderCancelled(p) if p.order_id.as_deref() == Some("o2")));
// An event type the SDK does not know: whole, and written back whole.
let later = r#"{"eventType":"order-shipped","orderId":"o1","carrier":{"name":"x"}}"#;
let unknown: Event = json(later);
assert!(matches!(&unknown, Event::Unknown { event_type, body } if event_type == "order-shipped" && body.len() == 3));
assert_eq!(unknown.event_type(), "order-shipped");
assert_eq!(to_json(&unknown), later);
// From a `Value`, the event is written back as the value writes.
let value: Value = json(later);
assert_eq!(Event::from_value(value.clone()).unwrap(), unknown);
assert_eq!(json::<Value>(&to_json(&Event::from_value(value.clone()).unwrap())), value);
// The event type spelt like the catch-all has a variant of its own.
let odd = Event::from_slice(br#"{"eventType":"unknown","note":"n"}"#).unwrap();
assert!(matches!(&odd, Event::UnknownValue(p) if p.note.as_deref() == Some("n")));
// A payload type named `Event` stays in `types`: `events::Event` is the enum of events.
let closed = Event::from_slice(br#"{"eventType":"account-closed","accountId":"a1"}"#).unwrap();
assert!(matches!(&closed, Event::AccountClosed(p) if p.account_id.as_deref() == Some("a1")));
let _: &types::Event = match &closed { Event::AccountClosed(p) => p.payload(), _ => unreachable!() };
// A tagged union payload.
let settled = Event::from_slice(br#"{"eventType":"payment-settled","method":"card","last4":"4242"}"#).unwrap();
assert!(matches!(&settled, Event::PaymentSettled(p) if matches!(p.payload(), types::Settlement::Card(c) if c.last4.as_deref() == Some("4242"))), "{settled:?}");
assert_eq!(to_json(&settled), r#"{"eventType":"payment-settled","method":"card","last4":"4242"}"#);
// Not an event.
for bad in [&b"[1]"[..], b"{}", b"{\"eventType\":1}", b"nope", b"{\"eventType\":\"order-created\",\"orderId\":5}"] {
    assert!(Event::from_slice(bad).is_err());
}
// A built event (for a test): its eventType set, its read-only members written, and it
// decodes back to itself.
let mut built_order = types::Order::new("o3", 7.0);
built_order.created_time = Some(json(r#""2025-01-02T03:04:05Z""#));
let mut embedded = types::OrderWebhookEmbedded::new();
embedded.order = Some(built_order);
let mut payload = types::OrderWebhook::new();
payload.embedded = Some(embedded);
let built = Event::order_cancelled(payload);
let written = to_json(&built);
assert_eq!(written, r#"{"eventType":"order-cancelled","_embedded":{"order":{"id":"o3","total":7.0,"createdTime":"2025-01-02T03:04:05Z"}}}"#);
assert_eq!(Event::from_slice(written.as_bytes()).unwrap(), built);
// Outside an event, a payload is written as a request would carry it: no read-only member.
let Event::OrderCancelled(p) = built else { unreachable!() };
assert!(!to_json(p.payload()).contains("\"id\""));
