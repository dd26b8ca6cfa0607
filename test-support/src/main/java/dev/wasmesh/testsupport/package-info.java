/**
 * What the modules' tests share, so it exists once: the committed example filters found from any module
 * ({@code Examples}), test filters written in WAT ({@code Wat}), the JSON the commands print read into maps
 * ({@code JsonDocs}), and a {@code wasmesh} command run as a real process ({@code ProxyProcess}). A test-scoped
 * dependency only; never shipped and not API.
 */
package dev.wasmesh.testsupport;
