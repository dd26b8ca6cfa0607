// {{name}}: sets `hello: world` on every response; logs at critical level if the host refuses.
package main

import (
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

// main is required by the Go toolchain; the host drives the filter through its exports.
func main() {}

func init() {
	proxywasm.SetVMContext(&vmContext{})
}

type vmContext struct {
	types.DefaultVMContext
}

// NewPluginContext is called once per plugin configuration (root id "{{rootId}}" in envoy.yaml).
func (*vmContext) NewPluginContext(uint32) types.PluginContext {
	return &pluginContext{}
}

type pluginContext struct {
	types.DefaultPluginContext
}

func (*pluginContext) NewHttpContext(uint32) types.HttpContext {
	return &httpContext{}
}

type httpContext struct {
	types.DefaultHttpContext
}

func (*httpContext) OnHttpResponseHeaders(int, bool) types.Action {
	if err := proxywasm.ReplaceHttpResponseHeader("hello", "world"); err != nil {
		proxywasm.LogCriticalf("{{name}}: failed to set hello header: %v", err)
	}
	return types.ActionContinue
}
