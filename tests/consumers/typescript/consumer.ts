// A TypeScript client of the published spec, as another language team would write it: the types
// come from openapi-typescript (./check writes generated/), this file only uses them. If the spec
// changes in a way that breaks this code, `tsc` fails; ./check then runs it (run.mjs) on every
// example of the bundle, and on the same replies carrying fields this code has never heard of.
import type { components, paths } from "./generated/htx-linear-swap";

type Schemas = components["schemas"];
type Post<P extends keyof paths> = paths[P] extends { post: infer O } ? O : never;
type BodyOf<P extends keyof paths> =
  Post<P> extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
type ReplyOf<P extends keyof paths> =
  Post<P> extends { responses: { 200: { content: { "application/json": infer R } } } } ? R : never;

export const PATHS = {
  placeTrailingOrder: "/linear-swap-api/v1/swap_track_order",
  placeCrossTrailingOrder: "/linear-swap-api/v1/swap_cross_track_order",
  cancelTrailingOrders: "/linear-swap-api/v1/swap_track_cancel",
  cancelCrossTrailingOrders: "/linear-swap-api/v1/swap_cross_track_cancel",
  cancelAllTrailingOrders: "/linear-swap-api/v1/swap_track_cancelall",
  cancelAllCrossTrailingOrders: "/linear-swap-api/v1/swap_cross_track_cancelall",
  getOpenTrailingOrders: "/linear-swap-api/v1/swap_track_openorders",
  getCrossOpenTrailingOrders: "/linear-swap-api/v1/swap_cross_track_openorders",
  getTrailingOrderHistory: "/linear-swap-api/v1/swap_track_hisorders",
  getCrossTrailingOrderHistory: "/linear-swap-api/v1/swap_cross_track_hisorders",
} as const;
type Paths = typeof PATHS;
export type OperationId = keyof Paths;
export type Body<O extends OperationId> = BodyOf<Paths[O]>;
export type Reply<O extends OperationId> = ReplyOf<Paths[O]>;

// --- compile-time checks: every operation uses the named schemas ------------------------------

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Named<O extends OperationId> = Capitalize<O>;
type UsesNamedSchemas<O extends OperationId> =
  Equals<Body<O>, Schemas[`${Named<O>}Request` & keyof Schemas]> extends true
    ? Equals<Reply<O>, Schemas[`${Named<O>}Envelope` & keyof Schemas]> extends true
      ? Equals<
          Reply<O>,
          Schemas[`${Named<O>}Reply` & keyof Schemas] | Schemas["ErrorReply"]
        >
      : false
    : false;
export const everyOperationUsesNamedSchemas: { [O in OperationId]: UsesNamedSchemas<O> } = {
  placeTrailingOrder: true,
  placeCrossTrailingOrder: true,
  cancelTrailingOrders: true,
  cancelCrossTrailingOrders: true,
  cancelAllTrailingOrders: true,
  cancelAllCrossTrailingOrders: true,
  getOpenTrailingOrders: true,
  getCrossOpenTrailingOrders: true,
  getTrailingOrderHistory: true,
  getCrossTrailingOrderHistory: true,
};
// Cancel and cancel-all replies share one data schema.
export const cancelAllSharesCancelData: Equals<
  Schemas["CancelAllCrossTrailingOrdersReply"]["data"],
  Schemas["CancelTrailingOrdersReply"]["data"]
> = true;

// --- request bodies ---------------------------------------------------------------------------

export type Trailing = {
  direction: Schemas["Direction"];
  volume: number;
  callbackRate: number;
  activePrice: number;
  priceType: Schemas["TrailingOrderPriceType"];
  offset?: Schemas["TrailingOrderOffset"];
  leverRate?: number;
  reduceOnly?: Schemas["ReduceOnly"];
};

function trailingFields(order: Trailing) {
  return {
    direction: order.direction,
    volume: order.volume,
    callback_rate: order.callbackRate,
    active_price: order.activePrice,
    order_price_type: order.priceType,
    ...(order.reduceOnly === undefined ? {} : { reduce_only: order.reduceOnly }),
    ...(order.offset === undefined ? {} : { offset: order.offset }),
    ...(order.leverRate === undefined ? {} : { lever_rate: order.leverRate }),
  };
}

