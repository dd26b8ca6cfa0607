/**
 * Getting a filter to where Envoy runs it: {@code oci} pushes and pulls modules as OCI images and fetches remote
 * modules as istio-agent does, {@code istio} deploys them to a cluster as Istio resources, and {@code cli} holds the
 * {@code wasmesh} subcommands over both. What they share is here: {@code ProxyWasmModuleCheck}, which refuses a module
 * that would not load before it leaves the machine, and {@code DeployException}, the one-line failure a user can act
 * on. {@code oci} and {@code istio} are the library API; {@code cli} is for the {@code wasmesh} command only.
 */
package dev.wasmesh.deploy;
