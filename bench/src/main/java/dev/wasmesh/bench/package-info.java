/**
 * JMH benchmarks of the host, each run on wasmesh and, side by side, on roastedroot's proxy-wasm-java-host with the
 * same example filters ({@code ExampleFilter}): loading a module ({@code CompileBench}), starting a worker
 * ({@code InstantiationBench}) and one request's lifecycle ({@code RequestLifecycleBench}), each host's worker in
 * {@code WasmeshWorker} and {@code RoastedrootWorker}. {@code CpuTimeComparison} and {@code LifecycleCost} time the
 * same work by thread CPU time, which a shared machine disturbs less; {@code ResultTable} turns JMH's CSV into the
 * tables of bench/README.md, where the figures are kept. Not a library: no module depends on it.
 */
package dev.wasmesh.bench;