export function placeRequest(contractCode: string, order: Trailing): Body<"placeTrailingOrder"> {
  return { contract_code: contractCode, ...trailingFields(order) };
}

export type CrossContract =
  | { contractCode: string }
  | { pair: string; contractType: Schemas["ContractType"] };

function crossFields(contract: CrossContract) {
  return "contractCode" in contract
    ? { contract_code: contract.contractCode }
    : { pair: contract.pair, contract_type: contract.contractType };
}

export function placeCrossRequest(
  contract: CrossContract,
  order: Trailing,
): Body<"placeCrossTrailingOrder"> {
  return { ...crossFields(contract), ...trailingFields(order) };
}

function joinIds(orderIds: readonly string[]): string {
  if (orderIds.length < 1 || orderIds.length > 10) {
    throw new RangeError("cancel 1 to 10 orders per request");
  }
  return orderIds.join(",");
}

/** Up to 10 trailing orders of one contract, in one request. */
export function cancelRequest(
  contractCode: string,
  orderIds: readonly string[],
): Body<"cancelTrailingOrders"> {
  return { contract_code: contractCode, order_id: joinIds(orderIds) };
}

export function cancelCrossRequest(
  contract: CrossContract,
  orderIds: readonly string[],
): Body<"cancelCrossTrailingOrders"> {
  return { ...crossFields(contract), order_id: joinIds(orderIds) };
}

export type CancelAllFilter = {
  direction?: Schemas["Direction"];
  offset?: Schemas["CancelAllOffset"];
};

function filterFields(filter: CancelAllFilter) {
  return {
    ...(filter.direction === undefined ? {} : { direction: filter.direction }),
    ...(filter.offset === undefined ? {} : { offset: filter.offset }),
  };
}

export function cancelAllRequest(
  contractCode: string,
  filter: CancelAllFilter = {},
): Body<"cancelAllTrailingOrders"> {
  return { contract_code: contractCode, ...filterFields(filter) };
}

export function cancelAllCrossRequest(
  contract: CrossContract,
  filter: CancelAllFilter = {},
): Body<"cancelAllCrossTrailingOrders"> {
  return { ...crossFields(contract), ...filterFields(filter) };
}

export type Page = { tradeType?: Schemas["TradeType"]; index?: number; size?: number };

function pageFields(page: Page) {
  return {
    ...(page.tradeType === undefined ? {} : { trade_type: page.tradeType }),
    ...(page.index === undefined ? {} : { page_index: page.index }),
    ...(page.size === undefined ? {} : { page_size: page.size }),
  };
}

export function openOrdersRequest(contractCode: string, page: Page = {}): Body<"getOpenTrailingOrders"> {
  return { contract_code: contractCode, ...pageFields(page) };
}

export function crossOpenOrdersRequest(
  filter: { contractCode?: string; pair?: string },
  page: Page = {},
): Body<"getCrossOpenTrailingOrders"> {
  return {
    ...(filter.contractCode === undefined ? {} : { contract_code: filter.contractCode }),
    ...(filter.pair === undefined ? {} : { pair: filter.pair }),
    ...pageFields(page),
  };
}

export type HistoryQuery = {
  states: readonly ("0" | "4" | "5" | "6")[];
  tradeType: Schemas["TradeType"];
  days: number;
  sortBy?: Schemas["HistorySortBy"];
  index?: number;
  size?: number;
};

function historyFields(query: HistoryQuery) {
  return {
    status: query.states.join(","),
    trade_type: query.tradeType,
    create_date: query.days,
    ...(query.index === undefined ? {} : { page_index: query.index }),
    ...(query.size === undefined ? {} : { page_size: query.size }),
    ...(query.sortBy === undefined ? {} : { sort_by: query.sortBy }),
  };
}

export function historyRequest(
  contractCode: string,
  query: HistoryQuery,
): Body<"getTrailingOrderHistory"> {
  return { contract_code: contractCode, ...historyFields(query) };
}

