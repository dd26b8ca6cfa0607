module {{name}}

// proxy-wasm HTTP filter on github.com/proxy-wasm/proxy-wasm-go-sdk, built with Go >= 1.24:
//   go mod tidy && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o filter.wasm .
go 1.24
