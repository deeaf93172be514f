// A Go program using the client openapi-generator writes from the published document with the
// README's command (`-g go`, no other option), as another team would.
//
//	consumer decode EXAMPLES_JSON  decodes every reply in the file into its operation's envelope
//	consumer live                  lists the open orders of $HTX_CONTRACT_CODE at $HTX_BASE_URL and
//	                               cancels the first, signed with $HTX_ACCESS_KEY / $HTX_SECRET_KEY
//	consumer sign                  the spec's worked signing example, through this signer
//
// Prints one JSON document. The signer is written from the document's "Signing" section alone.
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	openapi "htxswap"
)

type envelope interface {
	GetActualInstance() interface{}
}

// One envelope per operation: the generated oneOf of the ok reply and ErrorReply.
var envelopes = map[string]func() envelope{
	"placeTrailingOrder":           func() envelope { return &openapi.PlaceTrailingOrderEnvelope{} },
	"placeCrossTrailingOrder":      func() envelope { return &openapi.PlaceCrossTrailingOrderEnvelope{} },
	"cancelTrailingOrders":         func() envelope { return &openapi.CancelTrailingOrdersEnvelope{} },
	"cancelCrossTrailingOrders":    func() envelope { return &openapi.CancelCrossTrailingOrdersEnvelope{} },
	"cancelAllTrailingOrders":      func() envelope { return &openapi.CancelAllTrailingOrdersEnvelope{} },
	"cancelAllCrossTrailingOrders": func() envelope { return &openapi.CancelAllCrossTrailingOrdersEnvelope{} },
	"getOpenTrailingOrders":        func() envelope { return &openapi.GetOpenTrailingOrdersEnvelope{} },
	"getCrossOpenTrailingOrders":   func() envelope { return &openapi.GetCrossOpenTrailingOrdersEnvelope{} },
	"getTrailingOrderHistory":      func() envelope { return &openapi.GetTrailingOrderHistoryEnvelope{} },
	"getCrossTrailingOrderHistory": func() envelope { return &openapi.GetCrossTrailingOrderHistoryEnvelope{} },
}

type example struct {
	Operation string          `json:"operation"`
	Label     string          `json:"label"`
	Body      json.RawMessage `json:"body"`
}

type decoded struct {
	Label   string      `json:"label"`
	Status  string      `json:"status"` // "ok" or "error": the branch the generated code chose
	Error   string      `json:"error,omitempty"`
	IDs     [][2]string `json:"ids"` // (order_id, order_id_str) of each order, from the typed model
	ErrCode string      `json:"err_code,omitempty"`
}

// idPairs walks the typed branch written back as JSON: the int64 order_id as Go holds it.
func idPairs(node interface{}, out *[][2]string) {
	switch value := node.(type) {
	case map[string]interface{}:
		number, hasNumber := value["order_id"].(json.Number)
		text, hasText := value["order_id_str"].(string)
		if hasNumber && hasText {
			*out = append(*out, [2]string{number.String(), text})
		}
		for _, child := range value {
			idPairs(child, out)
		}
	case []interface{}:
		for _, child := range value {
			idPairs(child, out)
		}
	}
}

func decode(path string) interface{} {
	raw, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var examples []example
	if err := json.Unmarshal(raw, &examples); err != nil {
		panic(err)
	}
	results := []decoded{}
	for _, ex := range examples {
		result := decoded{Label: ex.Label, IDs: [][2]string{}}
		newEnvelope, known := envelopes[ex.Operation]
		if !known {
			result.Error = "unknown operation " + ex.Operation
			results = append(results, result)
			continue
		}
		env := newEnvelope()
		if err := json.Unmarshal(ex.Body, env); err != nil {
			result.Error = err.Error()
			results = append(results, result)
			continue
		}
		instance := env.GetActualInstance()
		if reply, isError := instance.(*openapi.ErrorReply); isError {
			result.Status = string(reply.GetStatus())
			result.ErrCode = fmt.Sprint(reply.GetErrCode())
		} else if instance != nil {
			written, err := json.Marshal(instance)
			if err != nil {
				panic(err)
			}
			reader := json.NewDecoder(bytes.NewReader(written))
			reader.UseNumber()
			var tree map[string]interface{}
			if err := reader.Decode(&tree); err != nil {
				panic(err)
			}
			result.Status, _ = tree["status"].(string)
			idPairs(tree, &result.IDs)
		}
		results = append(results, result)
	}
	return results
}

