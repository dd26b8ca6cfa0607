/**
 * The {@code wasmesh} command on top of every module: {@code Wasmesh} is the picocli root (and the shaded jar's main
 * class) that gathers the subcommands the other modules carry ({@code run}, {@code echo}, {@code test}, {@code push},
 * {@code deploy}, ...) with its own {@code inspect}, {@code cache} and {@code completion}, and turns failures
 * ({@code CliException}) into the {@code ExitCode}s scripts rely on. It also gives {@code wasmesh run} the
 * {@code oci://} and {@code http(s)://} module sources of the deploy module, which the proxy does not know itself.
 * {@code build} and {@code init} are subpackages, {@code project} what both know of a filter project. An application,
 * not a library API.
 */
package dev.wasmesh.cli;
