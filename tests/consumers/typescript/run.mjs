// Runs the compiled consumer (consumer.ts, built by ./check) on the bundled spec's examples.
//
//   node run.mjs CONSUMER_JS BUNDLE_JSON
//
// Every example reply is read from the bundle's JSON text (so IDs beyond 2^53 arrive as a
// JavaScript JSON parser delivers them), then read again with unknown fields added at every
// level: the outcome must not change. Prints one JSON summary line; exits 1 on any mismatch.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

const [consumerPath, bundlePath] = process.argv.slice(2);
const consumer = await import(pathToFileURL(consumerPath).href);
const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));
const problems = [];
const summary = { operations: 0, requests: 0, replies: 0, ok: 0, error: 0, ids: 0 };

function check(condition, message) {
  if (!condition) problems.push(message);
}

function withUnknownFields(reply) {
  const copy = structuredClone(reply);
  copy.unknown_top = { nested: [1, 2] };
  if (copy.data) {
    copy.data.unknown_data = "x";
    for (const item of [...(copy.data.orders ?? []), ...(copy.data.errors ?? [])]) {
      item.unknown_item = null;
    }
  }
  return copy;
}

function orderIds(data) {
  if ("order_id_str" in data) return [data.order_id_str];
  if ("orders" in data) return data.orders.map((order) => order.order_id_str);
  return [];
}

for (const [operationId, path] of Object.entries(consumer.PATHS)) {
  const operation = bundle.paths[path]?.post;
  check(operation?.operationId === operationId, `${operationId}: not at ${path} in the bundle`);
  if (!operation) continue;
  summary.operations += 1;
  const read = consumer.readers[operationId];

  // The request this consumer builds is valid for the operation (its schema's required fields).
  const body = consumer.requests[operationId];
  const schemaName = operation.requestBody.content["application/json"].schema.$ref.split("/").pop();
  const required = bundle.components.schemas[schemaName].required ?? [];
  check(
    required.every((name) => name in body),
    `${operationId}: built request misses a required field of ${schemaName}`,
  );
  summary.requests += 1;

  const examples = operation.responses["200"].content["application/json"].examples;
  for (const [name, example] of Object.entries(examples)) {
    const reply = example.value;
    const outcome = read(reply);
    summary.replies += 1;
    if (reply.status === "error") {
      summary.error += 1;
      check(outcome.kind === "rejected" && outcome.errCode === reply.err_code, `${operationId} ${name}: not read as rejected`);
    } else {
      summary.ok += 1;
      check(outcome.kind !== "rejected", `${operationId} ${name}: an ok reply read as rejected`);
      for (const id of orderIds(reply.data)) {
        // The string is exact; the number a JavaScript parser made of order_id is not.
        check(/^[0-9]+$/.test(id), `${operationId} ${name}: order_id_str ${id} is not decimal`);
        const ids = outcome.kind === "placed" ? [outcome.orderId] : outcome.orderIds;
        check(ids.includes(id), `${operationId} ${name}: the consumer did not report ${id}`);
        summary.ids += 1;
      }
    }
    const again = read(withUnknownFields(reply));
    check(isDeepStrictEqual(again, outcome), `${operationId} ${name}: unknown fields changed the outcome`);
  }
}

// The precision the consumer avoids by reading order_id_str.
const placed = bundle.paths[consumer.PATHS.placeTrailingOrder].post.responses["200"].content["application/json"].examples.vendor.value;
check(String(placed.data.order_id) !== placed.data.order_id_str, "order_id survived as a JS number?");

console.log(JSON.stringify({ ...summary, problems }));
process.exitCode = problems.length ? 1 : 0;
