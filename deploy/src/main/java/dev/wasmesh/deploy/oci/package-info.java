/**
 * Wasm modules as OCI images, read and written the way Istio's agent reads them: {@code RegistryClient} speaks the
 * distribution API (Basic and Bearer auth, retries, every download checked against its digest),
 * {@code WasmImageBuilder} and {@code WasmImagePusher} lay out and push an image of any {@code ImageVariant},
 * {@code WasmImagePuller} and {@code WasmImageReader} get the module back out, and {@code RemoteModuleFetcher} loads
 * a module from an {@code oci://}, {@code http(s)://} or file URL as istio-agent does. A registry's credentials come
 * from a {@code CredentialSource}, by default Docker's ({@code DockerConfig}). Public API, used by {@code istio}, the
 * commands and {@code wasmesh run}'s remote modules.
 */
package dev.wasmesh.deploy.oci;
