// go: a proxy-wasm HTTP filter on the official Go SDK (github.com/proxy-wasm/proxy-wasm-go-sdk), built with
// Go's wasip1 port. It exercises what real Go filters use: headers, bodies, an HTTP call-out, shared data,
// metrics, a tick, goroutines, timers, randomness, stdout and heavy allocation. examples/README.md describes
// each behaviour; wasmesh's tests assert them.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

const (
	ticksKey  = "go_ticks"
	sharedKey = "go_key"
)

// main is required by the Go toolchain; the host drives the filter through its exports.
func main() {}

func init() {
	proxywasm.SetVMContext(&vmContext{})
}

type vmContext struct {
	types.DefaultVMContext
}

func (*vmContext) NewPluginContext(uint32) types.PluginContext {
	return &pluginContext{}
}

type pluginContext struct {
	types.DefaultPluginContext
	requests proxywasm.MetricCounter
	inflight proxywasm.MetricGauge
}

func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	config, err := proxywasm.GetPluginConfiguration()
	if err != nil && err != types.ErrorStatusNotFound {
		proxywasm.LogCriticalf("go: cannot read the plugin configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	// WASI stdout: the host logs it at INFO.
	fmt.Println("go: stdout hello")
	proxywasm.LogInfof("go: configured with %q", string(config))
	p.requests = proxywasm.DefineCounterMetric("go_requests")
	p.inflight = proxywasm.DefineGaugeMetric("go_inflight")
	if err := proxywasm.SetTickPeriodMilliSeconds(1000); err != nil {
		proxywasm.LogCriticalf("go: cannot set the tick period: %v", err)
		return types.OnPluginStartStatusFailed
	}
	return types.OnPluginStartStatusOK
}

// OnTick counts ticks in shared data with compare-and-swap.
func (p *pluginContext) OnTick() {
	value, cas, err := proxywasm.GetSharedData(ticksKey)
	if err != nil && err != types.ErrorStatusNotFound {
		proxywasm.LogWarnf("go: cannot read %s: %v", ticksKey, err)
		return
	}
	n, _ := strconv.Atoi(string(value))
	n++
	if err := proxywasm.SetSharedData(ticksKey, []byte(strconv.Itoa(n)), cas); err != nil {
		proxywasm.LogWarnf("go: cannot write %s: %v", ticksKey, err)
		return
	}
	proxywasm.LogInfof("go: tick %d", n)
}

func (p *pluginContext) NewHttpContext(contextID uint32) types.HttpContext {
	return &httpContext{plugin: p, contextID: contextID}
}

type httpContext struct {
	types.DefaultHttpContext
	plugin          *pluginContext
	contextID       uint32
	bufferRequest   bool
	bufferResponse  bool
	sawRequestHeads bool
}

func (h *httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	h.sawRequestHeads = true
	h.plugin.requests.Increment(1)
	h.plugin.inflight.Add(1)
	path, _ := proxywasm.GetHttpRequestHeader(":path")
	buffer, _ := proxywasm.GetHttpRequestHeader("x-buffer")
	h.bufferRequest = buffer == "yes"
	action := types.ActionContinue
	switch route, _, _ := strings.Cut(path, "?"); route {
	case "/local":
		if err := proxywasm.SendHttpResponse(403, [][2]string{{"x-go", "local"}}, []byte("denied by go"), -1); err != nil {
			addError("SendHttpResponse", err)
			break
		}
		return types.ActionPause
	case "/callout":
		action = h.callout()
	case "/shared":
		value, _ := proxywasm.GetHttpRequestHeader("x-value")
		if err := proxywasm.SetSharedData(sharedKey, []byte(value), 0); err != nil {
			addError("SetSharedData", err)
			break
		}
		stored, _, err := proxywasm.GetSharedData(sharedKey)
		if err != nil {
			addError("GetSharedData", err)
			break
		}
		addHeader("x-go-shared", string(stored))
	case "/ticks":
		value, _, err := proxywasm.GetSharedData(ticksKey)
		if err != nil && err != types.ErrorStatusNotFound {
			addError("GetSharedData", err)
			break
		}
		if len(value) == 0 {
			value = []byte("0")
		}
		addHeader("x-go-ticks", string(value))
	case "/metric":
		addHeader("x-go-requests", strconv.FormatUint(h.plugin.requests.Value(), 10))
		addHeader("x-go-inflight", strconv.FormatInt(h.plugin.inflight.Value(), 10))
	case "/goroutines":
		addHeader("x-go-goroutines", strconv.Itoa(fanOut(100)))
	case "/sleep":
		start := time.Now()
		time.Sleep(50 * time.Millisecond)
		addHeader("x-go-slept-ms", strconv.FormatInt(time.Since(start).Milliseconds(), 10))
	case "/alloc":
		addHeader("x-go-alloc", strconv.Itoa(allocate(32)))
	case "/random":
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			addError("rand.Read", err)
			break
		}
		addHeader("x-go-random", hex.EncodeToString(b[:]))
	case "/panic":
		// The Go runtime prints the panic to stderr and traps (unreachable): the VM fails.
		panic("go: requested panic")
	case "/env":
		addHeader("x-go-env", os.Getenv("GO_EXAMPLE"))
		addHeader("x-go-args", strconv.Itoa(len(os.Args)))
	}
	addHeader("x-go-path", path)
	return action
}

