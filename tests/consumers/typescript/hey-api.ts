// The same spec through @hey-api/openapi-ts (./check writes generated/hey-api/): its own operation
// types (<Operation>Data, <Operation>Response) sit next to the spec's named schemas, none renamed.
// If a schema took one of its names again, the import below would no longer find the schema's
// type under its own name (it used to become `CancelTrailingOrdersData2`), and tsc would fail.
import type {
  CancelAllTrailingOrdersData,
  CancelAllTrailingOrdersResponse,
  CancelTrailingOrdersData,
  CancelTrailingOrdersEnvelope,
  CancelTrailingOrdersReply,
  CancelTrailingOrdersRequest,
  CancelTrailingOrdersResponse,
  ErrorReply,
  GetCrossTrailingOrderHistoryData,
  GetCrossTrailingOrderHistoryEnvelope,
  GetCrossTrailingOrderHistoryResponse,
  PlaceTrailingOrderData,
  PlaceTrailingOrderResponse,
  TrailingOrderCancellation,
} from "./generated/hey-api/types.gen";

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const cancelBodyIsTheRequest: Equals<CancelTrailingOrdersData["body"], CancelTrailingOrdersRequest> = true;
export const cancelResponseIsTheEnvelope: Equals<CancelTrailingOrdersResponse, CancelTrailingOrdersEnvelope> = true;
export const historyResponseIsTheEnvelope: Equals<
  GetCrossTrailingOrderHistoryResponse,
  GetCrossTrailingOrderHistoryEnvelope
> = true;
export const cancelAllSharesTheData: Equals<
  Extract<CancelAllTrailingOrdersResponse, { status: "ok" }>["data"],
  TrailingOrderCancellation
> = true;

export const place: PlaceTrailingOrderData = {
  url: "/linear-swap-api/v1/swap_track_order",
  body: {
    contract_code: "BTC-USDT",
    direction: "buy",
    volume: 1,
    callback_rate: 0.01,
    active_price: 1670,
    order_price_type: "formula_price",
  },
};
export const cancelAll: CancelAllTrailingOrdersData = {
  url: "/linear-swap-api/v1/swap_track_cancelall",
  body: { contract_code: "BTC-USDT", direction: "sell" },
};
export const history: GetCrossTrailingOrderHistoryData = {
  url: "/linear-swap-api/v1/swap_cross_track_hisorders",
  body: { pair: "BTC-USDT", status: "4,5,6", trade_type: 0, create_date: 90 },
};

export function placedId(reply: PlaceTrailingOrderResponse): string | ErrorReply {
  return reply.status === "ok" ? reply.data.order_id_str : reply;
}

export function cancelled(reply: CancelTrailingOrdersResponse): string[] {
  const ok: CancelTrailingOrdersReply | undefined = reply.status === "ok" ? reply : undefined;
  return ok === undefined || ok.data.successes === "" ? [] : ok.data.successes.split(",");
}

export const withUnknownField: CancelTrailingOrdersResponse = {
  status: "ok",
  data: { errors: [], successes: "1", unknown: true },
  ts: 1,
  also_unknown: [],
};
