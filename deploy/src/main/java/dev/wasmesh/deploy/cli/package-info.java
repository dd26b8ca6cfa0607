/**
 * The deploy module's subcommands of {@code wasmesh}: {@code push}, {@code pull}, {@code login}, {@code logout},
 * {@code deploy istio}, {@code deploy list} and {@code undeploy}, with the options they share for reaching a
 * registry ({@code RegistryOptions}) and a cluster ({@code KubeOptions}). Thin: the work is in {@code oci} and
 * {@code istio}; this package turns their failures into one line on stderr ({@code Failures}). picocli is an optional
 * dependency, so library users of {@code deploy} do not get it; not API.
 */
package dev.wasmesh.deploy.cli;
