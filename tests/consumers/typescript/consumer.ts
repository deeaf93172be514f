// A TypeScript client of the published spec, as another language team would write it: the types
// come from openapi-typescript (./check writes generated/), this file only uses them. If the spec
// changes in a way that breaks this code, `tsc --noEmit` fails.
import type { components, paths } from "./generated/htx-linear-swap";

type Schemas = components["schemas"];
type CancelOperation = paths["/linear-swap-api/v1/swap_track_cancel"]["post"];

export type CancelTrailingOrdersRequest = Schemas["CancelTrailingOrdersRequest"];
/** The body the operation takes, as the path item describes it. */
export type CancelBody = CancelOperation["requestBody"]["content"]["application/json"];
/** The HTTP 200 reply: processed (`status: "ok"`) or rejected as a whole (`status: "error"`). */
export type CancelReply = CancelOperation["responses"][200]["content"]["application/json"];

// Compile-time checks that the operation uses the named schemas.
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const bodyIsTheRequestSchema: Equals<CancelBody, CancelTrailingOrdersRequest> = true;
export const replyIsTheEnvelopeUnion: Equals<
  CancelReply,
  Schemas["CancelTrailingOrdersReply"] | Schemas["ErrorReply"]
> = true;

/** Up to 10 trailing orders of one contract, in one request. */
export function buildCancelRequest(
  contractCode: string,
  orderIds: readonly string[],
): CancelTrailingOrdersRequest {
  if (orderIds.length < 1 || orderIds.length > 10) {
    throw new RangeError("cancel 1 to 10 orders per request");
  }
  return { contract_code: contractCode, order_id: orderIds.join(",") };
}

export type Outcome =
  | {
      kind: "processed";
      cancelled: string[];
      failed: { orderId: string; errCode: number | undefined; errMsg: string | undefined }[];
    }
  | { kind: "rejected"; errCode: number; errMsg: string; ts: number };

function assertNever(value: never): never {
  throw new Error(`unexpected reply: ${JSON.stringify(value)}`);
}

/** Narrow the reply on `status` and read each order's `err_code`, or the request's own. */
export function readReply(reply: CancelReply): Outcome {
  switch (reply.status) {
    case "ok":
      return {
        kind: "processed",
        cancelled: reply.data.successes === "" ? [] : reply.data.successes.split(","),
        failed: reply.data.errors.map((error) => ({
          orderId: error.order_id,
          errCode: error.err_code,
          errMsg: error.err_msg,
        })),
      };
    case "error":
      return { kind: "rejected", errCode: reply.err_code, errMsg: reply.err_msg, ts: reply.ts };
    default:
      return assertNever(reply);
  }
}

/** The first order error code, or the request's error code. */
export function firstErrorCode(reply: CancelReply): number | undefined {
  return reply.status === "ok" ? reply.data.errors[0]?.err_code : reply.err_code;
}

export const request: CancelBody = buildCancelRequest("BTC-USDT", [
  "826052268312821760",
  "826052268312821761",
]);

// The vendor's examples, typed.
export const processed: CancelReply = {
  status: "ok",
  data: {
    errors: [
      { order_id: "826052268312821761", err_code: 1061, err_msg: "This order doesnt exist." },
    ],
    successes: "826052268312821760",
  },
  ts: 1616988039695,
};
export const rateLimited: CancelReply = {
  status: "error",
  err_code: 1032,
  err_msg: "The number of access exceeded the limit.",
  ts: 1616988039695,
};
export const outcomes: Outcome[] = [readReply(processed), readReply(rateLimited)];

// What the types must refuse: each line below is an error, or tsc fails on the unused directive.
// @ts-expect-error order_id is required
export const missingOrderId: CancelTrailingOrdersRequest = { contract_code: "BTC-USDT" };
// @ts-expect-error status is "ok" or "error", nothing else
export const unknownStatus: CancelReply = { status: "maybe", err_code: 1, err_msg: "", ts: 0 };
// @ts-expect-error an "ok" reply has no top-level err_code, and data is required
export const okWithoutData: CancelReply = { status: "ok", err_code: 1032, ts: 0 };
export function unnarrowed(reply: CancelReply): number {
  // @ts-expect-error err_code exists only once the reply is narrowed to status "error"
  return reply.err_code;
}
