module {{name}}

// proxy-wasm HTTP filter built with TinyGo >= 0.32 on github.com/tetratelabs/proxy-wasm-go-sdk,
// the last release line of the Go SDK that supports TinyGo:
//   go mod tidy && tinygo build -o filter.wasm -scheduler=none -target=wasi .
go 1.21

require github.com/tetratelabs/proxy-wasm-go-sdk v0.24.0