export function crossHistoryRequest(
  filter: { contractCode?: string; pair?: string },
  query: HistoryQuery,
): Body<"getCrossTrailingOrderHistory"> {
  return {
    ...(filter.contractCode === undefined ? {} : { contract_code: filter.contractCode }),
    ...(filter.pair === undefined ? {} : { pair: filter.pair }),
    ...historyFields(query),
  };
}

// --- replies: narrowed on `status`, IDs read from order_id_str ---------------------------------

export type Rejected = { kind: "rejected"; errCode: number; errMsg: string; ts: number };
export type Outcome =
  | { kind: "placed"; orderId: string }
  | {
      kind: "processed";
      cancelled: string[];
      failed: { orderId: string; errCode: number | undefined; errMsg: string | undefined }[];
    }
  | { kind: "listed"; orderIds: string[]; states: number[]; totalSize: number; page: number }
  | Rejected;

function assertNever(value: never): never {
  throw new Error(`unexpected reply: ${JSON.stringify(value)}`);
}

function rejected(reply: Schemas["ErrorReply"]): Rejected {
  return { kind: "rejected", errCode: reply.err_code, errMsg: reply.err_msg, ts: reply.ts };
}

export function readPlaced(
  reply: Reply<"placeTrailingOrder"> | Reply<"placeCrossTrailingOrder">,
): Outcome {
  switch (reply.status) {
    case "ok":
      // order_id_str, never order_id: a JavaScript number can't hold an ID beyond 2^53.
      return { kind: "placed", orderId: reply.data.order_id_str };
    case "error":
      return rejected(reply);
    default:
      return assertNever(reply);
  }
}

type CancelReply =
  | Reply<"cancelTrailingOrders">
  | Reply<"cancelCrossTrailingOrders">
  | Reply<"cancelAllTrailingOrders">
  | Reply<"cancelAllCrossTrailingOrders">;

export function readCancelled(reply: CancelReply): Outcome {
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
      return rejected(reply);
    default:
      return assertNever(reply);
  }
}

type ListReply =
  | Reply<"getOpenTrailingOrders">
  | Reply<"getCrossOpenTrailingOrders">
  | Reply<"getTrailingOrderHistory">
  | Reply<"getCrossTrailingOrderHistory">;

export function readListed(reply: ListReply): Outcome {
  switch (reply.status) {
    case "ok":
      return {
        kind: "listed",
        orderIds: reply.data.orders.map((order) => order.order_id_str),
        // An open set: a state this code doesn't know is still a number it can report.
        states: reply.data.orders.map((order) => order.status),
        totalSize: reply.data.total_size,
        page: reply.data.current_page,
      };
    case "error":
      return rejected(reply);
    default:
      return assertNever(reply);
  }
}

/** Which reader reads which operation's reply (run.mjs drives every example through it). */
export const readers: { [O in OperationId]: (reply: Reply<O>) => Outcome } = {
  placeTrailingOrder: readPlaced,
  placeCrossTrailingOrder: readPlaced,
  cancelTrailingOrders: readCancelled,
  cancelCrossTrailingOrders: readCancelled,
  cancelAllTrailingOrders: readCancelled,
  cancelAllCrossTrailingOrders: readCancelled,
  getOpenTrailingOrders: readListed,
  getCrossOpenTrailingOrders: readListed,
  getTrailingOrderHistory: readListed,
  getCrossTrailingOrderHistory: readListed,
};

/** History's nulls are typed as such: a consumer must handle them. */
export function triggeredPrices(reply: Reply<"getTrailingOrderHistory">): (number | null)[] {
  return reply.status === "ok" ? reply.data.orders.map((order) => order.triggered_price) : [];
}

// --- the vendor's examples, typed, and what the types must allow ------------------------------