// percentEncode: RFC 3986 unreserved characters as they are, every other byte %XX in upper case.
func percentEncode(text string) string {
	var out strings.Builder
	for _, b := range []byte(text) {
		if ('A' <= b && b <= 'Z') || ('a' <= b && b <= 'z') || ('0' <= b && b <= '9') ||
			b == '-' || b == '_' || b == '.' || b == '~' {
			out.WriteByte(b)
		} else {
			fmt.Fprintf(&out, "%%%02X", b)
		}
	}
	return out.String()
}

// sign returns the four authentication parameters and Signature for one attempt.
func sign(accessKey, secretKey, host, path string, now time.Time) map[string]string {
	params := map[string]string{
		"AccessKeyId":      accessKey,
		"SignatureMethod":  "HmacSHA256",
		"SignatureVersion": "2",
		"Timestamp":        now.UTC().Format("2006-01-02T15:04:05"),
	}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	pairs := make([]string, 0, len(names))
	for _, name := range names {
		pairs = append(pairs, percentEncode(name)+"="+percentEncode(params[name]))
	}
	text := strings.Join([]string{"POST", strings.ToLower(host), path, strings.Join(pairs, "&")}, "\n")
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(text))
	params["Signature"] = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return params
}

func signedContext(path string) context.Context {
	base, err := url.Parse(os.Getenv("HTX_BASE_URL"))
	if err != nil {
		panic(err)
	}
	params := sign(os.Getenv("HTX_ACCESS_KEY"), os.Getenv("HTX_SECRET_KEY"), base.Host, path, time.Now())
	keys := map[string]openapi.APIKey{}
	for name, value := range params {
		keys[name] = openapi.APIKey{Key: value}
	}
	return context.WithValue(context.Background(), openapi.ContextAPIKeys, keys)
}

func live() interface{} {
	config := openapi.NewConfiguration()
	config.Servers = openapi.ServerConfigurations{{URL: os.Getenv("HTX_BASE_URL")}}
	client := openapi.NewAPIClient(config)
	api := client.SwapStrategyOrderInterfaceAPI
	contract := os.Getenv("HTX_CONTRACT_CODE")
	report := map[string]interface{}{}

	listing := openapi.NewGetOpenTrailingOrdersRequest(contract)
	listing.SetPageSize(50)
	listed, _, err := api.GetOpenTrailingOrders(signedContext("/linear-swap-api/v1/swap_track_openorders")).
		GetOpenTrailingOrdersRequest(*listing).Execute()
	if err != nil {
		report["error"] = "list: " + err.Error()
		return report
	}
	if listed.ErrorReply != nil {
		report["error"] = fmt.Sprintf("list: err_code %d", listed.ErrorReply.GetErrCode())
		return report
	}
	ids := []string{}
	for _, order := range listed.GetOpenTrailingOrdersReply.Data.GetOrders() {
		ids = append(ids, order.GetOrderIdStr())
	}
	report["listed"] = ids
	report["total_size"] = listed.GetOpenTrailingOrdersReply.Data.GetTotalSize()
	if len(ids) == 0 {
		return report
	}
	cancel := openapi.NewCancelTrailingOrdersRequest(contract, ids[0])
	cancelled, _, err := api.CancelTrailingOrders(signedContext("/linear-swap-api/v1/swap_track_cancel")).
		CancelTrailingOrdersRequest(*cancel).Execute()
	if err != nil {
		report["error"] = "cancel: " + err.Error()
		return report
	}
	if cancelled.ErrorReply != nil {
		report["error"] = fmt.Sprintf("cancel: err_code %d", cancelled.ErrorReply.GetErrCode())
		return report
	}
	data := cancelled.CancelTrailingOrdersReply.Data
	report["successes"] = data.GetSuccesses()
	failed := []string{}
	for _, failure := range data.GetErrors() {
		failed = append(failed, fmt.Sprintf("%s:%d", failure.GetOrderId(), failure.GetErrCode()))
	}
	report["errors"] = failed
	return report
}

func main() {
	var result interface{}
	switch {
	case len(os.Args) == 3 && os.Args[1] == "decode":
		result = decode(os.Args[2])
	case len(os.Args) == 2 && os.Args[1] == "live":
		result = live()
	case len(os.Args) == 2 && os.Args[1] == "sign":
		moment, _ := time.Parse("2006-01-02T15:04:05", "2019-11-21T10:00:00")
		result = sign("access", "secret", "api.hbdm.com", "/linear-swap-api/v1/swap_track_cancel", moment)
	default:
		fmt.Fprintln(os.Stderr, "usage: consumer decode EXAMPLES_JSON | consumer live | consumer sign")
		os.Exit(2)
	}
	out, err := json.Marshal(result)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
}
