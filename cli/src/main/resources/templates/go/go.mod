module {{name}}

// proxy-wasm HTTP filter on github.com/proxy-wasm/proxy-wasm-go-sdk (pinned here and in go.sum), built with Go >= 1.24:
//   GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o filter.wasm .
go 1.24

require github.com/proxy-wasm/proxy-wasm-go-sdk v0.0.0-20260105142703-44c7d5847745
