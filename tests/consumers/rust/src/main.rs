//! A Rust program using the models openapi-generator writes from the published document
//! (`-g rust`), as another team would: it decodes every reply in a file into its operation's
//! envelope and prints, for each, the branch serde chose and the order IDs the typed models hold.
//!
//!     htx-consumer EXAMPLES_JSON
#![allow(clippy::all)]

#[allow(non_camel_case_types, dead_code, unused_imports)]
mod models;

use serde_json::{json, Value};

/// (order_id, order_id_str) of each object carrying both, from the typed branch written back.
fn id_pairs(node: &Value, out: &mut Vec<Value>) {
    match node {
        Value::Object(map) => {
            if let (Some(Value::Number(number)), Some(Value::String(text))) =
                (map.get("order_id"), map.get("order_id_str"))
            {
                out.push(json!([number.to_string(), text]));
            }
            for child in map.values() {
                id_pairs(child, out);
            }
        }
        Value::Array(items) => {
            for child in items {
                id_pairs(child, out);
            }
        }
        _ => {}
    }
}

/// Decodes `body` as `E`, then tells which branch it took: "error" for ErrorReply, else "ok".
fn decode<E>(body: &Value, error_branch: fn(&E) -> Option<&models::ErrorReply>) -> Value
where
    E: serde::de::DeserializeOwned + serde::Serialize,
{
    // From the text, as a client reads a reply (not from an already parsed tree).
    let text = body.to_string();
    match serde_json::from_str::<E>(&text) {
        Err(error) => json!({"error": error.to_string(), "ids": []}),
        Ok(envelope) => {
            if let Some(reply) = error_branch(&envelope) {
                return json!({
                    "status": reply.status.to_string(),
                    "err_code": reply.err_code.to_string(),
                    "ids": [],
                });
            }
            let written = serde_json::to_value(&envelope).expect("serializable");
            let mut ids = Vec::new();
            id_pairs(&written, &mut ids);
            json!({"status": written["status"], "ids": ids})
        }
    }
}

macro_rules! envelope {
    ($body:expr, $envelope:ident) => {
        decode::<models::$envelope>($body, |envelope| match envelope {
            models::$envelope::ErrorReply(reply) => Some(reply),
            _ => None,
        })
    };
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: htx-consumer EXAMPLES_JSON");
    let text = std::fs::read_to_string(path).expect("readable file");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    let mut results = Vec::new();
    for case in &cases {
        let body = &case["body"];
        let mut result = match case["operation"].as_str().unwrap_or("") {
            "placeTrailingOrder" => envelope!(body, PlaceTrailingOrderEnvelope),
            "placeCrossTrailingOrder" => envelope!(body, PlaceCrossTrailingOrderEnvelope),
            "cancelTrailingOrders" => envelope!(body, CancelTrailingOrdersEnvelope),
            "cancelCrossTrailingOrders" => envelope!(body, CancelCrossTrailingOrdersEnvelope),
            "cancelAllTrailingOrders" => envelope!(body, CancelAllTrailingOrdersEnvelope),
            "cancelAllCrossTrailingOrders" => envelope!(body, CancelAllCrossTrailingOrdersEnvelope),
            "getOpenTrailingOrders" => envelope!(body, GetOpenTrailingOrdersEnvelope),
            "getCrossOpenTrailingOrders" => envelope!(body, GetCrossOpenTrailingOrdersEnvelope),
            "getTrailingOrderHistory" => envelope!(body, GetTrailingOrderHistoryEnvelope),
            "getCrossTrailingOrderHistory" => envelope!(body, GetCrossTrailingOrderHistoryEnvelope),
            other => json!({"error": format!("unknown operation {other}"), "ids": []}),
        };
        result["label"] = case["label"].clone();
        results.push(result);
    }
    println!("{}", Value::Array(results));
}
