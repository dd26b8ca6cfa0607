/**
 * The test harness for filter authors: {@code ProxyWasmHarness} runs a real module in-process in place of Envoy (one
 * plugin or a chain, configured with {@code HarnessBuilder}), {@code HttpStream} drives an HTTP stream phase by phase
 * through the same {@code dev.wasmesh.stream.FilterManager} that {@code wasmesh run} uses, {@code TcpStream} a
 * connection through a network filter. Call-outs wait for the test to answer them ({@code PendingHttpCall},
 * {@code PendingGrpcCall}), time moves only with {@code TestClock}, and logs and metrics can be read afterwards.
 * Public API for JUnit tests; single-threaded. {@code scenario} runs YAML scenario files on it, {@code cli} is
 * {@code wasmesh test}.
 */
package dev.wasmesh.testing;
