/**
 * {@code wasmesh build}: finds a project's language ({@code dev.wasmesh.cli.project}), picks its recipe
 * ({@code Recipes}: the requirements to check and the commands to run, as {@code wasmesh init} lays projects out),
 * checks the toolchain first so a missing tool is one clear line, runs the language's own tools and then checks the
 * module they produced with {@code ModuleCheck}, as {@code wasmesh inspect} would. Only {@code BuildCommand} is
 * public.
 */
package dev.wasmesh.cli.build;