// callout asks the cluster "backend" for /callout-target and resumes the request with its answer.
func (h *httpContext) callout() types.Action {
	headers := [][2]string{{":method", "GET"}, {":path", "/callout-target"}, {":authority", "backend"}}
	_, err := proxywasm.DispatchHttpCall("backend", headers, nil, nil, 5000, func(_, bodySize, _ int) {
		status := "none"
		headers, _ := proxywasm.GetHttpCallResponseHeaders()
		for _, header := range headers {
			if header[0] == ":status" {
				status = header[1]
			}
		}
		body, _ := proxywasm.GetHttpCallResponseBody(0, bodySize)
		addHeader("x-go-callout-status", status)
		addHeader("x-go-callout-body", string(body))
		if err := proxywasm.ResumeHttpRequest(); err != nil {
			proxywasm.LogCriticalf("go: cannot resume the request: %v", err)
		}
	})
	if err != nil {
		addError("DispatchHttpCall", err)
		return types.ActionContinue
	}
	return types.ActionPause
}

// OnHttpRequestBody buffers the whole body of a request with x-buffer: yes and upper-cases it.
func (h *httpContext) OnHttpRequestBody(bodySize int, endOfStream bool) types.Action {
	if !h.bufferRequest {
		return types.ActionContinue
	}
	if !endOfStream {
		return types.ActionPause
	}
	body, err := proxywasm.GetHttpRequestBody(0, bodySize)
	if err != nil {
		proxywasm.LogErrorf("go: cannot read the request body: %v", err)
		return types.ActionContinue
	}
	if err := proxywasm.ReplaceHttpRequestBody([]byte(strings.ToUpper(string(body)))); err != nil {
		proxywasm.LogErrorf("go: cannot replace the request body: %v", err)
	}
	return types.ActionContinue
}

func (h *httpContext) OnHttpResponseHeaders(int, bool) types.Action {
	_, err := proxywasm.GetHttpResponseHeader("x-buffer-response")
	h.bufferResponse = err == nil
	for _, header := range [][2]string{{"hello", "world"}, {"x-go", "yes"}} {
		if err := proxywasm.ReplaceHttpResponseHeader(header[0], header[1]); err != nil {
			proxywasm.LogCriticalf("go: failed to set %s: %v", header[0], err)
		}
	}
	return types.ActionContinue
}

// OnHttpResponseBody buffers the response body when the upstream sent x-buffer-response and prepends "[go]".
func (h *httpContext) OnHttpResponseBody(_ int, endOfStream bool) types.Action {
	if !h.bufferResponse {
		return types.ActionContinue
	}
	if !endOfStream {
		return types.ActionPause
	}
	if err := proxywasm.PrependHttpResponseBody([]byte("[go]")); err != nil {
		proxywasm.LogErrorf("go: cannot prepend to the response body: %v", err)
	}
	return types.ActionContinue
}

func (h *httpContext) OnHttpStreamDone() {
	if h.sawRequestHeads {
		h.plugin.inflight.Add(-1)
	}
}

// fanOut runs n goroutines that each sleep a millisecond and send their number; it returns the sum of 1..n.
func fanOut(n int) int {
	results := make(chan int, n)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Millisecond)
			results <- i
		}(i)
	}
	wg.Wait()
	close(results)
	sum := 0
	for r := range results {
		sum += r
	}
	return sum
}

// allocate makes n blocks of 64 KiB (2 MiB for n = 32) and a map of 256 small strings, all garbage once the
// request is done, and returns how many bytes the blocks held.
func allocate(n int) int {
	total := 0
	blocks := make([][]byte, n)
	for i := range blocks {
		blocks[i] = make([]byte, 64<<10)
		blocks[i][i] = byte(i)
		total += len(blocks[i])
	}
	names := make(map[string]int, 256)
	for i := 0; i < 256; i++ {
		names["key-"+strconv.Itoa(i)] = i
	}
	return total + len(names) - 256
}

func addHeader(name, value string) {
	if err := proxywasm.AddHttpRequestHeader(name, value); err != nil {
		proxywasm.LogErrorf("go: cannot add %s: %v", name, err)
	}
}

func addError(call string, err error) {
	addHeader("x-go-error", call+": "+err.Error())
}
