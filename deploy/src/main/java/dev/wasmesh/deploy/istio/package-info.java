/**
 * Deploying a filter to an Istio mesh: a {@code DeploySpec} and the module, fetched and checked first
 * ({@code DeployedModule}), become one WasmPlugin, EnvoyFilter or TrafficExtension ({@code Manifests}), which
 * {@code IstioDeployer} applies, lists and removes through fabric8's client. A local module is copied into the
 * istio-proxy containers of the selected pods ({@code WorkloadPods}, {@code PodFiles}); a remote one is fetched by
 * istio-agent itself. Everything created carries wasmesh's {@code Ownership} marks and nothing without them is
 * touched. Public API; the resources' builders and the pod copy are package-private.
 */
package dev.wasmesh.deploy.istio;