export const requests = {
  placeTrailingOrder: placeRequest("BTC-USDT", {
    reduceOnly: 0,
    direction: "buy",
    offset: "open",
    leverRate: 20,
    volume: 100,
    callbackRate: 0.01,
    activePrice: 1670,
    priceType: "optimal_5",
  }),
  placeCrossTrailingOrder: placeCrossRequest(
    { pair: "BTC-USDT", contractType: "quarter" },
    { direction: "sell", offset: "close", volume: 2, callbackRate: 0.02, activePrice: 41000, priceType: "optimal_10" },
  ),
  cancelTrailingOrders: cancelRequest("BTC-USDT", ["456457123"]),
  cancelCrossTrailingOrders: cancelCrossRequest({ pair: "BTC-USDT", contractType: "quarter" }, [
    "918819679173152768",
  ]),
  cancelAllTrailingOrders: cancelAllRequest("BTC-USDT", { direction: "buy", offset: "close" }),
  cancelAllCrossTrailingOrders: cancelAllCrossRequest({ pair: "BTC-USDT", contractType: "quarter" }),
  getOpenTrailingOrders: openOrdersRequest("BTC-USDT", { tradeType: 0, index: 1, size: 50 }),
  getCrossOpenTrailingOrders: crossOpenOrdersRequest({}),
  getTrailingOrderHistory: historyRequest("BTC-USDT", {
    states: ["6"],
    tradeType: 0,
    days: 7,
    sortBy: "update_time",
  }),
  getCrossTrailingOrderHistory: crossHistoryRequest(
    { contractCode: "BTC-USDT", pair: "BTC-USDT" },
    { states: ["0"], tradeType: 0, days: 30, index: 1, size: 50, sortBy: "created_at" },
  ),
} satisfies { [O in OperationId]: Body<O> };

// A reply carrying fields this code doesn't know is still a reply of its type, at every level.
export const withUnknownFields: Reply<"getCrossOpenTrailingOrders"> = {
  status: "ok",
  data: {
    orders: [
      {
        contract_type: "quarter",
        business_type: "futures",
        pair: "BTC-USDT",
        symbol: "BTC",
        contract_code: "BTC-USDT-211231",
        volume: 1,
        order_type: 1,
        direction: "buy",
        offset: "open",
        lever_rate: 1,
        order_id: 918819679173152768,
        order_id_str: "918819679173152768",
        order_source: "api",
        created_at: 1639105282359,
        order_price_type: "formula_price",
        status: 2,
        callback_rate: 0.03,
        active_price: 41111,
        is_active: 0,
        margin_mode: "cross",
        margin_account: "USDT",
        reduce_only: 0,
        trade_partition: "USDT",
      },
    ],
    total_page: 1,
    current_page: 1,
    total_size: 1,
    next_cursor: "abc",
  },
  ts: 1639105312345,
  trace_id: "x",
};
export const rateLimited: Reply<"cancelTrailingOrders"> = {
  status: "error",
  err_code: 1032,
  err_msg: "The number of access exceeded the limit.",
  ts: 1616988039695,
};

// What the types must refuse: each line below is an error, or tsc fails on the unused directive.
// @ts-expect-error order_id is required
export const missingOrderId: Body<"cancelTrailingOrders"> = { contract_code: "BTC-USDT" };
// @ts-expect-error callback_rate is required to place
export const noCallback: Body<"placeTrailingOrder"> = { contract_code: "BTC-USDT", direction: "buy", volume: 1, active_price: 1, order_price_type: "optimal_5" };
// @ts-expect-error direction is buy or sell (closed)
export const badDirection: Schemas["Direction"] = "hold";
// @ts-expect-error a request's trade_type is one of the listed values
export const badTradeType: Body<"getOpenTrailingOrders"> = { contract_code: "BTC-USDT", trade_type: 5 };
// @ts-expect-error status is "ok" or "error", nothing else
export const unknownStatus: Reply<"cancelTrailingOrders"> = { status: "maybe", err_code: 1, err_msg: "", ts: 0 };
// @ts-expect-error an "ok" reply needs its data
export const okWithoutData: Reply<"placeTrailingOrder"> = { status: "ok", ts: 0 };
export function unnarrowed(reply: Reply<"placeTrailingOrder">): string {
  // @ts-expect-error data exists only once the reply is narrowed to status "ok"
  return reply.data.order_id_str;
}
